using System;
using System.Linq;
using System.Text;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>Finding the reply, its codes and the log context in all the shapes real input comes in.</summary>
[Trait("Against", "Unit")]
public class ReplyParserTests
{
    [Theory]
    [InlineData("454 4.7.0 TLS not available due to local problem", 454, "4.7.0", "TLS not available due to local problem")]
    [InlineData("454 TLS currently unavailable", 454, "", "TLS currently unavailable")]
    [InlineData("454", 454, "", "")]
    [InlineData("454-", 454, "", "")]
    [InlineData("  454 4.7.0 leading blanks  ", 454, "4.7.0", "leading blanks")]
    [InlineData("530 5.7.0, Must issue", 530, "5.7.0", "Must issue")]
    [InlineData("550 5.7.321 starttls-not-supported", 550, "5.7.321", "starttls-not-supported")]
    [InlineData("250 2.0.0 Ok: queued as 4ABC", 250, "2.0.0", "Ok: queued as 4ABC")]
    [InlineData("454 4.7.0.1 not an enhanced code", 454, "", "4.7.0.1 not an enhanced code")]
    [InlineData("4.7.0 TLS not available", 0, "4.7.0", "TLS not available")]
    [InlineData("454TLS", 0, "", "454TLS")]
    [InlineData("654 not a reply code", 0, "", "654 not a reply code")]
    [InlineData("160 not a reply code either", 0, "", "160 not a reply code either")]
    public void Reply_CodesAndText(string input, int code, string esc, string text)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(code, p.ReplyCode);
        Assert.Equal(esc, p.Enhanced);
        Assert.Equal(text, p.ReplyText);
    }

    [Theory]
    [InlineData("454-4.7.0 TLS not available\r\n454 4.7.0 due to local problem", "TLS not available due to local problem")]
    [InlineData("454-4.7.0 TLS not available\n454-4.7.0 due to local\n454 problem", "TLS not available due to local problem")]
    [InlineData("250-mx.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SMTPUTF8", "mx.example.com PIPELINING STARTTLS SMTPUTF8")]
    [InlineData("S: 220 mx ESMTP\nC: STARTTLS\n454 4.7.0 TLS not available", "TLS not available")]
    public void MultiLineReplies_AreJoined(string input, string text)
    {
        Assert.Equal(text, ReplyParser.Parse(input).ReplyText);
    }

    [Fact]
    public void MultiLineReply_WithAChangingCode_StopsThereAndNotesIt()
    {
        var p = ReplyParser.Parse("250-first\n454 second");

        Assert.Equal(250, p.ReplyCode);
        Assert.Equal("first", p.ReplyText);
        Assert.Contains(p.Notes, n => n.Key == "Resolve.Warning.MixedCodes");
    }

    [Theory]
    [InlineData("status=deferred (host mx.example.net[192.0.2.10] said: 454 4.7.0 TLS not available due to local problem (in reply to STARTTLS command))", 454, "4.7.0", "TLS not available due to local problem")]
    [InlineData("450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com]", 450, "4.4.317", "Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com]")]
    [InlineData("Remote Server returned '550 5.7.321 starttls-not-supported: Destination mail server must support TLS to receive mail.'", 550, "5.7.321", "starttls-not-supported: Destination mail server must support TLS to receive mail.")]
    [InlineData("Diagnostic information: [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mx]", 451, "5.7.3", "STARTTLS is required to send mail")]
    [InlineData("ruleset=tls_server, arg1=SOFTWARE, relay=mx.example.com, reject=403 4.7.0 TLS handshake failed.", 403, "4.7.0", "TLS handshake failed.")]
    [InlineData("H=mx.example.org [192.0.2.20]: SMTP error from remote mail server after RCPT TO:<a@example.org>: 550 5.1.1 <a@example.org>: Recipient address rejected", 550, "5.1.1", "<a@example.org>: Recipient address rejected")]
    [InlineData("stat=Deferred: 454 4.7.0 TLS not available", 454, "4.7.0", "TLS not available")]
    public void EmbeddedReplies_AreFound(string input, int code, string esc, string text)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(code, p.ReplyCode);
        Assert.Equal(esc, p.Enhanced);
        Assert.Equal(text, p.ReplyText);
    }

    [Theory]
    [InlineData("postfix/smtpd[421]: connect from unknown[192.0.2.1]")]
    [InlineData("postfix/smtp[250]: 4ABC: to=<a@example.org>, relay=none, delay=0.5")]
    [InlineData("relay=mx.example.net[192.0.2.10]:465, delay=253/0.1, size=4211, nrcpt=1")]
    [InlineData("2024-11-29 10:00:00 1tGxyz-000ABC-12 <= bob@example.org H=(helo) [203.0.113.5] P=esmtps")]
    public void ProcessIdsPortsTimestampsAndAddresses_AreNotReplyCodes(string input)
    {
        Assert.Equal(0, ReplyParser.Parse(input).ReplyCode);
    }

    [Theory]
    [InlineData("2026-12-07 05:14:28 H=mx.example.org [2001:db8::311] TLS error on connection (SSL_connect): error:0A000086:SSL routines::certificate verify failed")]
    [InlineData("2026-12-07 05:14:28 1tGxyz-000ABC-12 => bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.20] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes")]
    [InlineData("2026-12-07 05:14:28 1tGxyz-000ABC-12 <= a@example.org H=(helo) [203.0.113.5]:51234 I=[192.0.2.1]:465 P=esmtpsa X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no S=345 id=1@example.org")]
    [InlineData("Dec  7 05:14:28 mx smtpd[812]: 4a5b6c7d8e9f0a1b smtp connected address=[2001:db8::250] host=mail.example.org")]
    [InlineData("Dec  7 05:14:28 mx dovecot: submission-login: Login: user=<a>, rip=2001:db8::421, lip=2001:db8::1, TLS, session=<x>")]
    [InlineData("<22>1 2026-12-07T05:14:28.421+01:00 mx postfix/smtpd 421 - - connect from [2001:db8::454]:587")]
    public void LogFieldsOfEveryFamily_AreNotReplyCodes(string input)
    {
        Assert.Equal(0, ReplyParser.Parse(input).ReplyCode);
    }

    [Theory]
    [InlineData("2026-12-07 05:14:28 1tGxyz-000ABC-12 ** bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [2001:db8::311] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote mail server after pipelined RCPT TO:<bob@example.org>: 550 5.7.1 relay not permitted", 550, "5.7.1", "relay not permitted")]
    [InlineData("2026-12-07 05:14:28 1tGxyz-000ABC-12 == bob@example.org R=dnslookup T=remote_smtp defer (-46) H=mx.example.org [192.0.2.20] X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256: SMTP error from remote mail server after end of data: 451 Temporary local problem", 451, "", "Temporary local problem")]
    [InlineData("Reason: [{LED=550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.};{MSG=};{FQDN=};{IP=};{LRT=}]", 550, "5.7.708", "Service unavailable. Access denied, traffic not accepted from this IP.")]
    [InlineData("Dec  7 05:14:28 mx smtpd[812]: 4a5b6c7d8e9f0a1b smtp failed-command command=\"MAIL FROM:<a@example.org>\" result=\"530 5.5.1 Invalid command: Must issue a STARTTLS command first\"", 530, "5.5.1", "Invalid command: Must issue a STARTTLS command first")]
    [InlineData("Dec  7 05:14:28 mx postfix/smtpd[421]: NOQUEUE: reject: RCPT from unknown[2001:db8::250]: 554 5.7.1 <a@example.org>: Relay access denied; from=<b@example.net> to=<a@example.org> proto=ESMTP helo=<x>", 554, "5.7.1", "<a@example.org>: Relay access denied; from=<b@example.net> to=<a@example.org> proto=ESMTP helo=<x>")]
    public void RepliesInsideLogFields_AreFound(string input, int code, string esc, string text)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(code, p.ReplyCode);
        Assert.Equal(esc, p.Enhanced);
        Assert.Equal(text, p.ReplyText);
    }

    [Theory]
    [InlineData("Dec  7 05:14:28 mx smtpd[812]: 4a5b6c7d8e9f0a1b mta delivery evpid=4a5b6c7d8e9f0a1b from=<a@example.org> to=<b@example.net> rcpt=<-> source=\"192.0.2.1\" relay=\"mx.example.net [192.0.2.10]\" delay=2s result=\"TempFail\" stat=\"Error (TLS required but not supported by remote host)\"", "deferred", "mx.example.net")]
    [InlineData("2026-12-07 05:14:28 1tGxyz-000ABC-12 == b@example.net R=dnslookup T=remote_smtp defer (-38) H=mx.example.net [192.0.2.10]: a TLS session is required, but the server did not offer TLS support", "deferred", "mx.example.net")]
    [InlineData("Reason: [{LED=451 4.4.0 Primary target IP address responded with: 454 4.7.0 TLS not available};{MSG=};{FQDN=mx.example.net};{IP=192.0.2.10};{LRT=12/7/2026 5:14:28 AM}]", "", "mx.example.net")]
    public void LogContext_OfEveryFamily_IsRead(string input, string status, string server)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(status, p.LogStatus);
        Assert.Equal(server, p.Server);
    }

    [Theory]
    [InlineData("dsn=4.7.5, status=deferred (Cannot start TLS: handshake failure)", "4.7.5", "deferred", "Cannot start TLS: handshake failure")]
    [InlineData("Final-Recipient: rfc822; a@example.org\nStatus: 5.7.1", "5.7.1", "", "Final-Recipient: rfc822; a@example.org")]
    [InlineData("Delivery has failed to these recipients or groups: #550 5.1.1", "5.1.1", "bounced", "")]
    [InlineData("The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.0 Must issue a STARTTLS command first", "5.7.0", "", "")]
    [InlineData("MailKit.Net.Smtp.SmtpCommandException: 4.7.0 TLS not available due to local problem", "4.7.0", "", "")]
    public void LogFields_GiveTheEnhancedCodeAndStatus(string input, string esc, string status, string text)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(esc, p.Enhanced);
        Assert.Equal(status, p.LogStatus);
        if (text.Length > 0)
        {
            Assert.Equal(text, p.ReplyText);
        }
    }

    [Theory]
    [InlineData("host mx.example.net[192.0.2.10] said: 454 4.7.0 x", "mx.example.net", 0)]
    [InlineData("relay=mx.example.net[192.0.2.10]:587, delay=1, status=deferred (host mx.example.net[192.0.2.10] said: 454 4.7.0 x)", "mx.example.net", 587)]
    [InlineData("TLS is required, but was not offered by host unknown[192.0.2.100]", "192.0.2.100", 0)]
    [InlineData("certificate verification failed for mx.example.net[192.0.2.10]:25: untrusted issuer", "mx.example.net", 25)]
    [InlineData("== a@example.org R=dnslookup T=remote_smtp defer (-38) H=mx.example.org [192.0.2.20]:25: a TLS session is required", "mx.example.org", 25)]
    [InlineData("sendmail[123]: stat=Deferred: 403 4.7.0 TLS handshake failed., relay=mx.example.com. [192.0.2.30]", "mx.example.com", 0)]
    [InlineData("[LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=192.0.2.25:25]", "mail.contoso.com", 25)]
    [InlineData("connect to mx.example.com[IPv6:2001:db8::25]:25: Connection timed out", "mx.example.com", 25)]
    [InlineData("TLS is required, but was not offered by host unknown[IPv6:2001:db8::25]", "2001:db8::25", 0)]
    [InlineData("When connecting to an SMTP service, port 587 is typically reserved for plain-text connections.", "", 587)]
    public void LogLines_NameTheRemoteHostAndPort(string input, string server, int port)
    {
        var p = ReplyParser.Parse(input);

        Assert.Equal(server, p.Server);
        Assert.Equal(port, p.Port);
    }

    [Fact]
    public void PostfixInReplyTo_IsRemovedFromTheReplyText_ButKeptForTheRules()
    {
        var p = ReplyParser.Parse("host mx[192.0.2.1] said: 502 5.5.1 Error: command not implemented (in reply to STARTTLS command)");

        Assert.Equal("Error: command not implemented", p.ReplyText);
        Assert.Contains("in reply to STARTTLS command", p.MatchText);
    }

    [Fact]
    public void ControlCharactersAndUnicodeLineBreaks_AreNormalized()
    {
        var p = ReplyParser.Parse("454\t4.7.0\u0000TLS\u0007not available\u2028second line\u0085third");

        Assert.Equal(454, p.ReplyCode);
        Assert.Equal(3, p.Text.Split('\n').Length);
        Assert.DoesNotContain(p.Text, c => c < ' ' && c != '\n');
    }

    [Fact]
    public void LongInput_IsCutAtTheLimit_WithoutSplittingASurrogatePair()
    {
        var input = new string('x', SmtpErrorResolver.MaxInputChars - 1) + "\U0001F600" + "tail";

        var p = ReplyParser.Parse(input);

        Assert.Equal(SmtpErrorResolver.MaxInputChars - 1, p.Original.Length);
        Assert.False(char.IsHighSurrogate(p.Original[p.Original.Length - 1]));
        Assert.Contains(p.Notes, n => n.Key == "Resolve.Warning.InputTruncated");
        Assert.True(p.ReplyText.Length <= ReplyParser.MaxReplyTextChars);
    }

    [Fact]
    public void ManyLines_AreCapped()
    {
        var input = string.Join("\n", Enumerable.Range(0, 5000).Select(i => "line " + i));

        var p = ReplyParser.Parse(input);

        Assert.Equal(ReplyParser.MaxLines, p.Text.Split('\n').Length);
        Assert.Contains(p.Notes, n => n.Key == "Resolve.Warning.LinesTruncated");
    }

    [Fact]
    public void ManyContinuationLines_AreJoinedUpToTheLimit()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            builder.Append("454-4.7.0 continuation ").Append(i).Append("\r\n");
        }

        builder.Append("454 4.7.0 end");

        var p = ReplyParser.Parse(builder.ToString());

        Assert.Equal(454, p.ReplyCode);
        Assert.Contains(p.Notes, n => n.Key == "Resolve.Warning.ReplyLinesTruncated");
        Assert.StartsWith("continuation 0 continuation 1", p.ReplyText);
        Assert.True(p.ReplyText.Length <= ReplyParser.MaxReplyTextChars);
    }

    [Fact]
    public void Null_IsTreatedAsEmpty()
    {
        var p = ReplyParser.Parse(null!);

        Assert.Equal(string.Empty, p.Text);
        Assert.Equal(0, p.ReplyCode);
    }
}
