namespace SmtpTls;

/// <summary>The family of one resolved address.</summary>
public enum SmtpAddressFamily
{
    /// <summary>An IPv4 address from an A record.</summary>
    IPv4 = 4,

    /// <summary>An IPv6 address from an AAAA record.</summary>
    IPv6 = 6,
}
