using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>
/// What kind of problem an SMTP reply, log line or client error describes. The TLS members say
/// which step of getting an encrypted session failed; the last members tell "not a TLS problem"
/// apart. Scripts can branch on it without parsing localized text.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpErrorCategory
{
    /// <summary>The server offers STARTTLS but cannot start TLS now (454 to STARTTLS, RFC 3207 §4).</summary>
    TlsNotAvailable,

    /// <summary>The server does not offer or implement STARTTLS, or the client required TLS that was not offered.</summary>
    TlsNotOffered,

    /// <summary>The server refuses to go on without TLS (530 5.7.0, 451 5.7.3 "STARTTLS is required").</summary>
    TlsRequired,

    /// <summary>The authentication mechanism needs an encrypted session first (538 5.7.11, 523 5.7.10).</summary>
    EncryptionRequiredForAuthentication,

    /// <summary>The TLS handshake itself failed (alerts, cipher or protocol errors other than the version).</summary>
    TlsHandshakeFailed,

    /// <summary>The peer's certificate chain does not lead to a trusted root (self-signed, unknown issuer, missing intermediate).</summary>
    CertificateUntrusted,

    /// <summary>The peer's certificate has expired or is not yet valid.</summary>
    CertificateExpired,

    /// <summary>The peer's certificate does not name the host that was connected to.</summary>
    CertificateNameMismatch,

    /// <summary>The two sides share no TLS version (e.g. "TLS 1.0 and 1.1 are not supported").</summary>
    TlsVersionUnsupported,

    /// <summary>A TLS policy could not be satisfied: MTA-STS (RFC 8461), DANE (RFC 7672), REQUIRETLS (RFC 8689).</summary>
    TlsPolicyFailure,

    /// <summary>Authentication failed or is required (535 5.7.8, 530 5.7.0 Authentication required, 534 5.7.9).</summary>
    AuthenticationFailed,

    /// <summary>A limit was hit: too many connections, TLS sessions, login attempts or messages.</summary>
    RateLimited,

    /// <summary>The client broke the protocol: STARTTLS twice, a syntax error, pipelining after STARTTLS.</summary>
    ProtocolViolation,

    /// <summary>The service is unavailable or closing (421 and similar) for a reason that is not TLS.</summary>
    ServiceUnavailable,

    /// <summary>
    /// The server does not relay for this client to that recipient (554 5.7.1 Relay access denied, 550 5.7.1
    /// Unable to relay): the client is neither authenticated nor in the server's own networks, or the
    /// recipient domain is not the server's. Not a TLS problem; on a submission port it usually means "log in first".
    /// </summary>
    RelayDenied,

    /// <summary>
    /// The server's policy refused the sender, the client host or the message for a reason that is neither
    /// TLS nor SMTP AUTH: sender authentication (SPF, DKIM, DMARC), blocklists, reverse DNS, access rules
    /// ("550 Administrative prohibition"), bulk-sender requirements.
    /// </summary>
    PolicyRejected,

    /// <summary>Anything else: success replies, mailbox and content errors, or text with no TLS, AUTH or policy meaning.</summary>
    Other,
}
