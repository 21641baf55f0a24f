using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Authentication;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

[Trait("Against", "Unit")]
public class SmtpErrorResolverTests
{
    private const string Postfix454 = "454 4.7.0 TLS not available due to local problem";
    private const string Postfix454Log = "Nov 29 10:15:02 mail postfix/smtp[2345]: 8F1A2C0123: to=<ann@example.net>, relay=mx.example.net[192.0.2.10]:587, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (host mx.example.net[192.0.2.10] said: 454 4.7.0 TLS not available due to local problem (in reply to STARTTLS command))";
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public void ClassMismatch_454_5_7_3_IsTransientBecauseTheBasicCodeGoverns_AndWarnsAboutBothCodes()
    {
        var r = SmtpErrorResolver.Resolve("454 5.7.3 TLS not available", English);

        Assert.Equal(454, r.ReplyCode);
        Assert.Equal("5.7.3", r.EnhancedStatusCode);
        Assert.True(r.IsTransient);
        Assert.Equal(SmtpReplyClass.TransientNegative, r.Class);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, r.Category);

        // One warning says the classes disagree and which one governs ...
        Assert.Contains(r.Warnings, w => w.Contains("454") && w.Contains("5.7.3") && w.Contains("class 4") && w.Contains("class 5") && w.Contains("transient"));

