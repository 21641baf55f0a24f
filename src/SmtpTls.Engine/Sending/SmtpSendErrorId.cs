using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls.Sending;

/// <summary>
/// Why a test message was not sent. <see cref="SmtpSendResult.ErrorId"/> and the ErrorRecord's
/// FullyQualifiedErrorId carry the name of one of these values as a string (it survives
/// Export-Clixml/Import-Clixml, where enums come back as bare numbers), so scripts can branch without
/// parsing localized text.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpSendErrorId
{
    /// <summary>An input (address, server, HELO name) is not usable; nothing was contacted.</summary>
    InvalidArgument = 0,

    /// <summary>No TCP connection could be made (refused, unreachable, name not found).</summary>
    ConnectionFailed = 1,

    /// <summary>The server refused the session in its greeting or to EHLO/HELO.</summary>
    ConnectionRejected = 2,

    /// <summary>A network step (connecting, one reply, one TLS flight) got no answer within -TimeoutSeconds.</summary>
    Timeout = 3,

    /// <summary>The server kept sending but did not complete its answer within -TimeoutSeconds (it trickled).</summary>
    ReplyTooSlow = 4,

    /// <summary>The whole call took longer than its deadline (4 x -TimeoutSeconds), each step within its own.</summary>
    CallTimeout = 5,

    /// <summary>The server sent a reply line longer than 4096 bytes (RFC 5321 allows 512).</summary>
    ReplyTooLong = 6,

    /// <summary>The server sent a reply of more than 200 lines.</summary>
    TooManyReplyLines = 7,

    /// <summary>The server sent a reply of more than 64 KiB.</summary>
    ReplyTooLarge = 8,

    /// <summary>The server sent more than 1 MiB in one session.</summary>
    TranscriptLimit = 9,

    /// <summary>The peer broke the SMTP protocol or closed the connection unexpectedly.</summary>
    ProtocolError = 10,

    /// <summary>TLS was required but the server does not offer STARTTLS.</summary>
    TlsNotOffered = 11,

    /// <summary>TLS was required and the server offers STARTTLS but refused it (454).</summary>
    TlsNotAvailable = 12,

    /// <summary>The TLS handshake failed for a reason other than the certificate.</summary>
    TlsHandshakeFailed = 13,

    /// <summary>The port speaks the other kind of TLS: implicit TLS where STARTTLS was used, or the reverse (as Test-SmtpTls's PortMismatch).</summary>
    PortMismatch = 14,

    /// <summary>TLS was required but the session ended up unencrypted (a safety net; MailKit should not allow it).</summary>
    TlsNotEstablished = 15,

    /// <summary>The server requires TLS (530 5.7.0 Must issue a STARTTLS command first) and the policy did not use it.</summary>
    TlsRequired = 16,

    /// <summary>The certificate chain does not lead to a trusted root, or no certificate could be checked.</summary>
    CertificateUntrusted = 17,

    /// <summary>The certificate has expired or is not yet valid.</summary>
    CertificateExpired = 18,

    /// <summary>The certificate does not name the server (-ServerName or the host name).</summary>
    CertificateNameMismatch = 19,

    /// <summary>-Credential would have been sent unencrypted and -AllowInsecureAuthentication was not given.</summary>
    InsecureAuthenticationRefused = 20,

    /// <summary>-Credential was given but the server offers no usable AUTH mechanism on this connection.</summary>
    AuthenticationNotOffered = 21,

    /// <summary>The server rejected the credentials.</summary>
    AuthenticationFailed = 22,

    /// <summary>The server rejected the OAuth access token (a 334 JSON error challenge, then 535 or 454).</summary>
    OAuthTokenRejected = 23,

    /// <summary>An access token was given but the server offers neither OAUTHBEARER nor XOAUTH2 on this connection.</summary>
    OAuthNotOffered = 24,

    /// <summary>-RequireTls was given but the server does not advertise REQUIRETLS (RFC 8689); nothing was sent.</summary>
    RequireTlsNotOffered = 25,

    /// <summary>-RequireTls was given but the session is not TLS with a verified certificate (RFC 8689 §4.1); nothing was sent.</summary>
    RequireTlsNotVerified = 26,

    /// <summary>The server refused the session or the message because of the TLS client certificate (missing, unknown or untrusted).</summary>
    ClientCertificateRejected = 27,

    /// <summary>The server requires authentication before it takes the message.</summary>
    AuthenticationRequired = 28,

    /// <summary>The server refused MAIL FROM.</summary>
    SenderRejected = 29,

    /// <summary>The server refused a RCPT TO; the transaction was reset.</summary>
    RecipientRejected = 30,

    /// <summary>The server refused DATA or the message content.</summary>
    MessageRejected = 31,

    /// <summary>Anything else.</summary>
    SendFailed = 32,
}
