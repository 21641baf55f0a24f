namespace SmtpTls;

/// <summary>
/// How far a domain's MTA-STS or TLS-RPT publication got. Results carry the name as a string
/// (<see cref="SmtpMtaStsResult.Status"/>, <see cref="SmtpTlsRptResult.Status"/>) so that it survives Import-Clixml.
/// </summary>
public enum SmtpPolicyState
{
    /// <summary>Nothing is published: senders see no policy.</summary>
    Missing = 0,

    /// <summary>Something is published, but senders cannot use it (syntax, several records, fetch failure, DNS failure).</summary>
    Invalid = 1,

    /// <summary>Published and usable.</summary>
    Valid = 2,
}
