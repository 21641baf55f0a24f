using System;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls;

/// <summary>
/// The TLS verdict for one mail server endpoint, as returned by <c>Test-SmtpTls</c>. Every member is
/// a plain property so that the result keeps its main fields through Export-Clixml/Import-Clixml and JSON.
/// </summary>
public sealed class SmtpTlsResult
{
    /// <summary>The server as given (host name or IP literal, without port).</summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>The TCP port probed.</summary>
    public int Port { get; set; }

    /// <summary>The IP address actually connected to (or tried last).</summary>
    public string? Address { get; set; }

    /// <summary>IPv4 or IPv6: the family of <see cref="Address"/>; null when no address was reached.</summary>
    public string? AddressFamily { get; set; }

    /// <summary>The mail domain whose MX this check is about (ASCII form), with <c>Test-SmtpTls -Domain</c>; else null.</summary>
    public string? Domain { get; set; }

    /// <summary>The MX host name the address belongs to (the domain itself for an implicit MX), with <c>-Domain</c>; else null.</summary>
    public string? MxHost { get; set; }

    /// <summary>The MX preference of <see cref="MxHost"/> (0 for an implicit MX), with <c>-Domain</c>; else null.</summary>
    public int? MxPreference { get; set; }

    /// <summary>True when the domain has no MX records and its own A/AAAA records were used (RFC 5321 section 5.1).</summary>
    public bool IsImplicitMx { get; set; }

    /// <summary>The TLS mode used after resolving Auto: <c>StartTls</c> or <c>Implicit</c> (a <see cref="SmtpTlsMode"/> name).</summary>
    /// <remarks>Names rather than enum values here and below, because enums come back from Import-Clixml as bare numbers.</remarks>
    public string TlsMode { get; set; } = nameof(SmtpTlsMode.StartTls);

    /// <summary>The name sent as SNI and checked against the certificate; null when an IP was probed without -ServerName.</summary>
    public string? ServerName { get; set; }

    /// <summary>The verdict: Passed, Warning, Failed or Error (a <see cref="SmtpTlsStatus"/> name).</summary>
    public string Status { get; set; } = nameof(SmtpTlsStatus.Error);

    /// <summary>Whether the TCP connection was made.</summary>
    public bool Connected { get; set; }

    /// <summary>The server's greeting (all lines), in plaintext or, for implicit TLS, inside TLS.</summary>
    public string? Banner { get; set; }

    /// <summary>The EHLO keywords before TLS (implicit TLS has none).</summary>
    public ReadableList<string> CapabilitiesBeforeTls { get; set; } = new();

    /// <summary>Whether EHLO before TLS listed STARTTLS.</summary>
    public bool StartTlsOffered { get; set; }

    /// <summary>The server's full reply to STARTTLS, e.g. <c>454 4.7.0 TLS not available due to local problem</c>.</summary>
    public string? StartTlsReply { get; set; }

    /// <summary>Whether the TLS handshake completed.</summary>
    public bool TlsEstablished { get; set; }

    /// <summary>The negotiated protocol version: Tls12, Tls13, ... (a <see cref="SmtpTlsProtocol"/> name).</summary>
    public string? Protocol { get; set; }

    /// <summary>The negotiated cipher suite (IANA name on PowerShell 7; algorithm summary on Windows PowerShell 5.1).</summary>
    public string? CipherSuite { get; set; }

    /// <summary>The EHLO keywords inside TLS.</summary>
    public ReadableList<string> CapabilitiesAfterTls { get; set; } = new();

    /// <summary>
    /// The extensions of the EHLO reply inside TLS as typed flags (REQUIRETLS, SMTPUTF8, CHUNKING, 8BITMIME,
    /// PIPELINING, SIZE with its value); null when no EHLO inside TLS was read.
    /// </summary>
    public SmtpExtensions? Extensions { get; set; }

    /// <summary>Whether the server asked for a TLS client certificate in the handshake; null when no handshake completed or the platform does not tell.</summary>
    public bool? ClientCertificateRequested { get; set; }

    /// <summary>The distinguished names of the CAs the server named when it asked for a client certificate (may be empty).</summary>
    public ReadableList<string> ClientCertificateAuthorities { get; set; } = new();

    /// <summary>The SASL mechanisms offered before TLS; should be empty.</summary>
    public ReadableList<string> AuthBeforeTls { get; set; } = new();

    /// <summary>The SASL mechanisms offered inside TLS.</summary>
    public ReadableList<string> AuthAfterTls { get; set; } = new();

    /// <summary>
    /// With -CheckEnforcement: true when MAIL FROM or RCPT TO before STARTTLS was refused because TLS is
    /// required, false when both were accepted. Null when not checked or when the refusal was about
    /// something else (see <see cref="Enforcement"/>).
    /// </summary>
    public bool? TlsEnforced { get; set; }

    /// <summary>With -CheckEnforcement: what the answer before STARTTLS meant, a <see cref="SmtpTlsEnforcement"/> name. Null when not checked.</summary>
    public string? Enforcement { get; set; }

