using System;
using MailKit.Security;

namespace SmtpTls.Sending;

/// <summary>
/// The rules of Send-SmtpTestMessage as pure functions: which port and MailKit socket option a TLS
/// mode means, what to do with what the server did about TLS, whether -Credential may be sent, and
/// whether a certificate is good enough. Kept free of I/O so every combination is unit-tested;
/// the sender only carries out what these return.
/// </summary>
public static class SendPolicy
{
    /// <summary>The port of implicit TLS for SMTP submission (RFC 8314).</summary>
    public const int ImplicitTlsPort = 465;

    /// <summary>The SMTP port used when neither -Server nor -Port names one and the mode is not implicit TLS.</summary>
    public const int DefaultPort = 25;

    /// <summary>The port to use: one given with the server wins over -Port; else 465 for implicit TLS, 25 otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A given port is outside 1 to 65535.</exception>
    public static int ChoosePort(int? portInServer, int? portParameter, SmtpSendTlsMode mode)
    {
        var port = portInServer ?? portParameter ?? (mode == SmtpSendTlsMode.Implicit ? ImplicitTlsPort : DefaultPort);
        if (port < 1 || port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(portParameter), port, "A port lies between 1 and 65535.");
        }

        return port;
    }

    /// <summary>Auto means implicit TLS on 465 and STARTTLS everywhere else; the other modes stay as they are.</summary>
    public static SmtpSendTlsMode Effective(SmtpSendTlsMode mode, int port) =>
        mode == SmtpSendTlsMode.Auto ? (port == ImplicitTlsPort ? SmtpSendTlsMode.Implicit : SmtpSendTlsMode.StartTls) : mode;

    /// <summary>Whether the mode lets no message out without TLS.</summary>
    public static bool RequiresTls(SmtpSendTlsMode mode, int port) =>
        Effective(mode, port) is SmtpSendTlsMode.StartTls or SmtpSendTlsMode.Implicit;

    /// <summary>
    /// The MailKit option that carries out the mode. StartTls maps to MailKit's StartTls (it fails
    /// when STARTTLS is not offered or refused), never to StartTlsWhenAvailable, which would
    /// continue in plaintext on its own.
    /// </summary>
    public static SecureSocketOptions SocketOptions(SmtpSendTlsMode mode, int port) => Effective(mode, port) switch
    {
        SmtpSendTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
        SmtpSendTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpSendTlsMode.Opportunistic => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.None,
    };

    /// <summary>What to do once the connection shows <paramref name="outcome"/> for TLS.</summary>
    /// <param name="mode">The TLS mode asked for.</param>
    /// <param name="port">The port (for Auto).</param>
    /// <param name="outcome">What the server did about TLS on this connection.</param>
    /// <param name="isRetry">Whether this is the plaintext connection after Opportunistic's refused STARTTLS (warned already).</param>
    public static PolicyDecision DecideTls(SmtpSendTlsMode mode, int port, TlsOutcome outcome, bool isRetry = false)
    {
        var effective = Effective(mode, port);
        if (outcome == TlsOutcome.Established)
        {
            return PolicyDecision.Proceed;
        }

        if (outcome == TlsOutcome.HandshakeFailed)
        {
            // A handshake that broke off leaves no usable session, and falling back after it would
            // let an attacker who breaks handshakes force plaintext: no mode retries.
            return PolicyDecision.Refuse(SmtpSendErrorId.TlsHandshakeFailed);
        }

        switch (effective)
        {
            case SmtpSendTlsMode.StartTls or SmtpSendTlsMode.Implicit:
                return outcome switch
                {
                    TlsOutcome.NotOffered => PolicyDecision.Refuse(SmtpSendErrorId.TlsNotOffered),
                    TlsOutcome.Refused => PolicyDecision.Refuse(SmtpSendErrorId.TlsNotAvailable),
                    _ => PolicyDecision.Refuse(SmtpSendErrorId.TlsNotEstablished),
                };

            case SmtpSendTlsMode.Opportunistic:
                return outcome switch
                {
                    TlsOutcome.NotOffered => PolicyDecision.WithWarning("Send.Warning.PlaintextNotOffered"),

                    // RFC 3207 leaves the choice to the client after 454; an opportunistic sender (like
                    // Postfix at security level "may") delivers in plaintext rather than not at all.
                    TlsOutcome.Refused when !isRetry => PolicyDecision.Retry("Send.Warning.PlaintextRefused"),
                    TlsOutcome.NotAttempted when isRetry => PolicyDecision.WithWarning(null),
                    _ => PolicyDecision.Refuse(SmtpSendErrorId.TlsNotEstablished),
                };

            default:
                return outcome == TlsOutcome.NotAttempted
                    ? PolicyDecision.WithWarning("Send.Warning.PlaintextNone")
                    : PolicyDecision.Refuse(SmtpSendErrorId.TlsNotEstablished);
        }
    }

    /// <summary>Whether -Credential may be sent on this connection.</summary>
    /// <param name="credentialGiven">Whether -Credential was given (without it there is nothing to decide).</param>
    /// <param name="tlsEstablished">Whether the session is encrypted.</param>
    /// <param name="allowInsecureAuthentication">Whether -AllowInsecureAuthentication was given.</param>
    public static PolicyDecision DecideAuthentication(bool credentialGiven, bool tlsEstablished, bool allowInsecureAuthentication)
    {
        if (!credentialGiven || tlsEstablished)
        {
            return PolicyDecision.Proceed;
        }

        return allowInsecureAuthentication
            ? PolicyDecision.WithWarning("Send.Warning.InsecureAuthentication")
            : PolicyDecision.Refuse(SmtpSendErrorId.InsecureAuthenticationRefused);
    }

    /// <summary>Whether the presented certificate is good enough to send over.</summary>
    /// <param name="certificate">The analysis of the presented chain; null when no certificate could be analysed.</param>
    /// <param name="skipValidation">Whether -SkipCertificateValidation was given.</param>
    public static PolicyDecision DecideCertificate(SmtpCertificateInfo? certificate, bool skipValidation)
    {
        var problem = CertificateProblem(certificate);
        if (skipValidation)
        {
            return PolicyDecision.WithWarning(problem is null ? "Send.Warning.CertificateSkippedValid" : "Send.Warning.CertificateSkippedInvalid");
        }

        return problem is null ? PolicyDecision.Proceed : PolicyDecision.Refuse(problem.Value);
    }

    /// <summary>
    /// The first thing wrong with the certificate, as an error ID, or null when it is valid for the
    /// name. Validity dates first (the plainest fix), then trust, then the name, like the probe's verdict.
    /// </summary>
    public static SmtpSendErrorId? CertificateProblem(SmtpCertificateInfo? certificate)
    {
        if (certificate is null)
        {
            return SmtpSendErrorId.CertificateUntrusted;
        }

        if (certificate.IsExpired || certificate.IsNotYetValid)
        {
            return SmtpSendErrorId.CertificateExpired;
        }

        if (!certificate.ChainValid)
        {
            return SmtpSendErrorId.CertificateUntrusted;
        }

        return certificate.HostnameMatch == false ? SmtpSendErrorId.CertificateNameMismatch : null;
    }
}