        // ... and one says what X.7.3 really means.
        Assert.Contains(r.Warnings, w => w.Contains("Security conversion required but not possible") && w.Contains("RFC 3463"));
        Assert.Equal("Security conversion required but not possible", r.EnhancedStatusDescription);
        Assert.Contains("RFC 3463 §2", r.References);
        Assert.Contains("RFC 3463 §3.8", r.References);
    }

    [Fact]
    public void ClassMismatch_Exchange451_5_7_3_IsTransientWithBothWarnings()
    {
        var r = SmtpErrorResolver.Resolve("451 5.7.3 STARTTLS is required to send mail", English);

        Assert.True(r.IsTransient);
        Assert.Equal(SmtpErrorCategory.TlsRequired, r.Category);
        Assert.Equal(2, r.Warnings.Length);
    }

    [Fact]
    public void MatchingClasses_GiveNoClassWarning()
    {
        var r = SmtpErrorResolver.Resolve(Postfix454, English);

        Assert.Empty(r.Warnings);
        Assert.Equal(SmtpResolutionConfidence.High, r.Confidence);
        Assert.Equal("starttls.454.postfix", r.RuleId);
        Assert.Equal("Postfix", r.ServerSoftware);
        Assert.Equal("TLS not available due to local problem", r.ReplyText);
    }

    [Fact]
    public void Postfix454_HasRemediationForSendersAdministratorsAndDevelopers()
    {
        var r = SmtpErrorResolver.Resolve(Postfix454, English);

        foreach (SmtpRemediationAudience audience in Enum.GetValues(typeof(SmtpRemediationAudience)))
        {
            Assert.Contains(r.Remediation, s => s.Audience == audience);
        }

        Assert.All(r.Remediation, s => Assert.False(string.IsNullOrWhiteSpace(s.Action)));
        Assert.Equal(SmtpRemediationAudience.Sender, r.Remediation[0].Audience);
        Assert.True(r.Causes.Length >= 7);
    }

    [Theory]
    [InlineData("starttls.454.postfix")]
    [InlineData("starttls.454.exim")]
    [InlineData("starttls.454.sendmail")]
    [InlineData("starttls.454.rfc3207")]
    [InlineData("starttls.454.with-tls-text")]
    public void The454Family_CoversEveryKnownCause_WithStepsForEachOne(string ruleId)
    {
        var rule = KnowledgeBase.Instance.Rules.Single(r => r.Id == ruleId);

        // TLS not configured, certificate problems (unreadable, mismatched key, expired), TLS disabled after an
        // error, misconfiguration, overload, port mismatch and version mismatch.
        foreach (var cause in new[] { "tls-not-configured", "cert-key-unreadable", "cert-key-mismatch", "server-cert-expired", "tls-disabled-after-error", "config-error", "server-overload", "port-mismatch", "tls-version-mismatch" })
        {
            if (ruleId == "starttls.454.sendmail" && cause == "tls-not-configured")
            {
                continue; // Sendmail does not announce STARTTLS without a certificate; its 454 comes after start-up.
            }

            Assert.Contains(cause, rule.Causes);
        }

        foreach (var step in new[] { "Sender.RetryLater", "Sender.CheckPort", "Admin.CheckCertificateAndKey", "Admin.CheckCertificateValidity", "Admin.ConfigureTls", "Admin.CheckTlsConfigSyntax", "Admin.CheckPortMode", "Admin.CheckTlsVersions", "Admin.CheckLoad", "Admin.TestEndpoint", "Dev.TreatAsTransient", "Dev.MatchPortAndMode" })
        {
            Assert.Contains(step, rule.Steps);
        }
    }

    [Fact]
    public void German_GivesGermanTextsWrittenForAdmins()
    {
        var en = SmtpErrorResolver.Resolve(Postfix454, English);
        var de = SmtpErrorResolver.Resolve(Postfix454, German);

        Assert.Equal("de-DE", de.Culture);
        Assert.Equal(en.Category, de.Category);
        Assert.Equal(en.RuleId, de.RuleId);
        Assert.NotEqual(en.Summary, de.Summary);
        Assert.Contains("Zertifikat", de.Summary);
        Assert.Equal("Sonstiger oder nicht definierter Sicherheitsstatus", de.EnhancedStatusDescription);

        // The wording the user gave us.
        Assert.StartsWith("Temporärer Fehler", de.Remediation.Single(s => s.Id == "Sender.RetryLater").Action);
        Assert.StartsWith("Port überprüfen (587 für STARTTLS, 465 für SSL/TLS)", de.Remediation.Single(s => s.Id == "Sender.CheckPort").Action);

        // Ids and commands are language-independent, texts are not.
        Assert.Equal(en.Remediation.Select(s => s.Id), de.Remediation.Select(s => s.Id));
        Assert.Equal(en.Remediation.Select(s => s.Command), de.Remediation.Select(s => s.Command));
        Assert.All(en.Remediation.Zip(de.Remediation, (e, d) => (e, d)), p => Assert.NotEqual(p.e.Action, p.d.Action));
        Assert.All(en.Causes.Zip(de.Causes, (e, d) => (e, d)), p => Assert.NotEqual(p.e, p.d));
    }

    [Fact]
    public void German_WithTlsRetryStep()
    {
        var de = SmtpErrorResolver.Resolve("530 5.7.0 Must issue a STARTTLS command first", German);

        Assert.StartsWith("Mit TLS erneut versuchen", de.Remediation[0].Action);
    }

    [Fact]
    public void German_Warnings()
    {
        var de = SmtpErrorResolver.Resolve("454 5.7.3 TLS not available", German);

        Assert.Contains(de.Warnings, w => w.Contains("widersprechen sich") && w.Contains("temporär"));
        Assert.Contains(de.Warnings, w => w.Contains("Maßgeblich ist der Antworttext"));
    }

    [Theory]
    [InlineData("de-AT", "de-AT")]
    [InlineData("de", "de")]
    [InlineData("en-GB", "en-GB")]
    [InlineData("fr-FR", "en")]
    public void Culture_FallsBackToEnglishForLanguagesThatAreNotShipped(string requested, string reported)
    {
        var r = SmtpErrorResolver.Resolve(Postfix454, CultureInfo.GetCultureInfo(requested));

        Assert.Equal(reported, r.Culture);
        Assert.NotEmpty(r.Summary);
    }

    [Fact]
    public void LogLine_GivesServerAndPort_AndFillsThemIntoCommands()
    {
        var r = SmtpErrorResolver.Resolve(Postfix454Log, English);

        Assert.Equal("mx.example.net", r.Server);
        Assert.Equal(587, r.Port);
        Assert.Equal("deferred", r.LogStatus);
        Assert.Equal("Test-SmtpTls -Server mx.example.net -Port 587", r.Remediation.Single(s => s.Id == "Admin.TestEndpoint").Command);
    }

    [Fact]
    public void BareReply_UsesPlaceholderAndDefaultPort()
    {
        var r = SmtpErrorResolver.Resolve(Postfix454, English);

        Assert.Equal("Test-SmtpTls -Server <server> -Port 25", r.Remediation.Single(s => s.Id == "Admin.TestEndpoint").Command);
        Assert.Equal("Test-SmtpTls -Server <server> -Port 587", r.Remediation.Single(s => s.Id == "Sender.CheckPort").Command);
    }

    [Fact]
    public void MultiLineReply_IsJoined_AndAPhraseSplitAcrossLinesStillMatches()
    {
        var r = SmtpErrorResolver.Resolve("454-4.7.0 TLS not available\r\n454 4.7.0 due to local problem", English);

        Assert.Equal(454, r.ReplyCode);
        Assert.Equal("4.7.0", r.EnhancedStatusCode);
        Assert.Equal("TLS not available due to local problem", r.ReplyText);
        Assert.Equal("starttls.454.postfix", r.RuleId);
    }

    [Fact]
    public void NotSmtp_IsOtherWithLowConfidence()
    {
        var r = SmtpErrorResolver.Resolve("The quick brown fox jumps over the lazy dog.", English);

        Assert.Equal(SmtpErrorCategory.Other, r.Category);
        Assert.Equal(SmtpResolutionConfidence.Low, r.Confidence);
        Assert.Equal(0, r.ReplyCode);
        Assert.Equal(string.Empty, r.EnhancedStatusCode);
        Assert.False(r.IsTransient);
        Assert.Equal(SmtpReplyClass.Unknown, r.Class);
        Assert.Equal("fallback.not-smtp", r.RuleId);
    }

    [Fact]
    public void EmptyText_IsOtherWithAWarning_AndNullThrows()
    {
        var r = SmtpErrorResolver.Resolve("   ", English);

        Assert.Equal(SmtpErrorCategory.Other, r.Category);
        Assert.Contains(r.Warnings, w => w.Contains("empty"));
        Assert.Throws<ArgumentNullException>(() => SmtpErrorResolver.Resolve((string)null!, English));
        Assert.Throws<ArgumentNullException>(() => SmtpErrorResolver.Resolve((Exception)null!, English));
        Assert.Throws<ArgumentNullException>(() => SmtpErrorResolver.Relocalize(null!, English));
        Assert.Throws<ArgumentException>(() => SmtpErrorResolver.ResolveError(null, null, English));
    }

    [Fact]
    public void Exception_WithAttachedResolution_IsResolvedAgainInTheRequestedLanguage()
    {
        var attached = SmtpErrorResolver.Resolve(Postfix454Log, English);
        var ex = new InvalidOperationException("No certificate from mx.example.net:587: " + Postfix454);
        ex.Data[SmtpErrorResolver.ResolutionDataKey] = attached;

        var same = SmtpErrorResolver.Resolve(ex, English);
        var german = SmtpErrorResolver.Resolve(new Exception("outer", ex), German);

        Assert.Same(attached, same);
        Assert.Equal("de-DE", german.Culture);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, german.Category);
        Assert.Equal("mx.example.net", german.Server);
        Assert.StartsWith("Temporärer Fehler", german.Remediation[0].Action);
    }

    [Fact]
    public void Relocalize_KeepsServerAndPortTheInputNamed()
    {
        var attached = new SmtpErrorResolution { Input = Postfix454, Server = "mx2.example.org", Port = 465, Culture = "en-US" };

        var german = SmtpErrorResolver.Relocalize(attached, German);

        Assert.Equal("mx2.example.org", german.Server);
        Assert.Equal(465, german.Port);
        Assert.Equal("Test-SmtpTls -Server mx2.example.org -Port 465", german.Remediation.Single(s => s.Id == "Admin.TestEndpoint").Command);
    }

    [Fact]
    public void MailKitStyleSmtpCommandException_IsReadByDuckTyping()
    {
        var ex = new SmtpCommandException(SmtpStatusCode.TlsNotAvailable, "4.7.0 TLS not available due to local problem");

        var r = SmtpErrorResolver.Resolve(ex, English);

        Assert.Equal(454, r.ReplyCode);
        Assert.Equal("4.7.0", r.EnhancedStatusCode);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, r.Category);
        Assert.True(r.IsTransient);
    }

    [Fact]
    public void SystemNetMailSmtpException_IsRead()
    {
        var ex = new System.Net.Mail.SmtpException(System.Net.Mail.SmtpStatusCode.MustIssueStartTlsFirst, "The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.0 Must issue a STARTTLS command first");

        var r = SmtpErrorResolver.Resolve(ex, English);

        Assert.Equal(530, r.ReplyCode);
        Assert.Equal("5.7.0", r.EnhancedStatusCode);
        Assert.Equal(SmtpErrorCategory.TlsRequired, r.Category);
    }

    [Fact]
    public void InnerAndAggregatedExceptions_AreRead()
    {
        var inner = new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: NotTimeValid");
        var ex = new AggregateException(new TimeoutException("first attempt timed out"), new InvalidOperationException("Connecting failed.", inner));

        var r = SmtpErrorResolver.Resolve(ex, English);

        Assert.Equal(SmtpErrorCategory.CertificateExpired, r.Category);
    }

    [Theory]
    [InlineData("The server on port 465 expects implicit TLS (SSL on connect) and sent no SMTP greeting to a STARTTLS client.", SmtpErrorCategory.TlsNotOffered)]
    [InlineData("Timeout: the server sent no SMTP greeting within 10 s; the port may expect implicit TLS.", SmtpErrorCategory.TlsNotOffered)]
    [InlineData("The server on port 587 greets in plaintext (220 mail.example.com ESMTP Postfix) and expects STARTTLS, not implicit TLS (SSL on connect).", SmtpErrorCategory.TlsHandshakeFailed)]
    [InlineData("Timeout: the server did not answer within 10 s (TLS handshake).", SmtpErrorCategory.TlsHandshakeFailed)]
    [InlineData("Timeout: the server did not answer within 10 s (waiting for the greeting).", SmtpErrorCategory.ServiceUnavailable)]
    [InlineData("The connection is not encrypted: STARTTLS was not used.", SmtpErrorCategory.TlsNotOffered)]
    [InlineData("The SMTP server does not support the STARTTLS extension.", SmtpErrorCategory.TlsNotOffered)]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: PartialChain, UntrustedRoot", SmtpErrorCategory.CertificateUntrusted)]
    public void TextsOfTheOtherCmdlets_AreRecognised(string text, SmtpErrorCategory category)
    {
        // Test-SmtpTls and Send-SmtpTestMessage pass these texts (Probing/ProbeRun.cs, Sending/SendRun.cs, SmtpTlsVerdict.cs).
        Assert.Equal(category, SmtpErrorResolver.Resolve(text, English).Category);
    }

    [Fact]
    public void ResolveError_ReadsTheDetailsTextBeforeTheException()
    {
        var r = SmtpErrorResolver.ResolveError(new Exception("Something failed."), "454 4.7.0 TLS not available due to local problem", English);

        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, r.Category);
    }

    [Fact]
    public void ResolveObject_ReadsStringsDictionariesPropertiesAndLines()
    {
        Assert.Null(SmtpErrorResolver.ResolveObject(null, English));
        Assert.Null(SmtpErrorResolver.ResolveObject(" ", English));
        Assert.Null(SmtpErrorResolver.ResolveObject(new object(), English));

        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, SmtpErrorResolver.ResolveObject(Postfix454, English)!.Category);
        Assert.Equal(SmtpErrorCategory.TlsRequired, SmtpErrorResolver.ResolveObject(new Dictionary<string, object> { ["reply"] = "530 5.7.0 Must issue a STARTTLS command first" }, English)!.Category);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, SmtpErrorResolver.ResolveObject(new { Server = "mx", StartTlsReply = Postfix454 }, English)!.Category);

        var lines = SmtpErrorResolver.ResolveObject(new[] { "250-mx.example.com Hello", "250-PIPELINING", "250 STARTTLS" }, English)!;
        Assert.Equal(250, lines.ReplyCode);
        Assert.Equal("mx.example.com Hello PIPELINING STARTTLS", lines.ReplyText);
        Assert.Equal(SmtpErrorCategory.Other, lines.Category);
    }

    [Fact]
    public void ResolveObject_DoesNotFollowSelfReferencesForever()
    {
        var loop = new SelfReferencing();

        Assert.Null(SmtpErrorResolver.ResolveObject(loop, English));
    }

    [Fact]
    public void TryGetCulture_AcceptsKnownCulturesOnly()
    {
        Assert.True(SmtpErrorResolver.TryGetCulture("de-DE", out var de));
        Assert.Equal("de-DE", de!.Name);
        Assert.False(SmtpErrorResolver.TryGetCulture("xx-NOTACULTURE", out _));
        Assert.False(SmtpErrorResolver.TryGetCulture(null, out _));
    }

    [Fact]
    public void ToString_GivesCodesCategoryAndSummary()
    {
        var r = SmtpErrorResolver.Resolve(Postfix454, English);

        Assert.StartsWith("454 4.7.0 TlsNotAvailable: ", r.ToString());
        Assert.Equal("Sender: " + r.Remediation[0].Action, r.Remediation[0].ToString());
    }

    [Fact]
    public void Resolver_IsThreadSafe()
    {
        var inputs = RealWorldReplies.All.Select(c => c.Input).ToArray();
        var expected = inputs.Select(i => SmtpErrorResolver.Resolve(i, English).RuleId).ToArray();

        var results = inputs.AsParallel().WithDegreeOfParallelism(8).Select(i => SmtpErrorResolver.Resolve(i, English).RuleId).ToArray();

        Assert.Equal(expected.OrderBy(x => x), results.OrderBy(x => x));
    }

    private sealed class SelfReferencing
    {
        public object Reply => this;
    }
}

/// <summary>Stands in for MailKit's status code enum: the resolver finds SMTP exceptions by name, not by type.</summary>
public enum SmtpStatusCode
{
    TlsNotAvailable = 454,
}

/// <summary>Stands in for MailKit.Net.Smtp.SmtpCommandException (same shape: StatusCode and the reply text as message).</summary>
public sealed class SmtpCommandException : Exception
{
    public SmtpCommandException(SmtpStatusCode statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public SmtpStatusCode StatusCode { get; }
}
