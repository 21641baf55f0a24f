namespace SmtpTls;

/// <summary>The overall verdict of one TLS check.</summary>
public enum SmtpTlsStatus
{
    /// <summary>TLS was established with a valid certificate for the expected name and nothing worse than information was found.</summary>
    Passed = 0,

    /// <summary>TLS works, but at least one finding is a warning (legacy protocol, certificate expiring soon, ...).</summary>
    Warning = 1,

    /// <summary>At least one finding is an error: TLS is missing, broken or not trustworthy.</summary>
    Failed = 2,

    /// <summary>The check itself could not run (unusable input, name not resolvable).</summary>
    Error = 3,

    /// <summary>
    /// The server refused the check for now with a rate limit (a 421 or 4xx reply the reply knowledge
    /// classifies as <c>RateLimited</c>, such as "too many connections"): nothing was learnt about its TLS,
    /// and nothing is wrong with it. Retried after a back-off when retries are allowed.
    /// </summary>
    Throttled = 4,
}
