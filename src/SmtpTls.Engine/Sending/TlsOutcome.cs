namespace SmtpTls.Sending;

/// <summary>What became of TLS on one connection, as the send policy sees it.</summary>
public enum TlsOutcome
{
    /// <summary>TLS is up (implicit, or STARTTLS accepted and the handshake done).</summary>
    Established,

    /// <summary>The server's EHLO reply does not list STARTTLS.</summary>
    NotOffered,

    /// <summary>The server lists STARTTLS but answered it with an error (454 4.7.0 TLS not available).</summary>
    Refused,

    /// <summary>The TLS handshake failed (other than a refused certificate, which the certificate decision covers).</summary>
    HandshakeFailed,

    /// <summary>TLS was not tried on this connection (-TlsMode None, or the plaintext retry of Opportunistic).</summary>
    NotAttempted,
}
