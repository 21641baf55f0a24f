using System;
using System.Linq;
using System.Text;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class RedactingProtocolLoggerLimitsTests
{
    private static void Server(RedactingProtocolLogger logger, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        logger.LogServer(bytes, 0, bytes.Length);
    }

    [Fact]
    public void LogServer_EndsAnEndlessLine_WithReplyTooLong()
    {
        var logger = new RedactingProtocolLogger();
        var error = Assert.Throws<SmtpLimitExceededException>(() => Server(logger, "220 " + new string('x', 10_000)));
        Assert.Equal(SmtpSendErrorId.ReplyTooLong, error.ErrorId);
        Assert.All(logger.Lines, l => Assert.True(l.Length < 400));
    }

    [Fact]
    public void LogServer_EndsAnEndlessContinuation_WithTooManyReplyLines()
    {
        var logger = new RedactingProtocolLogger();
        var error = Assert.Throws<SmtpLimitExceededException>(() => Server(logger, string.Concat(Enumerable.Repeat("220-more\r\n", 1000))));
        Assert.Equal(SmtpSendErrorId.TooManyReplyLines, error.ErrorId);
    }

    [Fact]
    public void Transcript_IsCapped_WithOneMarker()
    {
        var logger = new RedactingProtocolLogger();
        for (var i = 0; i < 2000; i++)
        {
            Server(logger, "250 ok " + i + "\r\n");
        }

        logger.Complete();
        Assert.InRange(logger.Lines.Count, 500, 510);
        Assert.Contains(logger.Lines, l => l.StartsWith("* Transcript cut", StringComparison.Ordinal));
    }

    [Fact]
    public void ServerText_IsEscaped_AndScrubbed_BeforeItIsKept()
    {
        var logger = new RedactingProtocolLogger(SecretScrubber.For("u", "pw"));
        Server(logger, "535 5.7.8 \u001b]0;x\u0007 password pw wrong\r\n");
        Assert.Equal("535 5.7.8 \\x1b]0;x\\x07 password *** wrong", logger.LastReply);
        Assert.DoesNotContain(logger.Lines, l => l.Contains('\u001b'));
    }

    [Fact]
    public void BytesAfterStartTlsReady_AreFlagged_AndNotGluedToTheNextLine()
    {
        var logger = new RedactingProtocolLogger();
        var client = Encoding.ASCII.GetBytes("STARTTLS\r\n");
        logger.LogClient(client, 0, client.Length);
        Server(logger, "220 2.0.0 Ready to start TLS\r\n250 forged\r\n250 par");
        var ehlo = Encoding.ASCII.GetBytes("EHLO x\r\n");
        logger.LogClient(ehlo, 0, ehlo.Length);
        Server(logger, "250 real\r\n");
        Assert.True(logger.DataAfterStartTls);
        Assert.Equal("250 real", logger.LastReply);
        Assert.Contains(logger.Lines, l => l.StartsWith("S: 250 par [", StringComparison.Ordinal));
        Assert.Contains("S: 250 real", logger.Lines);
    }
}
