using System;
using System.Globalization;
using System.Linq;
using System.Text;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>The replies of OAuth submission, passwordless providers, client certificates and REQUIRETLS (Knowledge/Submission.xml).</summary>
[Trait("Against", "Unit")]
public class SubmissionKnowledgeTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    // Exchange Online (Microsoft Learn, Enable or disable SMTP AUTH in Exchange Online).
    [InlineData("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0123.namprd03.prod.outlook.com]", "submission.exo.basic-auth-disabled")]
    [InlineData("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", "submission.exo.smtp-auth-disabled")]
    [InlineData("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.", "submission.exo.smtp-auth-disabled")]
    [InlineData("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.", "submission.exo.security-defaults")]
    [InlineData("535 5.7.3 Authentication unsuccessful [AM0PR02CA0001.eurprd02.prod.outlook.com 2026-12-07T05:00:00.000Z 08DD1234]", "submission.oauth.exchange-online")]
    // Decoded 334 error challenges.
    [InlineData("535 5.7.8 Authentication credentials invalid\nOAuth error challenge (decoded): {\"status\":\"invalid_token\",\"scope\":\"mail\"}", "submission.oauth.invalid-token")]
    [InlineData("535 5.7.8 Error: authentication failed\nOAuth error challenge (decoded): {\"status\":\"insufficient_scope\",\"scope\":\"https://outlook.office.com/SMTP.Send\"}", "submission.oauth.insufficient-scope")]
    // Client certificates and REQUIRETLS.
    [InlineData("SSL routines::tlsv13 alert certificate required", "submission.client-cert.required")]
    [InlineData("Authentication failed because the remote party sent a TLS alert: 'CertificateRequired'.", "submission.client-cert.required")]
    [InlineData("555 5.5.4 Unsupported option: REQUIRETLS", "submission.requiretls.not-advertised")]
    public void KnownSubmissionReplies_GetTheirRule(string reply, string ruleId)
    {
        Assert.Equal(ruleId, SmtpErrorResolver.Resolve(reply, English).RuleId);
    }

    [Fact]
    public void PastedRawChallenge_IsDecoded_GoogleScopeInTheAdvice_InBothLanguages()
    {
        var transcript = "AUTH XOAUTH2 dXNlcj1zb21lb25lQGdtYWlsLmNvbQFhdXRoPUJlYXJlciB4eHgBAQ==\n334 "
            + B64("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}")
            + "\n\n535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials";

        var english = SmtpErrorResolver.Resolve(transcript, English);
        Assert.Equal("submission.oauth.google-401", english.RuleId);
        Assert.Equal(SmtpErrorCategory.AuthenticationFailed, english.Category);
        Assert.Contains(english.Remediation, s => s.Action.Contains("https://mail.google.com/"));

        var german = SmtpErrorResolver.Resolve(transcript, German);
        Assert.Equal("submission.oauth.google-401", german.RuleId);
        Assert.Contains("abgelehnt", german.Summary);
    }

    [Fact]
    public void WrongScopeAdvice_NamesTheExchangeOnlineScope_AndWarnsAboutGraphTokens()
    {
        var resolution = SmtpErrorResolver.Resolve("535 5.7.8 x\nOAuth error challenge (decoded): {\"status\":\"insufficient_scope\"}", English);
        var exchange = Assert.Single(resolution.Remediation, s => s.Id == "Sender.GetExchangeOnlineToken");
        Assert.Contains("https://outlook.office.com/SMTP.Send", exchange.Action);
        Assert.Contains("Connect-MgGraph", exchange.Action);
        Assert.Contains("SMTP.Send", exchange.Command);
    }

    [Fact]
    public void ReplyThatIsNotAChallenge_IsNotTakenForOne()
    {
        // AUTH LOGIN's prompt is base64 too, but not JSON.
        Assert.DoesNotContain("OAuth", SmtpErrorResolver.Resolve("334 VXNlcm5hbWU6", English).RuleId, StringComparison.OrdinalIgnoreCase);
    }
}
