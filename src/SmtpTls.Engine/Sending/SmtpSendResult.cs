using System;

namespace SmtpTls;

/// <summary>
/// What became of one test message: whether the server accepted it, its final reply and queue ID,
/// how the session was protected, and the redacted SMTP dialogue. Returned by
/// <c>Send-SmtpTestMessage</c>, also when the message was not sent (then <see cref="Accepted"/> is
/// false and <see cref="ErrorId"/>, <see cref="ErrorMessage"/> and <see cref="Resolution"/> say why).
/// </summary>
/// <remarks>
/// Members are strings, numbers, booleans and string arrays (the TLS mode and protocol by name) so
/// that a result keeps its fields through Export-Clixml/Import-Clixml and ConvertTo-Json.
/// </remarks>
public sealed class SmtpSendResult
{
    /// <summary>The server as given (host name or IP literal, without port).</summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>The TCP port used.</summary>
    public int Port { get; set; }

    /// <summary>The IP address connected to; null when no connection was made.</summary>
    public string? Address { get; set; }

    /// <summary>The name sent as SNI and required in the certificate; null for an IP literal without -ServerName.</summary>
    public string? ServerName { get; set; }

    /// <summary>The TLS policy asked for (a <see cref="SmtpSendTlsMode"/> name; Auto stays Auto).</summary>
    public string TlsMode { get; set; } = nameof(SmtpSendTlsMode.Auto);

    /// <summary>The envelope sender (MAIL FROM) and From header address.</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The envelope recipients (RCPT TO) and To header addresses.</summary>
    public ReadableList<string> To { get; set; } = new();

    /// <summary>The Message-ID header of the test message, without angle brackets.</summary>
    public string? MessageId { get; set; }

    /// <summary>The short unique ID in the subject, the body and the <c>X-SmtpTls-Test-Id</c> header.</summary>
    public string? TestId { get; set; }

    /// <summary>The Subject header that was (or would have been) sent.</summary>
    public string? Subject { get; set; }

    /// <summary>Whether the server accepted the message with a 2xx reply to the end of data.</summary>
    public bool Accepted { get; set; }

    /// <summary>
    /// The server's final reply, verbatim with its code (e.g. <c>250 2.0.0 Ok: queued as 4Y7Q1f2abc</c>):
    /// the reply to the end of data when accepted, else the reply that stopped the message (if a reply did).
    /// </summary>
    public string? Reply { get; set; }

    /// <summary>The server's queue ID from <see cref="Reply"/> (Postfix, Exim, Exchange, Gmail, Sendmail, qmail formats); null when it gives none.</summary>
    public string? QueueId { get; set; }

    /// <summary>Whether the session was encrypted with TLS when the envelope was sent.</summary>
    public bool TlsEstablished { get; set; }

    /// <summary>The negotiated protocol version: Tls12, Tls13, ... (a <see cref="SmtpTlsProtocol"/> name); null without TLS.</summary>
    public string? Protocol { get; set; }

    /// <summary>The negotiated cipher suite (IANA name on PowerShell 7; the algorithms on Windows PowerShell); null without TLS.</summary>
    public string? CipherSuite { get; set; }

    /// <summary>The analysed certificate the server presented; null without TLS.</summary>
    public SmtpCertificateInfo? Certificate { get; set; }

    /// <summary>Whether the certificate was accepted only because of -SkipCertificateValidation.</summary>
    public bool CertificateValidationSkipped { get; set; }

    /// <summary>Whether the client authenticated (AUTH) with -Credential.</summary>
    public bool Authenticated { get; set; }

    /// <summary>The SASL mechanism used to authenticate: OAUTHBEARER or XOAUTH2 with an access token, the one mechanism chosen for -Credential (SCRAM, PLAIN, LOGIN, ...); null without AUTH.</summary>
    public string? AuthenticationMechanism { get; set; }

    /// <summary>Whether the message was sent with REQUIRETLS (RFC 8689).</summary>
    public bool RequireTls { get; set; }

    /// <summary>Subject and thumbprint of the TLS client certificate offered to the server; null when none was given.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>Whether the server asked for a client certificate in the handshake; null where the platform does not tell.</summary>
    public bool? ClientCertificateRequested { get; set; }

    /// <summary>
    /// The SMTP dialogue, one line each: <c>C: </c> client, <c>S: </c> server, <c>* </c> notes. AUTH
    /// payloads and passwords are replaced by <c>***</c>; the message content is left out.
    /// </summary>
    public ReadableList<string> Transcript { get; set; } = new();

    /// <summary>The warnings given (plaintext, skipped certificate validation, insecure authentication).</summary>
    public ReadableList<string> Warnings { get; set; } = new();

    /// <summary>When the attempt started (UTC).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>How long the attempt took, from the first connection to QUIT.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Why the message was not sent, as a stable identifier (TlsNotOffered, TlsNotAvailable, CertificateExpired, ...); null when accepted.</summary>
    public string? ErrorId { get; set; }

    /// <summary>Why the message was not sent, in words, with the server's reply where there was one; null when accepted.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The reply knowledge's explanation of the failure (what it means and what to do); null when accepted.</summary>
    public SmtpErrorResolution? Resolution { get; set; }

    /// <inheritdoc />
    public override string ToString() => Server + ":" + Port + (Accepted ? " accepted " + (QueueId ?? MessageId) : " not sent (" + ErrorId + ")");
}
