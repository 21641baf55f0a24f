using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>
/// What a domain policy finding (<see cref="SmtpPolicyFinding"/>) is about. Scripts compare the
/// finding's <see cref="SmtpPolicyFinding.Id"/>, which carries the name of one of these values as a
/// string, so that it survives Export-Clixml/Import-Clixml (enums come back as bare numbers).
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpPolicyFindingId
{
    /// <summary>The domain publishes no MTA-STS record (<c>_mta-sts</c> TXT, RFC 8461 section 3.1).</summary>
    MtaStsMissing = 0,

    /// <summary>An MTA-STS record exists, but the record or the policy it announces cannot be used (syntax, fetch, HTTPS certificate, redirect, size).</summary>
    MtaStsInvalid = 1,

    /// <summary>An MX host is not covered by any <c>mx:</c> pattern of the MTA-STS policy (RFC 8461 section 4.1).</summary>
    MtaStsMxMismatch = 2,

    /// <summary>In enforce or testing mode, an MX host's certificate does not validate for its MX name (RFC 8461 section 4.2).</summary>
    MtaStsCertificateInvalid = 3,

    /// <summary>TLSA records exist for an MX host, but none matches the certificate chain it presented (RFC 7672 section 3).</summary>
    DaneMismatch = 4,

    /// <summary>TLSA records were found, but the resolver did not set the AD bit: DNSSEC validation is not confirmed (SmtpTls does not validate DNSSEC itself).</summary>
    DaneNotValidated = 5,

    /// <summary>The domain publishes no TLS-RPT record (<c>_smtp._tls</c> TXT, RFC 8460 section 3).</summary>
    TlsRptMissing = 6,

    /// <summary>The TLS-RPT record cannot be used (syntax, several records, lookup failure).</summary>
    TlsRptInvalid = 7,

    /// <summary>TLSA records exist for an MX host, but none is usable for SMTP (usages 0/1, unknown parameters, wrong digest length: RFC 7672 section 3.1.3).</summary>
    DaneUnusable = 8,

    /// <summary>The TLSA lookup for an MX host failed (SERVFAIL, timeout): DANE senders defer mail to a signed MX host whose TLSA records cannot be read.</summary>
    DaneLookupFailed = 9,
}
