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
        options.LocalCertificateSelectionCallback = (_, _, local, remote, issuers) =>
        {
            // SslStream calls this once the server's CertificateRequest has arrived (remote is then known).
            if (remote is not null)
            {
                CertificateRequested = true;
                AcceptableIssuers = issuers ?? System.Array.Empty<string>();
            }

            var candidates = local ?? configured;
            return candidates is { Count: > 0 } ? candidates[0] : null!;
        };
        return options;
    }
#endif
}
