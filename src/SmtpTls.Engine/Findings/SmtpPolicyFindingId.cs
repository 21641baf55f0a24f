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

    /// <summary>DNSSEC validation of an MX host's TLSA answer (records or proof of their absence) failed: DANE senders defer mail to the host (RFC 7672 section 2.2).</summary>
    DaneBogus = 10,

    /// <summary>TLSA records are published in a zone that is provably not DNSSEC-signed: DANE does not apply and senders ignore them.</summary>
    DaneInsecure = 11,

    /// <summary>DNSSEC validation of the domain's MX records or of an MX host's address records failed: validating senders cannot resolve it and defer mail.</summary>
    DnssecBogus = 12,

    /// <summary>The TLSA records match only the key in use now: a certificate renewal with a new key breaks DANE until the records change (RFC 7671 section 8.1).</summary>
    DaneRolloverNoNextKey = 13,

    /// <summary>A DANE-TA record pins an intermediate CA that the issuer rotates or is replacing, so a renewal from another intermediate no longer matches.</summary>
    DaneIssuerRollover = 14,

    /// <summary>The DNSSEC signature over the TLSA records expires soon: unless the zone is re-signed, the records turn bogus and DANE senders defer mail.</summary>
    DaneSignatureExpiring = 15,
}
