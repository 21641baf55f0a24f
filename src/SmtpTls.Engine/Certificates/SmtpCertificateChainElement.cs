using System;
using System.Security.Cryptography.X509Certificates;
using Newtonsoft.Json;

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
    [JsonIgnore]
    public ReadableList<string> Status { get; set; } = new();

    /// <summary>The certificate itself; read it with <see cref="GetCertificate"/>.</summary>
    internal X509Certificate2? Certificate { get; set; }

    /// <summary>The certificate itself, for Export-Certificate or anything else that needs the object.</summary>
    /// <returns>The certificate, or null when this object came back from serialization.</returns>
    /// <remarks>A method rather than a property: a live certificate is no data for Export-Csv, ConvertTo-Json or remoting.</remarks>
    public X509Certificate2? GetCertificate() => Certificate;

    /// <inheritdoc />
    public override string ToString() => Subject + " (expires " + NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ")";
}
