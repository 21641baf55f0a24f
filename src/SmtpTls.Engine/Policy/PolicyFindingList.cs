using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>Collects findings with their localized message and remediation; hands them out worst first.</summary>
internal sealed class PolicyFindingList
{
    private readonly List<SmtpPolicyFinding> _findings = new();
    private readonly CultureInfo _culture;

    /// <summary>An empty list whose messages and remediations are written in <paramref name="culture"/>.</summary>
    public PolicyFindingList(CultureInfo culture)
    {
        _culture = culture;
    }

    /// <summary>The language of the texts.</summary>
    public CultureInfo Culture => _culture;

    /// <summary>Adds a finding whose texts are <c>Policy.Finding.&lt;Kind&gt;[.variant].Message</c> and <c>.Remediation</c>.</summary>
    /// <param name="kind">The finding.</param>
    /// <param name="severity">Its weight.</param>
    /// <param name="target">The domain, MX host or endpoint it concerns.</param>
    /// <param name="messageKey">The message's key suffix (after <c>Policy.Finding.&lt;Kind&gt;.</c>), e.g. <c>Message</c> or <c>Message.NoCertificate</c>.</param>
    /// <param name="messageArgs">The message's placeholders.</param>
    /// <param name="remediationKey">The remediation's key suffix.</param>
    /// <param name="remediationArgs">The remediation's placeholders.</param>
    public void Add(
        SmtpPolicyFindingId kind,
        SmtpTlsFindingSeverity severity,
        string target,
        string messageKey,
        object?[] messageArgs,
        string remediationKey,
        object?[] remediationArgs)
    {
        var prefix = "Policy.Finding." + kind + ".";
        _findings.Add(new SmtpPolicyFinding(
            kind,
            severity,
            target,
            LocalizedText.Format(prefix + messageKey, _culture, messageArgs),
            LocalizedText.Format(prefix + remediationKey, _culture, remediationArgs)));
    }

    /// <summary>The findings, errors first, then warnings, then information; in the order found within each.</summary>
    public SmtpPolicyFinding[] ToArray() => _findings
        .Select((f, i) => (f, i))
        .OrderByDescending(x => x.f.Level)
        .ThenBy(x => x.i)
        .Select(x => x.f)
        .ToArray();
}
