namespace SmtpTls;

/// <summary>
/// Whether a sending MTA with a given TLS security level would deliver to one MX address, and why
/// not: Postfix's <c>smtp_tls_security_level</c> semantics (<c>dane</c>, <c>dane-only</c>,
/// <c>verify</c>, <c>secure</c>) and MTA-STS <c>enforce</c> (RFC 8461 section 5), as posttls-finger
/// reports them.
/// </summary>
public sealed class SmtpSenderVerdict
{
    /// <summary>The sender's level: <c>dane</c>, <c>dane-only</c>, <c>verify</c>, <c>secure</c> or <c>mta-sts</c>.</summary>
    public string Level { get; set; } = string.Empty;

    /// <summary>Whether the sender hands the mail over; null when it cannot be told (DNSSEC could not be validated).</summary>
    public bool? Delivers { get; set; }

    /// <summary>
    /// How the connection is authenticated when it delivers, in posttls-finger's words: <c>Verified</c>
    /// (DANE or CA-verified for the names it checks), <c>Trusted</c> (DANE match, MX records unsigned),
    /// <c>Encrypted</c> (TLS required, not authenticated), <c>Opportunistic</c> (TLS if offered); empty when it does not deliver.
    /// </summary>
    public string Trust { get; set; } = string.Empty;

    /// <summary>
    /// Why it does not deliver, as an id: <c>MxLookupFailed</c>, <c>AddressLookupFailed</c>, <c>TlsaLookupError</c>,
    /// <c>NoTlsaRecords</c>, <c>TlsaRecordsUnusable</c>, <c>NoMatchingTlsa</c>, <c>NameMismatch</c>,
    /// <c>CertificateUntrusted</c>, <c>CertificateExpired</c>, <c>CertificateNotYetValid</c>, <c>NoTls</c>,
    /// <c>MxNotInPolicy</c> or <c>NotValidated</c>; empty when it delivers.
    /// </summary>
    public string Failure { get; set; } = string.Empty;

    /// <summary>The verdict in words, in the requested language.</summary>
    public string Message { get; set; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Level + ": " + (Delivers is null ? "?" : Delivers.Value ? "deliver" + (Trust.Length > 0 ? " (" + Trust + ")" : string.Empty) : "defer (" + Failure + ")");
}
