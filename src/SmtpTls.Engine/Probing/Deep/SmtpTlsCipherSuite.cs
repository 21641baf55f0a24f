namespace SmtpTls;

/// <summary>One cipher suite a server accepts for one protocol version, as found by <c>Test-SmtpTls -Deep</c>.</summary>
public sealed class SmtpTlsCipherSuite
{
    /// <summary>Creates an entry of the deep scan's suite list.</summary>
    public SmtpTlsCipherSuite(
        string protocol, string name, int code, int? preference, string keyExchange, string authentication, string encryption, int bits, bool forwardSecrecy, string? weakReason)
    {
        Protocol = protocol;
        Name = name;
        Code = code;
        Preference = preference;
        KeyExchange = keyExchange;
        Authentication = authentication;
        Encryption = encryption;
        Bits = bits;
        ForwardSecrecy = forwardSecrecy;
        WeakReason = weakReason;
    }

    /// <summary>The protocol version: Ssl3, Tls10, Tls11, Tls12 or Tls13.</summary>
    public string Protocol { get; }

    /// <summary>The IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.</summary>
    public string Name { get; }

    /// <summary>The IANA code point (0xC030 is 49200).</summary>
    public int Code { get; }

    /// <summary>1 for the suite the server likes best, when it enforces its own order; null when the client's order decides.</summary>
    public int? Preference { get; }

    /// <summary>Key exchange: ECDHE, DHE, RSA, ECDH, or ECDHE/DHE for TLS 1.3 (negotiated separately as a group).</summary>
    public string KeyExchange { get; }

    /// <summary>How the server proves its identity: RSA, ECDSA, DSS, None (anonymous), or Certificate for TLS 1.3.</summary>
    public string Authentication { get; }

    /// <summary>The bulk cipher: AESGCM, AES, CHACHA20/POLY1305, Camellia, ARIAGCM, AESCCM, 3DES, RC4, None, ...</summary>
    public string Encryption { get; }

    /// <summary>Key size of the bulk cipher in bits.</summary>
    public int Bits { get; }

    /// <summary>Whether the key exchange is ephemeral (recorded sessions stay closed when the server key is stolen later).</summary>
    public bool ForwardSecrecy { get; }

    /// <summary>Whether nobody should accept this suite today (see <see cref="WeakReason"/>).</summary>
    public bool Weak => WeakReason is not null;

    /// <summary>Why the suite is weak (RC4, 3DES, NULL, EXPORT, MD5 MAC, short key), or null.</summary>
    public string? WeakReason { get; }

    /// <inheritdoc />
    public override string ToString() => Protocol + " " + Name;
}
