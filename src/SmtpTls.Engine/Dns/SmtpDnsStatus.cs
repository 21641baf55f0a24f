namespace SmtpTls;

/// <summary>How one DNS query ended. Problems are reported here, never thrown.</summary>
public enum SmtpDnsStatus
{
    /// <summary>The server answered NOERROR with at least one record of the asked type.</summary>
    Ok = 0,

    /// <summary>The name exists but has no record of the asked type (NOERROR, empty answer: "NODATA").</summary>
    NoRecords = 1,

    /// <summary>The name does not exist (NXDOMAIN).</summary>
    NxDomain = 2,

    /// <summary>The server could not answer (SERVFAIL), for example because DNSSEC validation failed or the zone's servers are unreachable.</summary>
    ServerFailure = 3,

    /// <summary>The server refused to answer (REFUSED), typically because it does not serve or recurse for that name.</summary>
    Refused = 4,

    /// <summary>No answer arrived within the timeout, after all retries.</summary>
    Timeout = 5,

    /// <summary>Another failure: a network error, a malformed or truncated answer, or another response code.</summary>
    Error = 6,

    /// <summary>The name cannot be queried: it is not a valid domain name.</summary>
    InvalidName = 7,
}
