using System;
using System.Linq;
using Newtonsoft.Json;

namespace SmtpTls;

/// <summary>
/// What <c>Test-SmtpTls -Deep</c> found beyond the main handshake: every accepted suite per version,
/// groups, certificates per key type, and the TLS and STARTTLS features auditors ask about. A null
/// yes/no property means the scan could not tell (the reason is in <see cref="Notes"/>).
/// </summary>
/// <remarks>
/// In JSON at ConvertTo-Json's default depth the lists are left out for one-line summaries
/// (<see cref="SuitesSummary"/>, <see cref="WeakSuites"/>, <see cref="GroupsSummary"/>,
/// <see cref="CertificatesSummary"/>), so a result stays small; <c>$r.Deep | ConvertTo-Json -Depth 3</c> has them all.
/// </remarks>
public sealed class SmtpTlsDeepResult
{
    /// <summary>Every accepted suite, per protocol version, in the server's preference order where it has one.</summary>
    [JsonIgnore]
    public ReadableList<SmtpTlsCipherSuite> CipherSuites { get; set; } = new();

    /// <summary>Per protocol version with suites: how many, and whether the server enforces its order.</summary>
    [JsonIgnore]
    public ReadableList<SmtpTlsCipherOrder> CipherOrder { get; set; } = new();

    /// <summary>The key-exchange groups accepted.</summary>
    [JsonIgnore]
    public ReadableList<SmtpTlsGroup> Groups { get; set; } = new();

    /// <summary>The group the server chose when offered all (TLS 1.3 first, else TLS 1.2).</summary>
    public string? PreferredGroup { get; set; }

    /// <summary>The size of the server's DH prime for DHE suites, in bits; null without DHE.</summary>
    public int? DhParameterBits { get; set; }

    /// <summary>The leaf certificates seen for RSA-only, ECDSA-only, EdDSA-only and SNI-less hellos (TLS 1.2 and older; TLS 1.3 encrypts them).</summary>
    [JsonIgnore]
    public ReadableList<SmtpTlsCertificateVariant> Certificates { get; set; } = new();

    /// <summary>How many different leaf certificates the server presents.</summary>
    public int DistinctCertificates { get; set; }

    /// <summary>Whether a hello without SNI gets another certificate than one with the name.</summary>
    public bool? SniChangesCertificate { get; set; }

    /// <summary>The server issues session ids for resumption (TLS 1.2).</summary>
    public bool? SessionIdResumption { get; set; }

    /// <summary>The server agrees to issue session tickets (TLS 1.2, RFC 5077).</summary>
    public bool? SessionTickets { get; set; }

    /// <summary>The server supports secure renegotiation (RFC 5746); false means insecure renegotiation.</summary>
    public bool? SecureRenegotiation { get; set; }

    /// <summary>The server accepts TLS compression (CRIME).</summary>
    public bool? Compression { get; set; }

    /// <summary>The server refuses a downgraded hello that carries TLS_FALLBACK_SCSV (RFC 7507).</summary>
    public bool? FallbackScsv { get; set; }

    /// <summary>The server uses the extended master secret (RFC 7627).</summary>
    public bool? ExtendedMasterSecret { get; set; }

    /// <summary>The OCSP response the server staples; null when it staples none.</summary>
    public SmtpTlsOcspStaple? OcspStaple { get; set; }

    /// <summary>The server asks for a client certificate (CertificateRequest in TLS 1.2).</summary>
    public bool? ClientCertificateRequested { get; set; }

    /// <summary>A command pipelined behind STARTTLS was answered inside TLS (CVE-2011-0411 class).</summary>
    public bool? StartTlsInjection { get; set; }

    /// <summary>The server sent plaintext after "220 Ready to start TLS" (e.g. answered the pipelined command before TLS).</summary>
    public bool? BytesAfterStartTls { get; set; }

    /// <summary>What the server sent in plaintext after "220 Ready to start TLS" (control characters made visible), or null.</summary>
    public string? PlaintextAfterStartTls { get; set; }

    /// <summary>STARTTLS is still advertised in the EHLO reply inside TLS (RFC 3207, 4.2 forbids it).</summary>
    public bool? StartTlsAfterTls { get; set; }

    /// <summary>AUTH is advertised only after TLS, as it should be.</summary>
    public bool? AuthOnlyAfterTls { get; set; }

    /// <summary>How many connections the scan opened.</summary>
    public int Connections { get; set; }

    /// <summary>How long the scan took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>What the scan could not find out, and why (English protocol terms).</summary>
    public ReadableList<string> Notes { get; set; } = new();

    /// <summary>Per version with suites: how many and whose order, e.g. <c>Tls13: 3 (client order); Tls12: 56 (server order)</c>.</summary>
    public string SuitesSummary => CipherOrder.ToString();

    /// <summary>The names of the weak suites accepted (any version), for JSON and reports.</summary>
    public ReadableList<string> WeakSuites => new(CipherSuites.Where(s => s.Weak).Select(s => s.Name).Distinct());

    /// <summary>How many accepted suites lack forward secrecy.</summary>
    public int SuitesWithoutForwardSecrecy => CipherSuites.Where(s => !s.ForwardSecrecy).Select(s => s.Name).Distinct().Count();

    /// <summary>The accepted groups in one line, the preferred one marked, e.g. <c>x25519 (preferred); secp256r1</c>.</summary>
    public string GroupsSummary => Groups.ToString();

    /// <summary>The certificates per request in one line.</summary>
    public string CertificatesSummary => Certificates.ToString();

    /// <inheritdoc />
    public override string ToString() => CipherSuites.Length + " suites, " + Groups.Length + " groups, " + DistinctCertificates + " certificate(s)";
}
