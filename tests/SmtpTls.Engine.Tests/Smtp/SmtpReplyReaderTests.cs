using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;
using Xunit;

namespace SmtpTls.Tests.Smtp;

[Trait("Against", "Unit")]
public class SmtpReplyReaderTests
{
    private static SmtpReplyReader Reader(string text, int maxLine = SmtpReplyReader.DefaultMaxLineLength, int maxLines = SmtpReplyReader.DefaultMaxLines) =>
        new(new MemoryStream(Encoding.ASCII.GetBytes(text)), maxLine, maxLines);

    [Fact]
    public async Task ReadsAMultiLineReply()
    {
        var reply = await Reader("250-mx.example.org\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n").ReadReplyAsync(false, null, CancellationToken.None);
        Assert.Equal(250, reply.Code);
        Assert.Equal(3, reply.Lines.Count);
        Assert.Equal(new[] { "STARTTLS", "AUTH PLAIN LOGIN" }, SmtpCapabilities.Keywords(reply));
    }

    [Fact]
    public async Task ReadsConsecutiveReplies_AndAcceptsBareLf()
    {
        var reader = Reader("220 hello\n250 ok\n");
        Assert.Equal(220, (await reader.ReadReplyAsync(false, null, CancellationToken.None)).Code);
        Assert.Equal(250, (await reader.ReadReplyAsync(false, null, CancellationToken.None)).Code);
    }

    [Fact]
    public async Task ALineLongerThanTheCap_IsNotSmtp()
    {
        var text = "220 " + new string('x', 1 << 20) + "\r\n";
        var ex = await Assert.ThrowsAsync<SmtpProtocolException>(() => Reader(text).ReadReplyAsync(false, null, CancellationToken.None));
        Assert.StartsWith("220 xxx", ex.Received);
    }

    [Fact]
    public async Task MoreLinesThanTheCap_IsNotSmtp()
    {
        var text = string.Concat(Enumerable.Range(0, 10_000).Select(i => "250-X-" + i + "\r\n")) + "250 END\r\n";
        var ex = await Assert.ThrowsAsync<SmtpProtocolException>(() => Reader(text).ReadReplyAsync(false, null, CancellationToken.None));
        Assert.Contains("200", ex.Message);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("\u0016\u0003\u0001\u0000\u00a5\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("2x0 nope\r\n")]
    [InlineData("220-first\r\n250 second\r\n")]
    public async Task GarbageOrInconsistentReplies_AreNotSmtp(string text)
    {
        await Assert.ThrowsAsync<SmtpProtocolException>(() => Reader(text).ReadReplyAsync(false, null, CancellationToken.None));
    }

    [Fact]
    public async Task CloseInTheMiddleOfALine_IsEndOfStream()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => Reader("220 mx.exa").ReadReplyAsync(false, null, CancellationToken.None));
    }

    [Fact]
    public async Task ExactMode_LeavesTheBytesAfterTheReplyInTheStream()
    {
        // What follows "220 Ready to start TLS" is the TLS layer's: the reader must not consume it.
        var bytes = Encoding.ASCII.GetBytes("220 2.0.0 Ready to start TLS\r\n").Concat(new byte[] { 0x16, 0x03, 0x03 }).ToArray();
        var stream = new MemoryStream(bytes);
        var reader = new SmtpReplyReader(stream);
        var reply = await reader.ReadReplyAsync(true, null, CancellationToken.None);
        Assert.Equal(220, reply.Code);
        Assert.Equal(0, reader.Buffered);
        Assert.Equal(0x16, stream.ReadByte());
    }

    [Fact]
    public async Task EveryLineReachesTheCallback()
    {
        var seen = new System.Collections.Generic.List<string>();
        await Reader("250-a\r\n250 b\r\n").ReadReplyAsync(false, seen.Add, CancellationToken.None);
        Assert.Equal(new[] { "250-a", "250 b" }, seen);
    }

    [Theory]
    [InlineData("AUTH PLAIN LOGIN", new[] { "PLAIN", "LOGIN" })]
    [InlineData("AUTH=LOGIN PLAIN", new[] { "LOGIN", "PLAIN" })]
    [InlineData("AUTHX FOO", new string[0])]
    public void AuthMechanisms_ReadsBothForms(string keyword, string[] expected)
    {
        Assert.Equal(expected, SmtpCapabilities.AuthMechanisms(new[] { "PIPELINING", keyword, "auth plain" }).Take(expected.Length).ToArray());
    }
}
