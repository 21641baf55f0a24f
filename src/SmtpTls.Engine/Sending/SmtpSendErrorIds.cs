namespace SmtpTls.Sending;

/// <summary>
/// The stable identifiers of why a test message was not sent: <see cref="SmtpSendResult.ErrorId"/> and
/// the ErrorRecord's FullyQualifiedErrorId, so scripts can branch without parsing localized text.
/// </summary>
public static class SmtpSendErrorIds
{
    /// <summary>An input (address, server, HELO name) is not usable; nothing was contacted.</summary>
    public const string InvalidArgument = "InvalidArgument";

    /// <summary>No TCP connection could be made (refused, unreachable, name not found).</summary>
    public const string ConnectionFailed = "ConnectionFailed";

    /// <summary>The server refused the session in its greeting or to EHLO/HELO.</summary>
    public const string ConnectionRejected = "ConnectionRejected";

    /// <summary>A network step (connecting, one reply, one TLS flight) got no answer within -TimeoutSeconds.</summary>
    public const string Timeout = "Timeout";

    /// <summary>The server kept sending but did not complete its answer within -TimeoutSeconds (it trickled).</summary>
    public const string ReplyTooSlow = "ReplyTooSlow";

    /// <summary>The whole call took longer than its deadline (4 x -TimeoutSeconds), each step within its own.</summary>
    public const string CallTimeout = "CallTimeout";

    /// <summary>The server sent a reply line longer than 4096 bytes (RFC 5321 allows 512).</summary>
    public const string ReplyTooLong = "ReplyTooLong";

    /// <summary>The server sent a reply of more than 200 lines.</summary>
    public const string TooManyReplyLines = "TooManyReplyLines";

    /// <summary>The server sent a reply of more than 64 KiB.</summary>
    public const string ReplyTooLarge = "ReplyTooLarge";

    /// <summary>The server sent more than 1 MiB in one session.</summary>
    public const string TranscriptLimit = "TranscriptLimit";

    /// <summary>The peer broke the SMTP protocol or closed the connection unexpectedly.</summary>
    public const string ProtocolError = "ProtocolError";

    /// <summary>TLS was required but the server does not offer STARTTLS.</summary>
    public const string TlsNotOffered = "TlsNotOffered";

    /// <summary>TLS was required and the server offers STARTTLS but refused it (454).</summary>
    public const string TlsNotAvailable = "TlsNotAvailable";

    /// <summary>The TLS handshake failed for a reason other than the certificate.</summary>
    public const string TlsHandshakeFailed = "TlsHandshakeFailed";

    /// <summary>The port speaks the other kind of TLS: implicit TLS where STARTTLS was used, or the reverse (as Test-SmtpTls's PortMismatch).</summary>
    public const string PortMismatch = "PortMismatch";

    /// <summary>TLS was required but the session ended up unencrypted (a safety net; MailKit should not allow it).</summary>
    public const string TlsNotEstablished = "TlsNotEstablished";

    /// <summary>The server requires TLS (530 5.7.0 Must issue a STARTTLS command first) and the policy did not use it.</summary>
    public const string TlsRequired = "TlsRequired";

    /// <summary>The certificate chain does not lead to a trusted root, or no certificate could be checked.</summary>
    public const string CertificateUntrusted = "CertificateUntrusted";

    /// <summary>The certificate has expired or is not yet valid.</summary>
    public const string CertificateExpired = "CertificateExpired";

    /// <summary>The certificate does not name the server (-ServerName or the host name).</summary>
    public const string CertificateNameMismatch = "CertificateNameMismatch";

    /// <summary>-Credential would have been sent unencrypted and -AllowInsecureAuthentication was not given.</summary>
    public const string InsecureAuthenticationRefused = "InsecureAuthenticationRefused";

    /// <summary>-Credential was given but the server offers no usable AUTH mechanism on this connection.</summary>
    public const string AuthenticationNotOffered = "AuthenticationNotOffered";

    /// <summary>The server rejected the credentials.</summary>
    public const string AuthenticationFailed = "AuthenticationFailed";

    /// <summary>The server rejected the OAuth access token (a 334 JSON error challenge, then 535 or 454).</summary>
    public const string OAuthTokenRejected = "OAuthTokenRejected";

    /// <summary>An access token was given but the server offers neither OAUTHBEARER nor XOAUTH2 on this connection.</summary>
    public const string OAuthNotOffered = "OAuthNotOffered";

    /// <summary>-RequireTls was given but the server does not advertise REQUIRETLS (RFC 8689); nothing was sent.</summary>
    public const string RequireTlsNotOffered = "RequireTlsNotOffered";

    /// <summary>-RequireTls was given but the session is not TLS with a verified certificate (RFC 8689 §4.1); nothing was sent.</summary>
    public const string RequireTlsNotVerified = "RequireTlsNotVerified";

    /// <summary>The server refused the session or the message because of the TLS client certificate (missing, unknown or untrusted).</summary>
    public const string ClientCertificateRejected = "ClientCertificateRejected";

    /// <summary>The server requires authentication before it takes the message.</summary>
    public const string AuthenticationRequired = "AuthenticationRequired";

    /// <summary>The server refused MAIL FROM.</summary>
    public const string SenderRejected = "SenderRejected";

    /// <summary>The server refused a RCPT TO; the transaction was reset.</summary>
    public const string RecipientRejected = "RecipientRejected";

    /// <summary>The server refused DATA or the message content.</summary>
    public const string MessageRejected = "MessageRejected";

    /// <summary>Anything else.</summary>
    public const string SendFailed = "SendFailed";
}
