namespace SmtpTls;

/// <summary>A key-exchange group (elliptic curve, finite-field group or post-quantum hybrid) the server accepts.</summary>
public sealed class SmtpTlsGroup
{
    /// <summary>Creates an entry.</summary>
    public SmtpTlsGroup(string name, int code, bool tls13, bool tls12, bool postQuantum, bool preferred)
    {
        Name = name;
        Code = code;
        Tls13 = tls13;
        Tls12 = tls12;
        PostQuantum = postQuantum;
        Preferred = preferred;
    }

    /// <summary>The IANA name, e.g. x25519, secp384r1, ffdhe2048, X25519MLKEM768.</summary>
    public string Name { get; }

    /// <summary>The IANA code point.</summary>
    public int Code { get; }

    /// <summary>Accepted in a TLS 1.3 handshake.</summary>
    public bool Tls13 { get; }

    /// <summary>Accepted for ECDHE in a TLS 1.2 handshake (elliptic curves only).</summary>
    public bool Tls12 { get; }

    /// <summary>A hybrid with ML-KEM (or its Kyber draft), meant to resist a future quantum computer.</summary>
    public bool PostQuantum { get; }

    /// <summary>The group the server chose when offered all of them at once.</summary>
    public bool Preferred { get; }

    /// <inheritdoc />
    public override string ToString() => Name + (Preferred ? " (preferred)" : string.Empty);
}