    /// <summary>With -CheckEnforcement: the command that was refused ("MAIL FROM" or "RCPT TO"); null when neither was.</summary>
    public string? EnforcementStep { get; set; }

    /// <summary>With -CheckEnforcement: the server's refusal, verbatim (untrusted text); null when nothing was refused.</summary>
    public string? EnforcementReply { get; set; }

    /// <summary>With -CheckEnforcement: the address RCPT TO named (postmaster of the checked domain); null when MAIL FROM was already refused.</summary>
    public string? EnforcementRecipient { get; set; }

    /// <summary>The analysis of the certificate presented on this connection.</summary>
    public SmtpCertificateInfo? Certificate { get; set; }

    /// <summary>
    /// The certificates the server sent on this connection, leaf first, exactly as received, summarised
    /// (subject, issuer, validity, fingerprints); <see cref="SmtpCertificateChainElement.GetCertificate"/>
    /// gives each certificate itself. The same elements as <see cref="SmtpCertificateInfo.PresentedChain"/>.
    /// </summary>
    public ReadableList<SmtpCertificateChainElement> PresentedChain => Certificate?.PresentedChain ?? new ReadableList<SmtpCertificateChainElement>();

    /// <summary>The certificates the server sent on this connection, leaf first, exactly as received.</summary>
    /// <remarks>
    /// Not a public property: a live certificate object is no data for Export-Csv, ConvertTo-Json or remoting
    /// (its JSON alone is about 8 KB). Use <see cref="GetPresentedCertificates"/>.
    /// </remarks>
    internal X509Certificate2[] PresentedCertificates { get; set; } = Array.Empty<X509Certificate2>();

    /// <summary>Whether the chain is trusted and the certificate is within its validity (the name is <see cref="HostnameMatch"/>).</summary>
    public bool? CertificateValid { get; set; }

    /// <summary>Whether the certificate names <see cref="ServerName"/>; null when no name could be checked.</summary>
    public bool? HostnameMatch { get; set; }

    /// <summary>Days until the leaf certificate expires (negative when expired).</summary>
    public int? DaysUntilExpiry { get; set; }

    /// <summary>With -ProtocolScan: each of SSL 3.0 to TLS 1.3 with whether the server accepts it.</summary>
    public ReadableList<SmtpTlsProtocolSupport> SupportedProtocols { get; set; } = new();

    /// <summary>With -Deep: suites per version, groups, certificates per key type and the TLS/STARTTLS features; null otherwise.</summary>
    public SmtpTlsDeepResult? Deep { get; set; }

    /// <summary>Everything worth reporting, worst first.</summary>
    public SmtpTlsFindingList Findings { get; set; } = new();

    /// <summary>What a negative server reply or the failure means and what to do; null when nothing failed.</summary>
    public SmtpErrorResolution? Resolution { get; set; }

    /// <summary>
    /// With <c>Test-SmtpTls -Domain -IncludePolicy</c>: the domain's MTA-STS, DANE and TLS-RPT check, the same
    /// object on every result of that domain; else null.
    /// </summary>
    public SmtpDomainPolicyResult? Policy { get; set; }

    /// <summary>The SMTP dialogue as seen by the probe (S: server, C: client), for logs and support tickets.</summary>
    public ReadableList<string> Transcript { get; set; } = new();

    /// <summary>When the check started (UTC).</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>How long the check took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>How many connections the check took: more than 1 when the server throttled it and it was tried again.</summary>
    public int Attempts { get; set; } = 1;

    /// <summary>
    /// With <c>-Domain</c>: when another domain of the same run has the same MX endpoint (address, port, TLS
    /// mode and name), the endpoint is checked once and its result reused; this names the domain whose check
    /// it was. Null when this result comes from its own check.
    /// </summary>
    public string? ReusedFrom { get; set; }

    /// <summary>A copy for another domain's MX entry, marked as reused from this result's domain.</summary>
    internal SmtpTlsResult ReuseFor(SmtpMailTarget target)
    {
        var copy = (SmtpTlsResult)MemberwiseClone();
        copy.Domain = target.Domain;
        copy.MxHost = target.MxHost;
        copy.MxPreference = target.Preference;
        copy.IsImplicitMx = target.IsImplicitMx;
        copy.ReusedFrom = Domain ?? Server;
        copy.Policy = null;
        return copy;
    }

    /// <summary>Whether <see cref="Status"/> is Passed.</summary>
    internal bool IsPassed => Status == nameof(SmtpTlsStatus.Passed);

    /// <summary>The negotiated protocol as a value, for the verdict rules.</summary>
    internal SmtpTlsProtocol? NegotiatedProtocol { get; set; }

    /// <summary>The certificates the server sent on this connection, leaf first, exactly as received.</summary>
    /// <returns>A new array (empty when no certificate was presented); the certificates are shared.</returns>
    public X509Certificate2[] GetPresentedCertificates() => (X509Certificate2[])PresentedCertificates.Clone();

    /// <inheritdoc />
    public override string ToString() => (MxHost is null ? string.Empty : MxHost + " ") + Server + ":" + Port + " " + Status;
}
