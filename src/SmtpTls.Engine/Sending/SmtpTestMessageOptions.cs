using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using SmtpTls.Certificates;

namespace SmtpTls.Sending;

/// <summary>What <see cref="SmtpTestMessageSender"/> sends, where, and under which TLS policy.</summary>
public sealed class SmtpTestMessageOptions
{
    /// <summary>Creates options; every other member has a safe default (TLS required, certificate checked).</summary>
    /// <param name="server">Host name, IP literal, <c>host:port</c> or <c>[v6]:port</c>.</param>
    /// <param name="from">The sender address (<c>user@example.org</c> or <c>Name &lt;user@example.org&gt;</c>).</param>
    /// <param name="to">The recipient addresses, at least one.</param>
    /// <exception cref="ArgumentException"><paramref name="server"/> or <paramref name="from"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="to"/> is null.</exception>
    public SmtpTestMessageOptions(string server, string from, IEnumerable<string> to)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new ArgumentException("A server is required.", nameof(server));
        }

        if (string.IsNullOrWhiteSpace(from))
        {
            throw new ArgumentException("A sender address is required.", nameof(from));
        }

        if (to is null)
        {
            throw new ArgumentNullException(nameof(to));
        }

        Server = server;
        From = from;
        To = new List<string>(to);
    }

    /// <summary>The endpoint as the user gave it.</summary>
    public string Server { get; }

    /// <summary>The sender address as given.</summary>
    public string From { get; }

    /// <summary>The recipient addresses as given.</summary>
    public IReadOnlyList<string> To { get; }

    /// <summary>The port; a port inside <see cref="Server"/> wins. Default: 465 for Implicit, else 25.</summary>
    public int? Port { get; set; }

    /// <summary>The subject; default: a recognizable test subject with the test ID and the sending host.</summary>
    public string? Subject { get; set; }

    /// <summary>The plain-text body; default: test ID, sending host, time, server and TLS parameters.</summary>
    public string? Body { get; set; }

    /// <summary>Credentials for AUTH; null sends without authenticating.</summary>
    public NetworkCredential? Credential { get; set; }

    /// <summary>An OAuth 2.0 access token for AUTH (OAUTHBEARER when offered, else XOAUTH2); mutually exclusive with <see cref="Credential"/>.</summary>
    public SmtpOAuthCredential? OAuthCredential { get; set; }

    /// <summary>The TLS client certificate, with its private key, presented when the server asks for one.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Send with REQUIRETLS (RFC 8689): only over TLS with a verified certificate, and only when the server
    /// advertises REQUIRETLS; otherwise nothing is sent.
    /// </summary>
    public bool RequireTls { get; set; }

    /// <summary>The TLS policy. Default <see cref="SmtpSendTlsMode.Auto"/>: TLS required.</summary>
    public SmtpSendTlsMode TlsMode { get; set; } = SmtpSendTlsMode.Auto;

    /// <summary>The name sent as SNI and required in the certificate; default: the server's host name (for an IP literal, the IP).</summary>
    public string? ServerName { get; set; }

    /// <summary>Extra trust anchors (a private CA), used in addition to the system store.</summary>
    public TrustAnchors? TrustAnchors { get; set; }

    /// <summary>Accept an invalid certificate (with a warning) instead of refusing to send.</summary>
    public bool SkipCertificateValidation { get; set; }

    /// <summary>Allow <see cref="Credential"/> to be sent over an unencrypted session (with a warning).</summary>
    public bool AllowInsecureAuthentication { get; set; }

    /// <summary>The name said in EHLO; default: this machine's name, or <c>smtptls.invalid</c>.</summary>
    public string? HeloName { get; set; }

    /// <summary>Bound on every network step (connect, each reply, the handshake). Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The language of messages, notes and the default subject and body; default: the current UI culture.</summary>
    public CultureInfo? Culture { get; set; }

    /// <summary>Receives each transcript line as it happens (for -Verbose); called from thread-pool threads.</summary>
    public Action<string>? Transcript { get; set; }

    /// <summary>Receives each warning as it is given; called from thread-pool threads. The result lists them too.</summary>
    public Action<string>? Warning { get; set; }
}
