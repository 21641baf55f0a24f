namespace SmtpTls;

/// <summary>How TLS is started on the connection.</summary>
public enum SmtpTlsMode
{
    /// <summary>Implicit TLS on port 465, STARTTLS on every other port.</summary>
    Auto = 0,

    /// <summary>Plain SMTP first, then the STARTTLS command (RFC 3207), as on ports 25 and 587.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (RFC 8314), as on port 465.</summary>
    Implicit = 2,
}
