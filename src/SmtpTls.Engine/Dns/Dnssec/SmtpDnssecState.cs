namespace SmtpTls;

/// <summary>
/// What DNSSEC validation from the trust anchor says about an answer (RFC 4035 section 4.3). Results
/// carry the name as a string so that it survives Import-Clixml.
/// </summary>
public enum SmtpDnssecState
{
    /// <summary>Validation could not be done at all (the resolver gave no DNSSEC data, timeouts, limits reached).</summary>
    NotValidated = 0,

    /// <summary>A signed chain leads from the trust anchor to the answer (or to its proof of non-existence).</summary>
    Secure = 1,

    /// <summary>A signed proof shows the zone is not signed: DANE does not apply there.</summary>
    Insecure = 2,

    /// <summary>The answer should be signed but does not validate (bad or expired signature, missing proof): a DANE sender defers mail.</summary>
    Bogus = 3,
}
