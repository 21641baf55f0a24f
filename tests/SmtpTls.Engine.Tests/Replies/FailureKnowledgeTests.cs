using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmtpTls.Replies;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>
/// Failures the probe and the sender detect themselves are resolved by their id through rules keyed by it
/// (<c>failure="..."</c>), never through a sentence: every id maps to a rule, and each kind of failure gets
/// the rule (category, steps) its former English text used to get.
/// </summary>
[Trait("Against", "Unit")]
public class FailureKnowledgeTests
{
    private static readonly KnowledgeBase Kb = KnowledgeBase.Instance;
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    /// <summary>
    /// Ids of the two vocabularies that never reach the reply knowledge, each with the reason. Any other id,
    /// including one added later, needs a rule keyed by it.
    /// </summary>
    private static readonly Dictionary<string, string> NotResolved = new(StringComparer.Ordinal)
    {
        // Findings that describe a working server (information and warnings): a result's resolution is about its failure.
        ["CertificateExpiringSoon"] = "warning", ["NameNotChecked"] = "warning", ["LegacyProtocol"] = "warning",
        ["TlsLegacyOnly"] = "information", ["CertificateWithoutHandshake"] = "information", ["WeakCipher"] = "warning",
        ["WeakKey"] = "warning", ["NoForwardSecrecy"] = "warning", ["NoServerCipherOrder"] = "information",
        ["WeakDhParameters"] = "warning", ["InsecureRenegotiation"] = "warning", ["TlsCompression"] = "warning",
        ["NoFallbackScsv"] = "warning", ["NoExtendedMasterSecret"] = "warning", ["OcspStapleProblem"] = "warning",
        ["NoPostQuantumGroup"] = "information", ["StartTlsInjection"] = "warning", ["StartTlsAfterTls"] = "warning",
        ["AuthBeforeTls"] = "warning", ["TlsNotEnforced"] = "information", ["TlsEnforced"] = "information",
        ["EnforcementAuthenticationRequired"] = "information", ["EnforcementRelayDenied"] = "information",
        ["EnforcementRefused"] = "information", ["EnforcementUnknown"] = "information", ["DataAfterStartTls"] = "warning",

        // The domain's DNS decides these before any server is contacted; the finding's message says it all.
        ["DomainNotFound"] = "DNS", ["DomainNullMx"] = "DNS", ["DomainNoMailHosts"] = "DNS", ["MxNoAddress"] = "DNS", ["DnsFailure"] = "DNS",

        // Bad input of the sender: nothing was contacted.
        ["InvalidArgument"] = "input",

        // A server that floods or trickles: the id says it all (Sending/SendRun.cs Fail).
        ["ReplyTooSlow"] = "limit", ["CallTimeout"] = "limit", ["ReplyTooLong"] = "limit", ["TooManyReplyLines"] = "limit",
        ["ReplyTooLarge"] = "limit", ["TranscriptLimit"] = "limit",

        // The server's refusal itself is the explanation: its reply is read like a pasted one, down to the class fallbacks.
        ["SenderRejected"] = "reply", ["RecipientRejected"] = "reply", ["MessageRejected"] = "reply", ["SendFailed"] = "anything else",
    };

    public static IEnumerable<object[]> FailureIds() =>
        Ids(typeof(SmtpTlsFindingId)).Concat(Ids(typeof(SmtpSendErrorId))).Distinct().Where(id => !NotResolved.ContainsKey(id)).Select(id => new object[] { id });

    [Theory]
    [MemberData(nameof(FailureIds))]
    public void EveryFailureIdOfTheEngineMapsToARule(string id)
    {
        Assert.True(Kb.RulesByFailure.ContainsKey(id), $"No knowledge rule has failure=\"{id}\": add the key to the rule that explains it (Replies/Knowledge/README.md).");
    }

    [Fact]
    public void TheExemptionsNameRealIds()
    {
        var all = Ids(typeof(SmtpTlsFindingId)).Concat(Ids(typeof(SmtpSendErrorId))).ToHashSet(StringComparer.Ordinal);
        Assert.All(NotResolved.Keys, id => Assert.Contains(id, all));
    }

