namespace SmtpTls;

/// <summary>Which addresses of a mail host to look up and test.</summary>
public enum AddressFamilyPreference
{
    /// <summary>IPv4 (A) and IPv6 (AAAA) addresses.</summary>
    Any = 0,

    /// <summary>Only IPv4 (A) addresses; AAAA is not queried.</summary>
    IPv4 = 1,

    /// <summary>Only IPv6 (AAAA) addresses; A is not queried.</summary>
    IPv6 = 2,
}
