namespace SmtpTls;

/// <summary>
/// The TLS policy of <c>Send-SmtpTestMessage</c>: which transport security a test message needs
/// before the first envelope command. Only <see cref="Opportunistic"/> and <see cref="None"/>
/// ever let a message travel unencrypted, and both say so with a warning.
/// </summary>
public enum SmtpSendTlsMode
{
    /// <summary>Implicit TLS on port 465, STARTTLS required on every other port.</summary>
    Auto = 0,

    /// <summary>STARTTLS required: a server that does not offer it, or refuses it, gets no message.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (RFC 8314), as on port 465.</summary>
    Implicit = 2,

    /// <summary>STARTTLS when the server offers it, else plaintext with a warning.</summary>
    Opportunistic = 3,

    /// <summary>No TLS at all (plaintext), with a warning.</summary>
    None = 4,
}