    [Fact]
    public void EveryFailureKeyNamesAnIdOfTheEngine_AndAKnownRefinement()
    {
        var ids = Ids(typeof(SmtpTlsFindingId)).Concat(Ids(typeof(SmtpSendErrorId))).ToHashSet(StringComparer.Ordinal);
        var details = typeof(FailureDetail).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Concat(Enum.GetNames(typeof(X509ChainStatusFlags)))
            .Concat(StepKeys().Select(FailureDetail.Step))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(Kb.RulesByFailure);
        Assert.All(Kb.RulesByFailure.Keys, key =>
        {
            var parts = key.Split('/');
            Assert.True(ids.Contains(parts[0]), $"failure key '{key}' names no finding or error id");
            Assert.True(parts.Length == 1 || details.Contains(parts[1]), $"failure key '{key}' has an unknown refinement");
        });
    }

    /// <summary>The rule each kind of failure got through the English sentence the engine used to write for it.</summary>
    public static IEnumerable<object?[]> KnownFailures() => new[]
    {
        new object?[] { Id("TlsNotOffered"), null, new string[0], "starttls.client.not-offered.mailkit", SmtpErrorCategory.TlsNotOffered },
        new object?[] { Id("PortMismatch"), null, new[] { FailureDetail.Implicit }, "starttls.module.implicit-tls-port", SmtpErrorCategory.TlsNotOffered },
        new object?[] { Id("Timeout"), null, new[] { FailureDetail.NoGreeting }, "starttls.module.implicit-tls-port", SmtpErrorCategory.TlsNotOffered },
        new object?[] { Id("PortMismatch"), "220 mail.example.com ESMTP Postfix", new[] { FailureDetail.StartTls }, "handshake.module.starttls-port", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("TlsHandshakeFailed"), null, new[] { FailureDetail.ServerAlert }, "handshake.server-alert-internal-error", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("TlsHandshakeFailed"), null, new[] { FailureDetail.ServerClosed }, "handshake.server-closed-after-starttls", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("Timeout"), null, new[] { "StartTls" }, "handshake.module.timeout", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("Timeout"), null, new[] { "Handshake" }, "handshake.module.timeout", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("Timeout"), null, new[] { "EhloAfterTls" }, "handshake.module.timeout", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("Timeout"), null, new[] { "Connect" }, "not-tls.service-unavailable", SmtpErrorCategory.ServiceUnavailable },
        new object?[] { Id("Timeout"), null, new[] { "Banner" }, "not-tls.service-unavailable", SmtpErrorCategory.ServiceUnavailable },
        new object?[] { Id("Timeout"), null, new[] { "Session" }, "not-tls.service-unavailable", SmtpErrorCategory.ServiceUnavailable },
        new object?[] { Id("CertificateExpired"), null, new string[0], "cert.expired.words", SmtpErrorCategory.CertificateExpired },
        new object?[] { Id("CertificateNotYetValid"), null, new string[0], "cert.expired.words", SmtpErrorCategory.CertificateExpired },
        new object?[] { Id("CertificateUntrusted"), null, new[] { "UntrustedRoot" }, "cert.untrusted.words", SmtpErrorCategory.CertificateUntrusted },
        new object?[] { Id("CertificateUntrusted"), null, new[] { "PartialChain" }, "cert.untrusted.words", SmtpErrorCategory.CertificateUntrusted },
        new object?[] { Id("CertificateUntrusted"), null, new[] { "Revoked" }, "cert.untrusted.revocation", SmtpErrorCategory.CertificateUntrusted },
        new object?[] { Id("CertificateUntrusted"), null, new[] { "Revoked", "UntrustedRoot" }, "cert.untrusted.words", SmtpErrorCategory.CertificateUntrusted },
        new object?[] { Id("CertificateUntrusted"), null, new[] { "NotTimeValid" }, "cert.expired.words", SmtpErrorCategory.CertificateExpired },
        new object?[] { Id("CertificateNameMismatch"), null, new string[0], "cert.name.hostname-mismatch", SmtpErrorCategory.CertificateNameMismatch },
        new object?[] { Id("TlsNotEstablished"), null, new string[0], "starttls.module.not-used", SmtpErrorCategory.TlsNotOffered },
        new object?[] { Id("RequireTlsNotOffered"), null, new string[0], "submission.requiretls.not-advertised", SmtpErrorCategory.TlsPolicyFailure },
        new object?[] { Id("RequireTlsNotVerified"), null, new string[0], "submission.requiretls.not-verified", SmtpErrorCategory.TlsPolicyFailure },
        new object?[] { Id("ClientCertificateRejected"), null, new string[0], "submission.client-cert.send-error", SmtpErrorCategory.TlsHandshakeFailed },
        new object?[] { Id("InsecureAuthenticationRefused"), null, new string[0], "client.insecure-auth-refused", SmtpErrorCategory.EncryptionRequiredForAuthentication },
        new object?[] { Id("InsecureAuthenticationRefused"), null, new[] { FailureDetail.Unverified }, "client.unverified-auth-refused", SmtpErrorCategory.CertificateUntrusted },
        new object?[] { Id("OAuthNotOffered"), null, new string[0], "submission.oauth.not-offered", SmtpErrorCategory.AuthenticationFailed },
    };

