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

    /// <summary>
    /// What DNSSEC validation from the trust anchor says about the TLSA answer (records or their
    /// absence): Secure, Insecure (zone not signed: DANE does not apply), Bogus (validation failed: a
    /// DANE sender defers) or NotValidated (validation could not be done; see <see cref="DnssecDetail"/>).
    /// Null when SmtpTls did not validate (no trust anchor given to the engine): then only
    /// <see cref="AuthenticatedData"/> speaks.
    /// </summary>
    public string? Dnssec { get; set; }

    /// <summary>Why <see cref="Dnssec"/> is not Secure, as an id (e.g. <c>SignatureExpired</c>, <c>SignatureInvalid</c>, <c>DsMismatch</c>, <c>DenialMissing</c>, <c>LookupFailed</c>); empty otherwise.</summary>
    public string DnssecReason { get; set; } = string.Empty;

    /// <summary>Where the chain of trust stopped or how the verdict was reached (English, names from DNS).</summary>
    public string DnssecDetail { get; set; } = string.Empty;

    /// <summary>The DNSSEC state of the domain's MX records that named this host (same states as <see cref="Dnssec"/>); null when not validated.</summary>
    public string? MxDnssec { get; set; }

    /// <summary>The DNSSEC state of the host's A/AAAA records, the worse of the two (same states as <see cref="Dnssec"/>); null when not validated.</summary>
    public string? AddressDnssec { get; set; }

    /// <summary>When the signature over the TLSA records expires (UTC); null unless they are Secure.</summary>
    public DateTimeOffset? TlsaSignatureExpires { get; set; }

    /// <summary>Whole days until <see cref="TlsaSignatureExpires"/>; null unless the records are Secure.</summary>
    public int? TlsaSignatureDaysLeft { get; set; }

    /// <summary>How many usable records match no certificate presented now: candidates for the next key of a rollover (RFC 7671 section 8.1).</summary>
    public int NextKeyRecords { get; set; }

    /// <summary>The worse of the validated A and AAAA answers, for the engine's findings.</summary>
    internal SmtpTls.Dns.Dnssec.DnssecAnswer? AddressAnswer { get; set; }

    /// <summary>The TLSA records found.</summary>
    public SmtpTlsaRecord[] Records { get; set; } = Array.Empty<SmtpTlsaRecord>();

    /// <summary>How many of <see cref="Records"/> are usable for SMTP (usage 2 or 3, known selector and matching type, right length).</summary>
    public int UsableRecords { get; set; }

    /// <summary>The comparison for each endpoint (address) of the host.</summary>
    public SmtpDaneEndpointResult[] Endpoints { get; set; } = Array.Empty<SmtpDaneEndpointResult>();

    /// <inheritdoc />
    public override string ToString() => TlsaName + ": " + Status + (Dnssec is null ? string.Empty : " (" + Dnssec + ")");
}
