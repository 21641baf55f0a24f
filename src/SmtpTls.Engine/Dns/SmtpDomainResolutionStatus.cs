namespace SmtpTls;

/// <summary>What resolving a mail domain's hosts came to, as a whole.</summary>
public enum SmtpDomainResolutionStatus
{
    /// <summary>Every mail host resolved to at least one address; every address is a target.</summary>
    Resolved = 0,

    /// <summary>Some mail hosts resolved, others did not (see each host's status); the resolved ones are targets.</summary>
    PartiallyResolved = 1,

    /// <summary>The domain publishes a null MX (<c>0 .</c>, RFC 7505): it says it does not accept mail.</summary>
    NullMx = 2,

    /// <summary>The domain does not exist (NXDOMAIN).</summary>
    NxDomain = 3,

    /// <summary>The domain exists but has neither MX nor A/AAAA records: mail to it cannot be delivered.</summary>
    NoMailHosts = 4,

    /// <summary>The domain has MX records, but no MX host has an address of the requested family.</summary>
    NoAddresses = 5,

    /// <summary>The MX query failed with SERVFAIL.</summary>
    ServerFailure = 6,

    /// <summary>The server refused the MX query.</summary>
    Refused = 7,

    /// <summary>The MX query got no answer in time.</summary>
    Timeout = 8,

    /// <summary>The MX query failed otherwise (network error, malformed answer, other response code).</summary>
    Error = 9,

    /// <summary>The input is not a valid domain name; nothing was queried.</summary>
    InvalidName = 10,
}