    [Theory]
    [MemberData(nameof(KnownFailures))]
    public void AKnownFailureIsResolvedByItsKey(Enum id, string? reply, string[] details, string ruleId, SmtpErrorCategory category)
    {
        var resolution = SmtpErrorResolver.ResolveFailure(Known(id, reply, details), English)!;

        Assert.Equal(ruleId, resolution.RuleId);
        Assert.Equal(category, resolution.Category);
        Assert.False(resolution.IsTransient);
        Assert.Equal(Kb.RulesById[ruleId].Steps, resolution.Remediation.Select(s => s.Id));
        Assert.Empty(resolution.Warnings);
        Assert.Equal(reply ?? string.Empty, resolution.Input);
    }

    [Fact]
    public void TheReplyOfAKnownFailureGivesCodesAndServerSoftware_NotTheRule()
    {
        var resolution = SmtpErrorResolver.ResolveFailure(SmtpFailure.Known(SmtpTlsFindingId.PortMismatch, "220 mail.example.com ESMTP Postfix", FailureDetail.StartTls), English)!;

        Assert.Equal("handshake.module.starttls-port", resolution.RuleId);
        Assert.Equal(220, resolution.ReplyCode);
        Assert.Equal("Postfix", resolution.ServerSoftware);
    }

    [Fact]
    public void ATextThatLooksLikeAnotherFailureDoesNotChangeAKnownOne()
    {
        // The reply is evidence for codes only: a greeting that reads like an expired certificate is still a port mismatch.
        var resolution = SmtpErrorResolver.ResolveFailure(SmtpFailure.Known(SmtpTlsFindingId.PortMismatch, "220 certificate has expired ESMTP", FailureDetail.StartTls), English)!;

        Assert.Equal("handshake.module.starttls-port", resolution.RuleId);
    }

    [Fact]
    public void AnUnknownRefinementFallsBackToTheBareId()
    {
        var resolution = SmtpErrorResolver.ResolveFailure(SmtpFailure.Known(SmtpTlsFindingId.CertificateUntrusted, null, "NotSignatureValid"), English)!;

        Assert.Equal("cert.untrusted.words", resolution.RuleId);
    }

    [Fact]
    public void AReplyFailureIsReadLikeAPastedReply_AndItsIdExplainsWhatNoRuleKnows()
    {
        var said = SmtpErrorResolver.ResolveFailure(SmtpFailure.Said(SmtpTlsFindingId.TlsNotAvailable, "454 4.7.0 TLS not available due to local problem"), English)!;
        Assert.Equal("starttls.454.postfix", said.RuleId);
        Assert.True(said.IsTransient);

        var limited = SmtpErrorResolver.ResolveFailure(SmtpFailure.Said(SmtpTlsFindingId.TlsNotAvailable, "454 4.7.0 Error: too many new TLS sessions from 127.0.0.1"), English)!;
        Assert.Equal(SmtpErrorCategory.RateLimited, limited.Category);
    }

    [Fact]
    public void AResolutionByIdIsRelocalizedByItsRule()
    {
        var english = SmtpErrorResolver.ResolveFailure(SmtpFailure.Known(SmtpTlsFindingId.TlsNotOffered), English)!;
        var german = SmtpErrorResolver.Relocalize(english, CultureInfo.GetCultureInfo("de-DE"));

        Assert.Equal("de-DE", german.Culture);
        Assert.Equal(english.RuleId, german.RuleId);
        Assert.Equal(english.Category, german.Category);
        Assert.NotEqual(english.Summary, german.Summary);
        Assert.Empty(german.Warnings);
    }

