using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>How one TLSA record compared with the certificate chain a server presented (RFC 7672, RFC 7671).</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpTlsaMatchResult
{
    /// <summary>The record matches: DANE-EE against the leaf, or DANE-TA against a presented CA that the leaf chains to, with the leaf naming the host.</summary>
    Match = 0,

    /// <summary>No presented certificate matches the record's data.</summary>
    NoMatch = 1,

    /// <summary>The record cannot be used for SMTP: usage 0/1 (PKIX, RFC 7672 section 3.1.3), an unknown usage, selector or matching type, or digest data of the wrong length.</summary>
    Unusable = 2,

    /// <summary>DANE-TA: the trust anchor matches and the chain verifies, but the leaf does not name the MX host (or the domain).</summary>
    NameMismatch = 3,

    /// <summary>DANE-TA: the trust anchor matches, but the leaf does not chain to it through the presented certificates.</summary>
    ChainInvalid = 4,

    /// <summary>DANE-TA: a certificate between the leaf and the trust anchor is expired or not yet valid.</summary>
    Expired = 5,

    /// <summary>Not compared: the server presented no certificate on that connection.</summary>
    NotChecked = 6,
}
