using System;
using System.Security.Cryptography.X509Certificates;
using Newtonsoft.Json;

namespace SmtpTls;

/// <summary>
/// The certificate a mail server presents, analysed: who it is for, who issued it, when it expires,
/// whether its chain reaches a trusted root, whether it names the server, and the DANE TLSA data
/// that would pin it. Returned by <c>Get-SmtpCertificate</c> and carried by <c>Test-SmtpTls</c>.
/// </summary>
/// <remarks>
/// Every member an administrator filters or reports on is a string, number, boolean, date or
/// string array, so those survive Export-Clixml/Import-Clixml and ConvertTo-Json unchanged; the
/// certificate objects themselves (<see cref="Certificate"/>, the chain elements' certificates)
/// come back from CliXml as property bags only.
/// Dates are local time, as <see cref="X509Certificate2.NotAfter"/> gives them, so that they
/// compare correctly with <c>Get-Date</c>.
/// </remarks>
public sealed class SmtpCertificateInfo
{
    /// <summary>The server as given (host name or IP literal, without port); set by the caller.</summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>The TCP port the certificate was presented on; set by the caller.</summary>
    public int Port { get; set; }

    /// <summary>The name checked against the certificate (-ServerName, else the server's host name); null when none was checked.</summary>
    public string? ServerName { get; set; }

    /// <summary>The leaf certificate's subject distinguished name.</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>The leaf certificate's common name (CN), if it has one.</summary>
    public string? CommonName { get; set; }

    /// <summary>The DNS names of the subject alternative name extension, in certificate order.</summary>
    public ReadableList<string> DnsNames { get; set; } = new();

    /// <summary>The IP addresses of the subject alternative name extension.</summary>
    public ReadableList<string> IPAddresses { get; set; } = new();

    /// <summary>The issuer's distinguished name.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Start of the validity period (local time).</summary>
    public DateTime NotBefore { get; set; }

    /// <summary>End of the validity period (local time).</summary>
    public DateTime NotAfter { get; set; }

    /// <summary>Whole days from the check until <see cref="NotAfter"/>, rounded down; negative once expired.</summary>
    public int DaysUntilExpiry { get; set; }

    /// <summary>Whether <see cref="NotAfter"/> lies before the time of the check.</summary>
    public bool IsExpired { get; set; }

    /// <summary>Whether <see cref="NotBefore"/> lies after the time of the check.</summary>
    public bool IsNotYetValid { get; set; }

    /// <summary>Whether the certificate expires within the warning period (default 30 days) or has expired.</summary>
    public bool ExpiresSoon { get; set; }

    /// <summary>The SHA-1 thumbprint, upper-case hex without separators, as Windows shows it.</summary>
    public string Thumbprint { get; set; } = string.Empty;

    /// <summary>The SHA-256 fingerprint of the whole certificate, upper-case hex without separators.</summary>
    public string Sha256Fingerprint { get; set; } = string.Empty;

    /// <summary>The serial number, upper-case hex as Windows shows it.</summary>
    public string SerialNumber { get; set; } = string.Empty;

    /// <summary>The public key algorithm: RSA, ECDSA, Ed25519, Ed448, DSA, RSASSA-PSS, or the OID when unknown.</summary>
    public string KeyAlgorithm { get; set; } = string.Empty;

    /// <summary>The key size in bits (RSA modulus, curve size); 0 when unknown.</summary>
    public int KeySize { get; set; }

    /// <summary>The named curve of an ECDSA key (e.g. P-256); null for other algorithms.</summary>
    public string? KeyCurve { get; set; }

    /// <summary>The signature algorithm (e.g. sha256RSA, sha384ECDSA, Ed25519), or its OID when unknown.</summary>
    public string SignatureAlgorithm { get; set; } = string.Empty;

    /// <summary>Whether the certificate is issued by itself (same subject and issuer, matching key identifiers).</summary>
    public bool IsSelfSigned { get; set; }

    /// <summary>
    /// Whether the chain builds to a trusted root (system store or -TrustedRootPath) and every
    /// certificate in it is valid at the time of the check. The host name is separate: <see cref="HostnameMatch"/>.
    /// </summary>
    public bool ChainValid { get; set; }

    /// <summary>
    /// What is wrong with the chain, one entry per problem, each <c>Code: explanation</c> where the
    /// code is an <see cref="X509ChainStatusFlags"/> name (PartialChain, UntrustedRoot, NotTimeValid, ...)
    /// or IncompleteChain. Empty when nothing is wrong.
    /// </summary>
    public ReadableList<string> ChainStatus { get; set; } = new();

    /// <summary>
    /// Whether the server failed to send an intermediate certificate that the chain needs: only
    /// the leaf was sent and its issuer is not a trusted root, or the chain could be completed only
    /// from the local certificate store. Other mail servers will then usually fail to verify it.
    /// </summary>
    public bool IncompleteChain { get; set; }

    /// <summary>The issuer that could not be found (the subject of the missing certificate); null when the chain is complete.</summary>
    public string? MissingIssuer { get; set; }

    /// <summary>Whether the certificate names <see cref="ServerName"/> (RFC 6125 rules); null when no name was checked.</summary>
    public bool? HostnameMatch { get; set; }

    /// <summary>Whether the chain is valid and the name matches (or no name was checked): the certificate would be accepted.</summary>
    public bool IsValid { get; set; }

    /// <summary>The certificates exactly as the server sent them, leaf first.</summary>
    /// <remarks>Left out of JSON when this object is inside another (a result's <c>Certificate</c>), to keep that JSON shallow; see README "JSON shape".</remarks>
    [JsonIgnore]
    public ReadableList<SmtpCertificateChainElement> PresentedChain { get; set; } = new();

    /// <summary>The chain as built from the leaf towards a root: what the server sent, trust anchors and store certificates.</summary>
    /// <remarks>Left out of JSON when this object is inside another, like <see cref="PresentedChain"/>.</remarks>
    [JsonIgnore]
    public ReadableList<SmtpCertificateChainElement> Chain { get; set; } = new();

    /// <summary>The leaf certificate itself; read it with <see cref="GetCertificate"/>.</summary>
    /// <remarks>Not a public property: a live certificate object is no data for Export-Csv, ConvertTo-Json or remoting.</remarks>
    internal X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// The association data of a DANE TLSA record <c>3 1 1</c> (DANE-EE, SubjectPublicKeyInfo, SHA-256)
    /// for the leaf: the SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex.
    /// </summary>
    public string TlsaSha256 { get; set; } = string.Empty;

    /// <summary>The TLSA record data for the leaf, ready for a zone file: <c>3 1 1 &lt;TlsaSha256&gt;</c>.</summary>
    public string TlsaRecord { get; set; } = string.Empty;

    /// <summary>When the certificate was checked (UTC); the reference time of the validity fields.</summary>
    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>The leaf certificate itself, for Export-Certificate, X509Chain or anything else that needs the object.</summary>
    /// <returns>The certificate, or null when this object came back from serialization.</returns>
    public X509Certificate2? GetCertificate() => Certificate;

    /// <summary>Subject, issuer and expiry in one line, e.g. for Export-Csv: <c>CN=mx.example.net; issuer CN=R11; expires 2027-01-31</c>.</summary>
    public override string ToString() =>
        Subject + "; issuer " + Issuer + "; expires " + NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