    [Fact]
    public void AFailureOnlyRuleNeverMatchesText()
    {
        var rule = Kb.RulesById["submission.oauth.not-offered"];
        Assert.True(rule.FailureOnly);
        Assert.NotEqual(rule.Id, SmtpErrorResolver.Resolve("OAuthNotOffered", English).RuleId);
        Assert.NotEqual(rule.Id, SmtpErrorResolver.Resolve(string.Empty, English).RuleId);
    }

    [Fact]
    public void Load_RejectsAFailureKeyNamedTwice_OrMalformed()
    {
        const string Head = "<knowledge><causes><cause id='c'><en>e</en><de>d</de></cause></causes><steps><step id='Sender.S' audience='Sender'><en>e</en><de>d</de></step></steps><rules>";
        const string Rule = "<rule id='{0}' failure='{1}' priority='1' category='Other' confidence='Low' causes='c' steps='Sender.S' source='RFC 5321'/>";
        string Knowledge(params (string Id, string Keys)[] rules) => Head + string.Concat(rules.Select(r => string.Format(CultureInfo.InvariantCulture, Rule, r.Id, r.Keys))) + "</rules></knowledge>";

        var loaded = Load(Knowledge(("a", "Timeout Timeout/Handshake"), ("b", "TlsNotOffered")));
        Assert.Equal("a", loaded.MatchFailure(SmtpFailure.Known(SmtpTlsFindingId.Timeout, null, "Connect"))!.Id);
        Assert.Equal("b", loaded.MatchFailure(SmtpFailure.Known(SmtpTlsFindingId.TlsNotOffered))!.Id);
        Assert.Null(loaded.MatchFailure(SmtpFailure.Known(SmtpTlsFindingId.PortMismatch)));

        Assert.Contains("names two rules", Fault(Knowledge(("a", "Timeout"), ("b", "Timeout"))));
        Assert.Contains("failure key", Fault(Knowledge(("a", "Time out/x/y"))));
        Assert.Contains("failure key", Fault(Knowledge(("a", "Timeout/a/b"))));
    }

    /// <summary>The id as a value of its vocabulary: the probe's finding ids first, else the sender's error ids.</summary>
    private static Enum Id(string name) =>
        Enum.TryParse<SmtpTlsFindingId>(name, out var finding) ? finding : Enum.Parse<SmtpSendErrorId>(name);

    private static SmtpFailure Known(Enum id, string? reply, string[] details) => id switch
    {
        SmtpTlsFindingId finding => SmtpFailure.Known(finding, reply, details),
        SmtpSendErrorId error => SmtpFailure.Known(error, reply, details),
        _ => throw new ArgumentException("Not a failure id: " + id, nameof(id)),
    };

    private static IEnumerable<string> Ids(Type vocabulary) => vocabulary.IsEnum
        ? Enum.GetNames(vocabulary)
        : vocabulary.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>The step keys of the runtime texts (<c>Probe.Step.*</c>, <c>Send.Step.*</c>).</summary>
    private static IEnumerable<string> StepKeys()
    {
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "src", "SmtpTls.Engine", "Localization", "Texts.en.xml")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        var texts = System.Xml.Linq.XDocument.Load(Path.Combine(folder!, "src", "SmtpTls.Engine", "Localization", "Texts.en.xml"));
        return texts.Descendants("text").Select(t => (string)t.Attribute("key")!).Where(k => k.StartsWith("Probe.Step.", StringComparison.Ordinal) || k.StartsWith("Send.Step.", StringComparison.Ordinal));
    }

    private static KnowledgeBase Load(string xml) =>
        KnowledgeBase.Load(new[] { ("a.xml", (Stream)new MemoryStream(Encoding.UTF8.GetBytes(xml))), ("codes.xml", new MemoryStream(Encoding.UTF8.GetBytes("<enhancedStatusCodes/>"))) });

    private static string Fault(string xml) => Assert.Throws<InvalidDataException>(() => Load(xml)).Message;
}
