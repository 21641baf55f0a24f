namespace SmtpTls;

/// <summary>
/// The DANE outcome for one MX host. Results carry the name as a string
/// (<see cref="SmtpDaneHostResult.Status"/>) so that it survives Import-Clixml.
/// </summary>
public enum SmtpDaneState
{
    /// <summary>No TLSA records (NODATA or NXDOMAIN): the host is not DANE-protected.</summary>
    NoRecords = 0,

    /// <summary>Every endpoint's chain matches at least one usable record.</summary>
    Matched = 1,

    /// <summary>Usable records exist, but at least one endpoint's chain matches none (or it presented no certificate).</summary>
    Mismatch = 2,

    /// <summary>Records exist, but none is usable for SMTP.</summary>
    Unusable = 3,

    /// <summary>The TLSA lookup failed (SERVFAIL, timeout, refused).</summary>
    LookupFailed = 4,
}
