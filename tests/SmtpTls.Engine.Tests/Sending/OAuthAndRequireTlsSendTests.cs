using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security;
using System.Text;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Sending;
using SmtpTls.Tests.Probing;
using Xunit;

namespace SmtpTls.Tests.Sending;

/// <summary>OAuth 2.0 submission (OAUTHBEARER, XOAUTH2) and REQUIRETLS through MailKit against scripted servers.</summary>
[Trait("Against", "Scripted")]
public class OAuthAndRequireTlsSendTests
{
    private const string User = "tester@test.example";

    // Shaped like a JWT: the forms that must never reach the transcript are derived from it.
    private const string Token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0ZXIiLCJlbWFpbCI6InRlc3RlckB0ZXN0LmV4YW1wbGUifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi10aGF0LW11c3Qtc3RheS1zZWNyZXQ";
    private static readonly TrustAnchors Anchor = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate });
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private static SmtpTestMessageOptions Options(ScriptedSmtpServer server, Action<SmtpTestMessageOptions>? change = null)
    {
        var options = new SmtpTestMessageOptions(server.Endpoint, "sender@test.example", new[] { "rcpt@test.example" })
        {
            ServerName = "mx.test.example",
            TrustAnchors = Anchor,
            Timeout = TimeSpan.FromSeconds(5),
            Culture = English,
        };
        change?.Invoke(options);
        return options;
    }

    private static void WithToken(SmtpTestMessageOptions options) => options.OAuthCredential = new SmtpOAuthCredential(User, Secure(Token));

    /// <summary>Every text of the result: no form of the token may be in any of them.</summary>
    private static void AssertNoToken(SmtpSendResult result)
    {
        var texts = result.Transcript.Concat(result.Warnings).Concat(new[] { result.ErrorMessage, result.Reply, result.Resolution?.Input, result.ToString() }).Where(t => t is not null);
        var signature = Token.Substring(Token.LastIndexOf('.') + 1);
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Token, text!);
            Assert.DoesNotContain(signature, text!);
            foreach (var form in OAuthSecretForms.For(User, Token))
            {
                Assert.DoesNotContain(form, text!);
            }
        }
    }

    [Fact]
    public async Task OAuthBearerOffered_IsUsed_TokenReachesTheServerOnlyInsideTls_AndNeverTheTranscript()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "PLAIN LOGIN XOAUTH2 OAUTHBEARER" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, WithToken));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.True(result.Authenticated);
        Assert.Equal("OAUTHBEARER", result.AuthenticationMechanism);
        Assert.Equal(Token, Assert.Single(dialogue.BearerTokens));
        Assert.Contains(result.Transcript, l => l == "C: AUTH OAUTHBEARER ***");
        Assert.Single(dialogue.CompletedMessages);
        AssertNoToken(result);
    }

    [Fact]
    public async Task OnlyXOAuth2Offered_FallsBackToXOAuth2()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "PLAIN XOAUTH2" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, WithToken));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.Equal("XOAUTH2", result.AuthenticationMechanism);
        Assert.Equal(Token, Assert.Single(dialogue.BearerTokens));
        AssertNoToken(result);
    }

    [Fact]
    public async Task RejectedToken_GoogleStyleChallenge_IsOAuthTokenRejected_WithTheDecodedStatus_AndNothingSent()
    {
        const string json = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";
        var dialogue = new SubmissionDialogue { AuthMechanisms = "XOAUTH2", OAuthError = _ => json };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, WithToken));

        Assert.False(result.Accepted);
        Assert.Equal(nameof(SmtpSendErrorId.OAuthTokenRejected), result.ErrorId);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", result.Reply);
        Assert.Contains("OAuth status 401", result.ErrorMessage);
        Assert.Contains(result.Transcript, l => l.Contains(json));
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Empty(dialogue.CompletedMessages);
        Assert.NotNull(result.Resolution);
        Assert.Equal(SmtpTls.SmtpErrorCategory.AuthenticationFailed, result.Resolution!.Category);
        Assert.Contains(result.Resolution.Remediation, s => s.Action.Contains("https://mail.google.com/"));
        AssertNoToken(result);
    }

    [Fact]
    public async Task RejectedToken_Rfc7628InvalidToken_SaysExpiredOrInvalid()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "OAUTHBEARER", OAuthError = _ => "{\"status\":\"invalid_token\",\"scope\":\"example_scope\",\"openid-configuration\":\"https://example.com/.well-known/openid-configuration\"}" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, WithToken));

        Assert.Equal(nameof(SmtpSendErrorId.OAuthTokenRejected), result.ErrorId);
        Assert.Contains("OAuth status invalid_token", result.ErrorMessage);
        Assert.NotNull(result.Resolution);
        Assert.StartsWith("submission.oauth.invalid-token", result.Resolution!.RuleId);
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        AssertNoToken(result);
    }

    [Fact]
    public async Task NoOAuthMechanism_SendsNoTokenAtAll()
    {
        var dialogue = new SubmissionDialogue { AuthMechanisms = "PLAIN LOGIN" };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, WithToken));

        Assert.Equal(nameof(SmtpSendErrorId.OAuthNotOffered), result.ErrorId);
        Assert.Contains("LOGIN", result.ErrorMessage);
        Assert.Contains("PLAIN", result.ErrorMessage);
        Assert.False(dialogue.ReceivedCommand("AUTH"));
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Empty(dialogue.BearerTokens);
    }

    [Fact]
    public async Task PlaintextServer_TokenIsNeverSent_WithoutAllowInsecureAuthentication()
    {
        var dialogue = new SubmissionDialogue { OfferStartTls = false, AuthMechanisms = "OAUTHBEARER", AuthBeforeTls = true };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            WithToken(o);
            o.TlsMode = SmtpSendTlsMode.Opportunistic;
        }));

        Assert.Equal(nameof(SmtpSendErrorId.InsecureAuthenticationRefused), result.ErrorId);
        Assert.False(dialogue.ReceivedCommand("AUTH"));
        Assert.Empty(dialogue.BearerTokens);
    }

    [Fact]
    public void TokenAndPassword_Together_AreAnInputError()
    {
        var options = new SmtpTestMessageOptions("127.0.0.1", "a@example.org", new[] { "b@example.org" })
        {
            Culture = English,
            Credential = new NetworkCredential(User, "pw"),
            OAuthCredential = new SmtpOAuthCredential(User, Secure(Token)),
        };
        var error = Assert.Single(SmtpTestMessageSender.Validate(options));
        Assert.Equal("AccessToken", error.ParameterName);
    }

    [Theory]
    [InlineData("user,a=admin")]
    [InlineData("user\u0001auth=Bearer x")]
    [InlineData(" ")]
    public void OAuthCredential_RefusesUserNamesThatCouldForgeFields(string userName)
    {
        Assert.Throws<ArgumentException>(() => new SmtpOAuthCredential(userName, Secure(Token)));
    }

    [Fact]
    public async Task RequireTls_Advertised_SendsMailFromWithRequireTls()
    {
        var dialogue = new SubmissionDialogue { ExtensionsAfterTls = new[] { "REQUIRETLS" } };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.RequireTls = true));

        Assert.True(result.Accepted, result.ErrorMessage);
        Assert.True(result.RequireTls);
        Assert.Contains(dialogue.Received, l => l.StartsWith("MAIL FROM:<sender@test.example>", StringComparison.Ordinal) && l.EndsWith(" REQUIRETLS", StringComparison.Ordinal));
        Assert.Single(dialogue.CompletedMessages);
    }

    [Fact]
    public async Task RequireTls_NotAdvertised_SendsNothing_AndSaysWhy()
    {
        var dialogue = new SubmissionDialogue();
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        var result = await SmtpTestMessageSender.SendAsync(Options(server, o => o.RequireTls = true));

        Assert.False(result.Accepted);
        Assert.Equal(nameof(SmtpSendErrorId.RequireTlsNotOffered), result.ErrorId);
        Assert.False(dialogue.ReceivedCommand("MAIL"));
        Assert.Empty(dialogue.CompletedMessages);
        Assert.NotNull(result.Resolution);
        Assert.Contains("REQUIRETLS", result.Resolution!.Summary);
    }

    [Fact]
    public async Task RequireTls_OverAnUnverifiedCertificate_SendsNothing()
    {
        var dialogue = new SubmissionDialogue { ExtensionsAfterTls = new[] { "REQUIRETLS" } };
        await using var server = new ScriptedSmtpServer(dialogue.Script);

        // No trust anchor: the scripted server's certificate is untrusted, and skipping validation does not make it verified.
        var result = await SmtpTestMessageSender.SendAsync(Options(server, o =>
        {
            o.TrustAnchors = null;
            o.SkipCertificateValidation = true;
            o.RequireTls = true;
        }));

        Assert.Equal(nameof(SmtpSendErrorId.RequireTlsNotVerified), result.ErrorId);
        Assert.False(dialogue.ReceivedCommand("MAIL"));
    }

    [Fact]
    public void ScrubberForms_CatchTheTokenInsideAnyBase64Text()
    {
        var scrubber = SecretScrubber.None.With(OAuthSecretForms.For(User, Token));
        foreach (var prefix in new[] { "n,a=" + User + ",\u0001host=mx.test.example\u0001port=587\u0001auth=Bearer ", "x\u0001auth=Bearer ", "xy\u0001auth=Bearer " })
        {
            var wire = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + Token + "\u0001\u0001"));
            var scrubbed = scrubber.Scrub("C: AUTH OAUTHBEARER " + wire);
            Assert.Contains(SecretScrubber.Mask, scrubbed);

            // What is left of the base64 cannot be decoded back to more than a few characters of the token.
            var left = scrubbed.Substring("C: AUTH OAUTHBEARER ".Length).Split(new[] { SecretScrubber.Mask }, StringSplitOptions.None);
            Assert.All(left, part => Assert.True(part.Length < 12 + prefix.Length * 4 / 3, part));
        }

        Assert.Equal("token: " + SecretScrubber.Mask, scrubber.Scrub("token: " + Token));
    }

    [Theory]
    [InlineData("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==", "401", "https://mail.google.com/")]
    [InlineData("eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=", "invalid_token", "example_scope")]
    public void ErrorChallenge_DecodesRealChallenges(string payload, string status, string scope)
    {
        var challenge = OAuthErrorChallenge.TryDecode(payload);
        Assert.NotNull(challenge);
        Assert.Equal(status, challenge!.Status);
        Assert.Equal(scope, challenge.Scope);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("VXNlcm5hbWU6")]
    [InlineData("W10=")]
    public void ErrorChallenge_IgnoresWhatIsNotAJsonObject(string payload)
    {
        Assert.Null(OAuthErrorChallenge.TryDecode(payload));
    }

    [Fact]
    public void ErrorChallenge_MakesControlCharactersVisible()
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"status\":\"invalid_token\\u001b[31m\"}"));
        var challenge = OAuthErrorChallenge.TryDecode(payload);
        Assert.Equal("invalid_token\\x1b[31m", challenge!.Status);
    }
}
