using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// MailKit's SmtpClient with one addition: it notes whether the server asked for a TLS client
/// certificate during the handshake, and which certificate authorities it named, by wrapping the
/// handshake's certificate selection callback (.NET 8 and later; on .NET Framework the question stays open).
/// </summary>
internal sealed class ClientCertificateRecorder : SmtpClient
{
    /// <summary>A MailKit client that logs through <paramref name="logger"/>.</summary>
    public ClientCertificateRecorder(IProtocolLogger logger)
        : base(logger)
    {
    }

    /// <summary>True once the server has sent a CertificateRequest; null where the platform does not say.</summary>
    public bool? CertificateRequested { get; private set; }

    /// <summary>The distinguished names of the CAs the server named in its request (may be empty).</summary>
    public string[] AcceptableIssuers { get; private set; } = System.Array.Empty<string>();

#if NET8_0_OR_GREATER
    protected override SslClientAuthenticationOptions GetSslClientAuthenticationOptions(string host, RemoteCertificateValidationCallback remoteCertificateValidationCallback)
    {
        var options = base.GetSslClientAuthenticationOptions(host, remoteCertificateValidationCallback);
        CertificateRequested = false;
        var configured = options.ClientCertificates;

        // Offered only from the callback: with ClientCertificates set, SslStream on Linux picks the certificate
        // before the handshake and never says whether the server asked for it.
        options.ClientCertificates = null;
        options.LocalCertificateSelectionCallback = (_, _, _, remote, issuers) =>
        {
            // SslStream calls this once the server's CertificateRequest has arrived (remote is then known).
            if (remote is null)
            {
                return null!;
            }

            CertificateRequested = true;
            AcceptableIssuers = issuers ?? System.Array.Empty<string>();
            return configured is { Count: > 0 } ? configured[0] : null!;
        };
        return options;
    }
#endif
}
