using System;

namespace SmtpTls;

/// <summary>
/// DANE for one MX host (RFC 7672): its TLSA records at <c>_&lt;port&gt;._tcp.&lt;mx&gt;</c>, whether the
/// resolver vouched for them (AD bit), and each record compared with what every endpoint presented.
/// </summary>
public sealed class SmtpDaneHostResult
{
    /// <summary>The MX host name (ASCII form).</summary>
    public string MxHost { get; set; } = string.Empty;

    /// <summary>The SMTP port the TLSA name is built from (25 for MX delivery).</summary>
    public int Port { get; set; } = 25;

    /// <summary>The name queried, <c>_25._tcp.&lt;mx&gt;</c>.</summary>
    public string TlsaName { get; set; } = string.Empty;

    /// <summary>NoRecords, Matched, Mismatch, Unusable or LookupFailed (a <see cref="SmtpDaneState"/> name).</summary>
    public string Status { get; set; } = nameof(SmtpDaneState.NoRecords);

    /// <summary>How the TLSA lookup ended (a <see cref="SmtpDnsStatus"/> name).</summary>
    public string LookupStatus { get; set; } = string.Empty;

    /// <summary>
    /// Whether the resolver set the AD bit on the TLSA answer, i.e. claims it validated DNSSEC.
    /// SmtpTls does not validate DNSSEC itself; without the AD bit it cannot tell an unsigned zone
    /// (where DANE has no effect) from a resolver that does not validate.
    /// </summary>
    public bool AuthenticatedData { get; set; }

    /// <summary>The TLSA records found.</summary>
    public SmtpTlsaRecord[] Records { get; set; } = Array.Empty<SmtpTlsaRecord>();

    /// <summary>How many of <see cref="Records"/> are usable for SMTP (usage 2 or 3, known selector and matching type, right length).</summary>
    public int UsableRecords { get; set; }

    /// <summary>The comparison for each endpoint (address) of the host.</summary>
    public SmtpDaneEndpointResult[] Endpoints { get; set; } = Array.Empty<SmtpDaneEndpointResult>();

    /// <inheritdoc />
    public override string ToString() => TlsaName + ": " + Status;
}
