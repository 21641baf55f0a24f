using System;

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
    public SmtpMtaStsResult MtaSts { get; set; } = new();

    /// <summary>DANE for each MX host, in the order the hosts were given.</summary>
    public SmtpDaneHostResult[] Dane { get; set; } = Array.Empty<SmtpDaneHostResult>();

    /// <summary>The TLS-RPT record.</summary>
    public SmtpTlsRptResult TlsRpt { get; set; } = new();

    /// <summary>Everything worth reporting, worst first.</summary>
    public SmtpPolicyFinding[] Findings { get; set; } = Array.Empty<SmtpPolicyFinding>();

    /// <summary>The DNS servers asked (<c>ip:port</c>).</summary>
    public string[] DnsServers { get; set; } = Array.Empty<string>();

    /// <summary>When the check started (UTC).</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>How long the check took.</summary>
    public TimeSpan Duration { get; set; }

    /// <inheritdoc />
    public override string ToString() => Domain + ": " + Status + ", " + Findings.Length + " finding(s)";
}
