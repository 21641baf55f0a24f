using System;

using Newtonsoft.Json;

namespace SmtpTls;

/// <summary>
/// The mail-TLS policies of one domain held against what its MX hosts presented: MTA-STS (RFC 8461),
/// DANE/TLSA (RFC 7672) and TLS-RPT (RFC 8460), with findings that say what to fix and what to publish.
/// </summary>
/// <remarks>Every member an administrator filters on is a string, number, boolean or array of them, so the result survives Export-Clixml.</remarks>
public sealed class SmtpDomainPolicyResult
{
    /// <summary>The domain checked, ASCII (punycode) form.</summary>
    public string Domain { get; set; } = string.Empty;

    /// <summary>Passed, Warning or Failed (a <see cref="SmtpTlsStatus"/> name): the worst finding decides; Info findings do not count.</summary>
    public string Status { get; set; } = nameof(SmtpTlsStatus.Passed);

    /// <summary>The MTA-STS record, policy and per-MX checks.</summary>
    [JsonIgnore]
    public SmtpMtaStsResult MtaSts { get; set; } = new();

    /// <summary>DANE for each MX host, in the order the hosts were given.</summary>
    [JsonIgnore]
    public ReadableList<SmtpDaneHostResult> Dane { get; set; } = new();

    /// <summary>The TLS-RPT record.</summary>
    [JsonIgnore]
    public SmtpTlsRptResult TlsRpt { get; set; } = new();

    /// <summary>Everything worth reporting, worst first.</summary>
    [JsonIgnore]
    public SmtpPolicyFindingList Findings { get; set; } = new();

    /// <summary>The DNS servers asked (<c>ip:port</c>).</summary>
    public ReadableList<string> DnsServers { get; set; } = new();

    /// <summary>
    /// What DNSSEC validation from the trust anchor says about the domain's MX records: Secure, Insecure,
    /// Bogus (validating senders cannot resolve the domain and defer all mail) or NotValidated; null when
    /// SmtpTls did not validate (no trust anchor given to the engine).
    /// </summary>
    public string? MxDnssec { get; set; }

    /// <summary>Where the DNSSEC trust anchor came from (IANA's built-in root anchors or a file); null when SmtpTls did not validate.</summary>
    public string? DnssecTrustAnchor { get; set; }

    /// <summary>When the check started (UTC).</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>How long the check took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The MTA-STS verdict in one line, e.g. <c>Valid (enforce)</c>: what <see cref="MtaSts"/> says, for JSON and reports.</summary>
    public string MtaStsSummary => MtaSts.ToString();

    /// <summary>The DANE verdict per MX host in one line, e.g. <c>_25._tcp.mx.example.net: Valid</c>; empty when no host was checked.</summary>
    public string DaneSummary => Dane.ToString();

    /// <summary>The TLS-RPT verdict, e.g. <c>Valid</c> or <c>Missing</c>: what <see cref="TlsRpt"/> says.</summary>
    public string TlsRptSummary => TlsRpt.ToString();

    /// <summary>The findings' ids with their severity, e.g. <c>MtaStsPolicyMissing(Error); TlsRptMissing(Info)</c>.</summary>
    public string FindingsSummary => Findings.ToString();

    /// <inheritdoc />
    public override string ToString() =>
        Domain + ": " + Status + "; MTA-STS " + MtaStsSummary + "; DANE " + (Dane.Count == 0 ? "-" : DaneSummary) + "; TLS-RPT " + TlsRptSummary
        + (Findings.Count == 0 ? string.Empty : "; " + FindingsSummary);
}
