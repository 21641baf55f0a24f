using System;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls;

/// <summary>
/// One certificate of a presented or built chain, summarised so that a chain reads as a table
/// (<c>$info.Chain | Format-Table</c>) and its main fields survive Export-Clixml.
/// </summary>
public sealed class SmtpCertificateChainElement
{
    /// <summary>The certificate's subject distinguished name.</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>The issuer's distinguished name.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Start of the validity period (local time).</summary>
    public DateTime NotBefore { get; set; }

    /// <summary>End of the validity period (local time).</summary>
    public DateTime NotAfter { get; set; }

    /// <summary>The SHA-1 thumbprint, upper-case hex.</summary>
    public string Thumbprint { get; set; } = string.Empty;

    /// <summary>The SHA-256 fingerprint, upper-case hex.</summary>
    public string Sha256Fingerprint { get; set; } = string.Empty;

    /// <summary>Whether it is a CA certificate (basic constraints CA=true).</summary>
    public bool IsCertificateAuthority { get; set; }

    /// <summary>Whether it is issued by itself (a root).</summary>
    public bool IsSelfSigned { get; set; }

    /// <summary>Where it came from: <c>Server</c> (presented), <c>TrustAnchor</c> (-TrustedRootPath) or <c>SystemStore</c>.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The problems of this element in the built chain (<c>Code: explanation</c>); empty for presented-chain entries.</summary>
    public string[] Status { get; set; } = Array.Empty<string>();

    /// <summary>The certificate itself.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <inheritdoc />
    public override string ToString() => Subject;
}
