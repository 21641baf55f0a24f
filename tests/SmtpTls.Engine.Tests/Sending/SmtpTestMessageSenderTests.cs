using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Sending;
using SmtpTls.Tests.Probing;
using Xunit;

namespace SmtpTls.Tests.Sending;

/// <summary>End to end through MailKit against scripted servers on loopback (no Postfix needed).</summary>
[Trait("Against", "Scripted")]
public class SmtpTestMessageSenderTests
{
    private const string User = "tester@test.example";
    private const string Password = "Corr3ct-Horse-Battery";
    private static readonly TrustAnchors Anchor = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate });
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string[] SecretForms => new[]
    {
        Password,
        B64("\0" + User + "\0" + Password),
        B64(User),
        B64(Password),
    };

    private static SmtpTestMessageOptions Options(ScriptedSmtpServer server, Action<SmtpTestMessageOptions>? change = null, params string[] to)
    {
        var options = new SmtpTestMessageOptions(server.Endpoint, "sender@test.example", to.Length == 0 ? new[] { "rcpt@test.example" } : to)
        {
            ServerName = "mx.test.example",
            TrustAnchors = Anchor,
            Timeout = TimeSpan.FromSeconds(5),
            Culture = English,
        };
        change?.Invoke(options);
        return options;
    }

    private static void AssertNoSecrets(SmtpSendResult result)
    {
        foreach (var line in result.Transcript)
        {
            foreach (var secret in SecretForms)
            {
                Assert.DoesNotContain(secret, line);
            }
        }
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("a@b.example, c@d.example")]
    [InlineData("user@")]
    [InlineData("@example.org")]
    [InlineData("x@example.org>\r\nRCPT TO:<y@example.org")]
    public void Validate_RejectsAnythingButOneMailbox(string address)
    {
        var errors = SmtpTestMessageSender.Validate(new SmtpTestMessageOptions("127.0.0.1", "ok@example.org", new[] { address }) { Culture = English });
        var error = Assert.Single(errors);
        Assert.Equal("To", error.ParameterName);
        Assert.Contains("not one valid mail address", error.Message);
    }

    [Theory]
    [InlineData("admin@example.org")]
    [InlineData("Mail Admin <admin@example.org>")]
    [InlineData("\"Admin, Mail\" <admin@example.org>")]
    [InlineData("root@localhost")]
    public void Validate_AcceptsAMailboxWithOrWithoutDisplayName(string address)
    {
        Assert.Empty(SmtpTestMessageSender.Validate(new SmtpTestMessageOptions("mx.example.org", address, new[] { address })));
    }

    [Fact]
    public void Validate_ReportsEveryBadInput_WithItsParameter()
    {
        var options = new SmtpTestMessageOptions("mx.example.org:99999", "nobody", Array.Empty<string>())
        {
            ServerName = "bad name!",
            HeloName = "two words",
            Culture = English,
        };
        var errors = SmtpTestMessageSender.Validate(options);
        Assert.Equal(new[] { "From", "HeloName", "Server", "ServerName", "To" }, errors.Select(e => e.ParameterName).OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public async Task SendAsync_InvalidInput_ThrowsBeforeContactingAnything()
    {
        var options = new SmtpTestMessageOptions("127.0.0.1:1", "nobody", new[] { "x@example.org" });
        await Assert.ThrowsAsync<ArgumentException>(() => SmtpTestMessageSender.SendAsync(options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => SmtpTestMessageSender.SendAsync(null!));
    }

    [Fact]
    public async Task StartTls_ValidCertificate_AuthenticatesAndSends_WithARedactedTranscript()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "PLAIN LOGIN" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.Credential = new NetworkCredential(User, Password)));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.True(result.TlsEstablished);
        Assert.True(result.Authenticated);
        Assert.Equal("250 2.0.0 Ok: queued as 4Y7Q1f2abc", result.Reply);
        Assert.Equal("4Y7Q1f2abc", result.QueueId);
        Assert.Contains(result.Protocol, new[] { "Tls12", "Tls13" });
        Assert.False(string.IsNullOrEmpty(result.CipherSuite));
        Assert.True(result.Certificate!.IsValid);
        Assert.Empty(result.Warnings);
        Assert.Null(result.ErrorId);

        // The password really went to the server (inside TLS), and only as *** into the transcript.
        Assert.Contains(dialogue.Received, l => l.StartsWith("AUTH PLAIN " + B64("\0" + User + "\0" + Password), StringComparison.Ordinal));
        Assert.Contains("C: AUTH PLAIN ***", result.Transcript);
        AssertNoSecrets(result);

        // The body went to the server but not into the transcript.
        var delivered = Assert.Single(dialogue.CompletedMessages);
        Assert.Contains("Message-Id: <" + result.MessageId + ">", delivered, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-SmtpTls-Test-Id: " + result.TestId, delivered);
        Assert.Contains(result.TestId!, result.Subject);
        Assert.DoesNotContain(result.Transcript, l => l.Contains("X-SmtpTls-Test-Id"));
        Assert.Contains(result.Transcript, l => l.StartsWith("C: [message content, ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlaintextServer_CredentialIsNeverSent_WithoutAllowInsecureAuthentication()
    {
        var dialogue = new SubmissionDialogue { OfferStartTls = false, AuthMechanisms = "PLAIN LOGIN", AuthBeforeTls = true };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            o.TlsMode = SmtpSendTlsMode.None;
            o.Credential = new NetworkCredential(User, Password);
        }));

        Assert.False(result.Accepted);
        Assert.Equal(nameof(SmtpSendErrorId.InsecureAuthenticationRefused), result.ErrorId);
        Assert.False(dialogue.ReceivedCommand("AUTH"));
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.DoesNotContain(dialogue.Received, l => SecretForms.Any(l.Contains));
        Assert.Empty(result.Warnings);
        AssertNoSecrets(result);
    }

    [Fact]
    public async Task PlaintextServer_AllowInsecureAuthentication_SendsWithWarnings_AndRedacts()
    {
        var dialogue = new SubmissionDialogue { OfferStartTls = false, AuthMechanisms = "PLAIN", AuthBeforeTls = true };
        await using var server = new ScriptedSmtpServer(dialogue.Script);
        var warnings = new List<string>();

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            o.TlsMode = SmtpSendTlsMode.None;
            o.Credential = new NetworkCredential(User, Password);
            o.AllowInsecureAuthentication = true;
            o.Warning = warnings.Add;
        }));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.False(result.TlsEstablished);
        Assert.True(result.Authenticated);
        Assert.True(dialogue.ReceivedCommand("AUTH PLAIN"));
        Assert.Equal(2, result.Warnings.Length);
        Assert.Equal(result.Warnings, warnings);
        Assert.Contains(result.Warnings, w => w.Contains("AllowInsecureAuthentication option"));
        Assert.Contains(result.Warnings, w => w.Contains("TLS mode None"));
        AssertNoSecrets(result);
    }

    [Fact]
    public async Task AuthLogin_BothAnswersAreRedacted()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "LOGIN" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.Credential = new NetworkCredential(User, Password)));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.True(result.Authenticated);
        Assert.Contains(B64(User), dialogue.Received);
        Assert.Contains(B64(Password), dialogue.Received);
        var auth = result.Transcript.IndexOf("C: AUTH LOGIN");
        Assert.True(auth > 0, string.Join("\n", result.Transcript));
        Assert.Equal(new[] { "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: ***", "S: 334 UGFzc3dvcmQ6", "C: ***", "S: 235 2.7.0 Authentication successful" }, result.Transcript.Skip(auth).Take(6));
        AssertNoSecrets(result);
    }

    [Theory]
    [InlineData(null, "mx.test.example", nameof(SmtpSendErrorId.CertificateUntrusted))]
    [InlineData("anchor", "other.test.example", nameof(SmtpSendErrorId.CertificateNameMismatch))]
    public async Task InvalidCertificate_StopsBeforeMailFrom(string? anchor, string serverName, string errorId)
    {
        var dialogue = new SubmissionDialogue();
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            o.TrustAnchors = anchor is null ? null : Anchor;
            o.ServerName = serverName;
        }));

        Assert.False(result.Accepted);
        Assert.Equal(errorId, result.ErrorId);
        Assert.NotNull(result.Certificate);
        Assert.True(dialogue.ReceivedCommand("STARTTLS"));
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Equal(0, dialogue.MessagesCompleted);
        Assert.Contains("before MAIL FROM", result.ErrorMessage);
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task SkipCertificateValidation_SendsAnyway_WithAWarningThatNamesTheProblem()
    {
        var dialogue = new SubmissionDialogue();
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            o.TrustAnchors = null;
            o.SkipCertificateValidation = true;
        }));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.True(result.TlsEstablished);
        Assert.True(result.CertificateValidationSkipped);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("SkipCertificateValidation option", warning);
        Assert.Contains("trusted root", warning);
    }

    [Fact]
    public async Task Auto_ServerWithoutStartTls_GetsNoMessage()
    {
        var dialogue = new SubmissionDialogue { OfferStartTls = false };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server));

        Assert.Equal(nameof(SmtpSendErrorId.TlsNotOffered), result.ErrorId);
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Null(result.Reply);
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task Auto_StartTlsRefused_GetsNoMessage_AndReportsTheReply()
    {
        var dialogue = new SubmissionDialogue { StartTlsReply = "454 4.7.0 TLS not available due to local problem" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server));

        Assert.Equal(nameof(SmtpSendErrorId.TlsNotAvailable), result.ErrorId);
        Assert.Equal("454 4.7.0 TLS not available due to local problem", result.Reply);
        Assert.Contains("454 4.7.0 TLS not available due to local problem", result.ErrorMessage);
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Equal(454, result.Resolution!.ReplyCode);

        var exception = new SmtpSendException(result);
        Assert.Same(result.Resolution, exception.Data[SmtpSendException.ResolutionKey]);
        Assert.Equal(nameof(SmtpSendErrorId.TlsNotAvailable), exception.ErrorId);
    }

    [Fact]
    public async Task Opportunistic_StartTlsRefused_RetriesInPlaintext_WithAWarning()
    {
        var dialogue = new SubmissionDialogue { StartTlsReply = "454 4.7.0 TLS not available due to local problem" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.TlsMode = SmtpSendTlsMode.Opportunistic));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.False(result.TlsEstablished);
        Assert.Equal(2, server.Connections);
        Assert.Equal(1, dialogue.Received.Count(l => l == "STARTTLS"));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("454 4.7.0", warning);
    }

    [Fact]
    public async Task RefusedRecipient_ResetsTheTransaction_AndNothingIsSent()
    {
        var dialogue = new SubmissionDialogue { RcptReply = line => line.Contains("bad@") ? "550 5.1.1 <bad@test.example>: Recipient address rejected: User unknown" : "250 2.1.5 Ok" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, null, "good@test.example", "bad@test.example"));

        Assert.Equal(nameof(SmtpSendErrorId.RecipientRejected), result.ErrorId);
        Assert.Equal("550 5.1.1 <bad@test.example>: Recipient address rejected: User unknown", result.Reply);
        Assert.Contains("bad@test.example", result.ErrorMessage);
        Assert.True(dialogue.ReceivedCommand("RSET"));
        Assert.False(dialogue.ReceivedCommand("DATA"));
        Assert.Equal(0, dialogue.MessagesCompleted);
    }

    [Fact]
    public async Task ExchangeStyleReply_GivesTheInternalIdAsQueueId()
    {
        var dialogue = new SubmissionDialogue { FinalReply = "250 2.6.0 <abc@EX01.contoso.com> [InternalId=12345678901234, Hostname=EX01.contoso.com] Queued mail for delivery" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server));

        Assert.True(result.Accepted);
        Assert.Equal("12345678901234", result.QueueId);
    }

    [Fact]
    public async Task NoReplyAfterTheData_IsATimeoutWhoseOutcomeIsUnknown()
    {
        var dialogue = new SubmissionDialogue { SilentAfterData = true };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.Timeout = TimeSpan.FromSeconds(1)));

        Assert.False(result.Accepted);
        Assert.Equal(nameof(SmtpSendErrorId.Timeout), result.ErrorId);
        Assert.Contains(result.MessageId!, result.ErrorMessage);
        Assert.Contains("may or may not", result.ErrorMessage);
    }

    [Fact]
    public async Task Cancellation_DropsTheConnection_WithoutCompletingAMessage()
    {
        // The server takes mail, but cancels the client the moment RCPT arrives and answers it a
        // second later: a sender that went on after the cancellation would complete the message.
        using var cancel = new CancellationTokenSource();
        var dialogue = new SubmissionDialogue { OnRcpt = cancel.Cancel, RcptDelay = TimeSpan.FromSeconds(1) };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        SmtpSendResult? notCancelled = null;
        try
        {
            notCancelled = await SmtpTestMessageSender.SendAsync(Options(server, o => o.Timeout = TimeSpan.FromSeconds(30)), cancel.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(notCancelled is null, $"the send was not cancelled: {notCancelled?.ErrorId} {notCancelled?.ErrorMessage} | {string.Join(" / ", notCancelled?.Transcript ?? Array.Empty<string>())}");

        // Give a sender that ignored the cancellation the time to finish what it started.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(dialogue.ReceivedCommand("RCPT"), "the cancellation came in the envelope");
        Assert.Equal(0, dialogue.MessagesCompleted);
        Assert.False(dialogue.ReceivedCommand("QUIT"), "a cancelled send drops the connection rather than saying goodbye");
    }

    [Fact]
    public async Task GermanCulture_LocalizesMessagesAndTheDefaultSubject()
    {
        var dialogue = new SubmissionDialogue { OfferStartTls = false };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.Culture = CultureInfo.GetCultureInfo("de-DE")));

        Assert.Equal(nameof(SmtpSendErrorId.TlsNotOffered), result.ErrorId);
        Assert.Contains("bietet kein STARTTLS an", result.ErrorMessage);
        Assert.StartsWith("SmtpTls-Testnachricht ", result.Subject);
    }
}
