using System;

namespace SmtpTls;

/// <summary>
/// A certificate the server presents for one kind of request: RSA-only, ECDSA-only or EdDSA-only
/// signature algorithms, and with or without SNI. Dual RSA+ECDSA setups show two distinct thumbprints.
/// </summary>
public sealed class SmtpTlsCertificateVariant
{
    /// <summary>Creates an entry.</summary>
    public SmtpTlsCertificateVariant(string requestedWith, string thumbprint, string subject, string issuer, DateTime notAfter, string keyAlgorithm, int keySize)
    {
        RequestedWith = requestedWith;
        Thumbprint = thumbprint;
        Subject = subject;
        Issuer = issuer;
        NotAfter = notAfter;
        KeyAlgorithm = keyAlgorithm;
        KeySize = keySize;
    }

    /// <summary>What the hello asked for: Rsa, Ecdsa, EdDsa (each with SNI when a name is known) or NoSni.</summary>
    public string RequestedWith { get; }

    /// <summary>SHA-1 thumbprint, as Windows and Get-SmtpCertificate show it.</summary>
    public string Thumbprint { get; }

    /// <summary>The leaf's subject.</summary>
    public string Subject { get; }

    /// <summary>The leaf's issuer.</summary>
    public string Issuer { get; }

    /// <summary>End of validity (UTC).</summary>
    public DateTime NotAfter { get; }

    /// <summary>RSA, ECDSA, Ed25519, Ed448, DSA or the key's OID.</summary>
    public string KeyAlgorithm { get; }

    /// <summary>Key size in bits.</summary>
    public int KeySize { get; }

    /// <inheritdoc />
    public override string ToString() => RequestedWith + ": " + KeyAlgorithm + " " + KeySize + " " + Subject;
}
