using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MailKit;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class RedactingProtocolLoggerTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static void Client(RedactingProtocolLogger logger, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        logger.LogClient(bytes, 0, bytes.Length);
    }

    private static void Server(RedactingProtocolLogger logger, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        logger.LogServer(bytes, 0, bytes.Length);
    }

    [Fact]
    public void AuthPlain_InitialResponseIsMasked_WithoutAnyDetector()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "AUTH PLAIN " + B64("\0user\0pass") + "\r\n");
        Server(logger, "235 2.7.0 Authentication successful\r\n");
        Client(logger, "MAIL FROM:<a@b.example>\r\n");

        Assert.Equal(new[] { "C: AUTH PLAIN ***", "S: 235 2.7.0 Authentication successful", "C: MAIL FROM:<a@b.example>" }, logger.Lines);
        Assert.True(logger.AuthenticationSent);
    }

    [Fact]
    public void AuthLogin_EveryAnswerToAChallengeIsMasked_AndTheChallengesStay()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "AUTH LOGIN\r\n");
        Server(logger, "334 VXNlcm5hbWU6\r\n");
        Client(logger, B64("user") + "\r\n");
        Server(logger, "334 UGFzc3dvcmQ6\r\n");
        Client(logger, B64("pass") + "\r\n");
        Server(logger, "235 2.7.0 Authentication successful\r\n");
        Client(logger, "MAIL FROM:<a@b.example>\r\n");

        Assert.Equal(
            new[] { "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: ***", "S: 334 UGFzc3dvcmQ6", "C: ***", "S: 235 2.7.0 Authentication successful", "C: MAIL FROM:<a@b.example>" },
            logger.Lines);
    }

    [Fact]
    public void MailKitsDetector_MasksTheBytesItMarks_EvenMidLine()
    {
        var logger = new RedactingProtocolLogger(null, English) { AuthenticationSecretDetector = new MarkFromDetector("AUTH XTEST ".Length) };
        Client(logger, "AUTH XTEST c2VjcmV0\r\n");

        Assert.Equal("C: AUTH XTEST ***", Assert.Single(logger.Lines));
    }

    [Fact]
    public void ScrubberRemovesKnownSecrets_FromServerLinesToo()
    {
        var logger = new RedactingProtocolLogger(SecretScrubber.For("user", "hunter22"), English);
        Server(logger, "535 5.7.8 Authentication failed for password hunter22\r\n");

        Assert.Equal("S: 535 5.7.8 Authentication failed for password ***", Assert.Single(logger.Lines));
    }

    [Fact]
    public void DataContent_IsLeftOut_ByTheProtocolNotByItsLooks()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "DATA\r\n");
        Server(logger, "354 End data with <CR><LF>.<CR><LF>\r\n");

        // A body that looks like SMTP, split across writes, the end sequence split too.
        var content = "Subject: secret plans\r\n\r\nAUTH PLAIN " + B64("\0u\0p") + "\r\n..leading dot\r\nQUIT\r\n";
        Client(logger, content.Substring(0, 10));
        Client(logger, content.Substring(10) + "\r");
        Client(logger, "\n.");
        Client(logger, "\r\n");
        Server(logger, "250 2.0.0 Ok: queued as 4Y7Q1f2abc\r\n");
        Client(logger, "QUIT\r\n");

        // The message is the content plus the CRLF before the dot line; the dot line itself is not content.
        var expectedBytes = content.Length + 2;
        Assert.Equal(
            new[]
            {
                "C: DATA",
                "S: 354 End data with <CR><LF>.<CR><LF>",
                "C: [message content, " + expectedBytes.ToString(CultureInfo.InvariantCulture) + " bytes, not recorded]",
                "C: .",
                "S: 250 2.0.0 Ok: queued as 4Y7Q1f2abc",
                "C: QUIT",
            },
            logger.Lines);
        Assert.True(logger.ContentComplete);
        Assert.Equal("250 2.0.0 Ok: queued as 4Y7Q1f2abc", logger.LastReply);
    }

    [Fact]
    public void DataRefused_NextCommandsAreLoggedNormally()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "DATA\r\n");
        Server(logger, "554 5.5.1 Error: no valid recipients\r\n");
        Client(logger, "RSET\r\n");

        Assert.Equal(new[] { "C: DATA", "S: 554 5.5.1 Error: no valid recipients", "C: RSET" }, logger.Lines);
        Assert.False(logger.ContentComplete);
    }

    [Fact]
    public void Bdat_ContentIsLeftOut_EvenInTheSameWriteAsTheCommand()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "BDAT 15 LAST\r\nHello\r\nWorld");
        Client(logger, "!\r\nNOOP\r\n");

        Assert.Equal(new[] { "C: BDAT 15 LAST", "C: [message content, 15 bytes, not recorded]", "C: NOOP" }, logger.Lines);
        Assert.True(logger.ContentComplete);
    }

    [Fact]
    public void ServerLines_AreJoinedAcrossReads_AndRepliesFoundByCodeAndText()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Server(logger, "250 2.1.0 O");
        Server(logger, "k\r\n550-5.1.1 first\r\n550 5.1.1 <x@example.org>: Recipient address rejected\r\n250 2.1.5 Ok\r\n");

        Assert.Equal("250 2.1.5 Ok", logger.LastReply);
        Assert.Equal("550-5.1.1 first\n550 5.1.1 <x@example.org>: Recipient address rejected", logger.FindReply(550, "5.1.1 first\n5.1.1 <x@example.org>: Recipient address rejected"));
        Assert.Equal("250 2.1.0 Ok", logger.FindReply(250, "2.1.0 Ok"));
        Assert.Equal("250 2.1.5 Ok", logger.FindReply(250, "something else"));
        Assert.Null(logger.FindReply(421, null));
    }

    [Fact]
    public void StartTlsReply_IsTheReplyAfterStartTls()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Server(logger, "250 mx.example\r\n");
        Client(logger, "STARTTLS\r\n");
        Server(logger, "454 4.7.0 TLS not available due to local problem\r\n");

        Assert.True(logger.StartTlsSent);
        Assert.Equal("454 4.7.0 TLS not available due to local problem", logger.StartTlsReply);
    }

    [Fact]
    public void StartConnection_ForgetsThePreviousConnectionsStartTls_ButKeepsTheTranscript()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "STARTTLS\r\n");
        Server(logger, "454 4.7.0 TLS not available due to local problem\r\n");
        logger.StartConnection();
        Server(logger, "554 5.7.1 go away\r\n");

        Assert.False(logger.StartTlsSent);
        Assert.Null(logger.StartTlsReply);
        Assert.Equal("554 5.7.1 go away", logger.LastReply);
        Assert.Equal(3, logger.Lines.Count);
        Assert.Equal("454 4.7.0 TLS not available due to local problem", logger.FindReply(454, null));
    }

    [Fact]
    public void LiveCallback_GetsEveryLine_AndNotesAreMarked()
    {
        var seen = new List<string>();
        var logger = new RedactingProtocolLogger(SecretScrubber.For("u", "longpassword"), English, seen.Add);
        logger.Note("Connecting with longpassword");
        Client(logger, "EHLO client\r\n");

        Assert.Equal(new[] { "* Connecting with ***", "C: EHLO client" }, seen);
        Assert.Equal(seen, logger.Lines);
    }

    [Fact]
    public void Complete_FlushesAHalfLine_AndCutOffContent()
    {
        var logger = new RedactingProtocolLogger(null, English);
        Client(logger, "DATA\r\n");
        Server(logger, "354 go ahead\r\n");
        Client(logger, "Subject: x\r\n\r\nbody");
        Server(logger, "421 4.4.2 timeout");
        logger.Complete();

        Assert.Equal(
            new[] { "C: DATA", "S: 354 go ahead", "C: [message content, 18 bytes, not recorded]", "S: 421 4.4.2 timeout [line not completed]" },
            logger.Lines);
        Assert.False(logger.ContentComplete);
    }

    [Fact]
    public void LogClient_ChecksItsArguments()
    {
        var logger = new RedactingProtocolLogger();
        Assert.Throws<ArgumentNullException>(() => logger.LogClient(null!, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => logger.LogClient(new byte[2], 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => logger.LogServer(new byte[2], -1, 1));
    }

    /// <summary>Marks everything from a position to the line end as secret, as MailKit's detector does for an AUTH argument.</summary>
    private sealed class MarkFromDetector : IAuthenticationSecretDetector
    {
        private readonly int _start;

        public MarkFromDetector(int start) => _start = start;

        public IList<AuthenticationSecret> DetectSecrets(byte[] buffer, int offset, int count)
        {
            var end = Array.IndexOf(buffer, (byte)'\r', offset, count);
            return new[] { new AuthenticationSecret(offset + _start, (end < 0 ? offset + count : end) - offset - _start) };
        }
    }
}
