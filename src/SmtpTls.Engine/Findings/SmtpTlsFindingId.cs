using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>
/// The identifiers of <see cref="SmtpTlsFinding"/>. A finding carries the name of one of these values as
/// its string <see cref="SmtpTlsFinding.Id"/>, so that results keep it through Export-Clixml/Import-Clixml
/// and JSON (enums come back as bare numbers) and scripts can test <c>$r.Findings.Id -contains 'TlsNotAvailable'</c>.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpTlsFindingId
{
    /// <summary>The server does not advertise STARTTLS.</summary>
    TlsNotOffered = 0,

    /// <summary>STARTTLS is advertised, but the server refused it (usually 454).</summary>
    TlsNotAvailable = 1,

    /// <summary>The TLS handshake did not complete.</summary>
    TlsHandshakeFailed = 2,

    /// <summary>The certificate chain does not lead to a trusted root.</summary>
    CertificateUntrusted = 3,

    /// <summary>The certificate's validity has ended.</summary>
    CertificateExpired = 4,

    /// <summary>The certificate's validity has not begun.</summary>
    CertificateNotYetValid = 5,

    /// <summary>The certificate expires within the warning period.</summary>
    CertificateExpiringSoon = 6,

    /// <summary>The certificate does not name the server.</summary>
    CertificateNameMismatch = 7,

    /// <summary>No name could be checked against the certificate (an IP address was probed without -ServerName).</summary>
    NameNotChecked = 8,

    /// <summary>The server did not send the intermediate certificates needed to build the chain.</summary>
    IncompleteChain = 9,

    /// <summary>SSL 3.0, TLS 1.0 or TLS 1.1 is accepted.</summary>
    LegacyProtocol = 10,

    /// <summary>Information: the handshake failed because the server offers only legacy protocols this machine refuses.</summary>
    TlsLegacyOnly = 11,

    /// <summary>Information: no handshake completed, and the certificate was read from the server's TLS 1.0-1.2 Certificate message.</summary>
    CertificateWithoutHandshake = 12,

    /// <summary>A weak cipher suite was negotiated or accepted.</summary>
    WeakCipher = 13,

    /// <summary>The certificate's key is too short.</summary>
    WeakKey = 14,

    /// <summary>With -Deep: suites without forward secrecy (static RSA or ECDH key exchange) are accepted.</summary>
    NoForwardSecrecy = 15,

    /// <summary>With -Deep: the client's order decides the suite, so a client that lists a weak suite first gets it (information).</summary>
    NoServerCipherOrder = 16,

    /// <summary>With -Deep: the DH prime of the DHE suites has fewer than 2048 bits (Logjam).</summary>
    WeakDhParameters = 17,

    /// <summary>With -Deep: the server does not support secure renegotiation (RFC 5746).</summary>
    InsecureRenegotiation = 18,

    /// <summary>With -Deep: the server accepts TLS compression (CRIME).</summary>
    TlsCompression = 19,

    /// <summary>With -Deep: a downgraded hello with TLS_FALLBACK_SCSV is not refused (RFC 7507).</summary>
    NoFallbackScsv = 20,

    /// <summary>With -Deep: the server does not use the extended master secret (RFC 7627; information).</summary>
    NoExtendedMasterSecret = 21,

    /// <summary>With -Deep: the stapled OCSP response is not Good, unreadable, or past its next update.</summary>
    OcspStapleProblem = 22,

    /// <summary>With -Deep: no post-quantum hybrid group (X25519MLKEM768 and kin) is accepted (information).</summary>
    NoPostQuantumGroup = 23,

    /// <summary>With -Deep: a command pipelined behind STARTTLS was answered inside TLS (CVE-2011-0411 class).</summary>
    StartTlsInjection = 24,

    /// <summary>With -Deep: STARTTLS is still advertised inside TLS (RFC 3207, 4.2).</summary>
    StartTlsAfterTls = 25,

    /// <summary>AUTH is offered before TLS, so passwords can cross the network in clear text.</summary>
    AuthBeforeTls = 26,

    /// <summary>Mail is accepted without TLS: MAIL FROM and RCPT TO postmaster were accepted before STARTTLS (with -CheckEnforcement).</summary>
    TlsNotEnforced = 27,

    /// <summary>Information: MAIL FROM or RCPT TO before STARTTLS was refused because TLS is required (with -CheckEnforcement).</summary>
    TlsEnforced = 28,

    /// <summary>Information: the refusal before STARTTLS asks for authentication, which is not TLS enforcement (with -CheckEnforcement).</summary>
    EnforcementAuthenticationRequired = 29,

    /// <summary>Information: RCPT TO postmaster was refused as relaying, so enforcement could not be checked (with -CheckEnforcement).</summary>
    EnforcementRelayDenied = 30,

    /// <summary>Information: refused before STARTTLS for a reason other than TLS or authentication (with -CheckEnforcement).</summary>
    EnforcementRefused = 31,

    /// <summary>Information: the answer before STARTTLS did not tell whether TLS is enforced (temporary refusal, odd reply).</summary>
    EnforcementUnknown = 32,

    /// <summary>The port speaks the other TLS mode (implicit TLS instead of STARTTLS or the reverse).</summary>
    PortMismatch = 33,

    /// <summary>The peer does not speak SMTP (garbage, HTTP, oversized replies).</summary>
    NotSmtp = 34,

    /// <summary>The connection could not be made, was refused, closed or rejected with 421/554.</summary>
    ConnectionFailed = 35,

    /// <summary>A step did not complete within the timeout, or the whole check not within its deadline (4 x the timeout).</summary>
    Timeout = 36,

    /// <summary>The server sent data after "220 Ready to start TLS" and before the handshake (discarded; RFC 3207 4.2).</summary>
    DataAfterStartTls = 37,

    /// <summary>The input could not be used (unparsable server, name not resolvable).</summary>
    InvalidTarget = 38,

    /// <summary>With -Domain: the domain does not exist (NXDOMAIN).</summary>
    DomainNotFound = 39,

    /// <summary>With -Domain: the domain publishes a null MX (RFC 7505): it accepts no mail (information).</summary>
    DomainNullMx = 40,

    /// <summary>With -Domain: the domain has neither MX records nor an address of its own to fall back to.</summary>
    DomainNoMailHosts = 41,

    /// <summary>With -Domain: an MX host has no address (of the requested family), so it cannot be checked.</summary>
    MxNoAddress = 42,

    /// <summary>With -Domain: the DNS lookup failed (SERVFAIL, REFUSED, timeout, network error).</summary>
    DnsFailure = 43,

    /// <summary>
    /// The server refused the check with a rate limit ("421 4.7.0 Error: too many connections from ..."): the
    /// status is Throttled, not Failed, since nothing was learnt about its TLS.
    /// </summary>
    Throttled = 44,
}
