namespace SmtpTls;

/// <summary>Whether the server accepts one protocol version, as found by the protocol scan.</summary>
public sealed class SmtpTlsProtocolSupport
{
    /// <summary>Creates an entry of the protocol scan.</summary>
    public SmtpTlsProtocolSupport(SmtpTlsProtocol protocol, bool accepted, string? cipherSuite, string? detail)
    {
        Version = protocol;
        Protocol = protocol.ToString();
        Accepted = accepted;
        CipherSuite = cipherSuite;
        Detail = detail;
    }

    /// <summary>The protocol version offered alone: Ssl3, Tls10, Tls11, Tls12 or Tls13.</summary>
    public string Protocol { get; }

    /// <summary>The protocol version as a value.</summary>
    public SmtpTlsProtocol Version { get; }

    /// <summary>Whether the server answered with a ServerHello for exactly this version (see <see cref="HandshakeCompletes"/>).</summary>
    public bool Accepted { get; }

    /// <summary>
    /// For an accepted version: true when the server went on to send its whole first flight (certificate
    /// and key exchange), false when it broke off after the ServerHello (an alert, a closed connection),
    /// so that no handshake can complete with this version; null when not accepted or not followed.
    /// </summary>
    public bool? HandshakeCompletes { get; set; }

    /// <summary>The suite the server chose for this version (IANA name), when accepted.</summary>
    public string? CipherSuite { get; }

    /// <summary>How the server answered: the alert, the version it chose instead, or why no answer was read.</summary>
    public string? Detail { get; }

    /// <inheritdoc />
    public override string ToString() => Protocol + "=" + (!Accepted ? "Refused" : HandshakeCompletes == false ? "ServerHelloOnly" : "Accepted");
}
