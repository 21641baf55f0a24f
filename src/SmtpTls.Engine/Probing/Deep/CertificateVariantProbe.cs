using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// The certificates a server holds for different clients: TLS 1.2 hellos that allow only RSA, only
/// ECDSA or only EdDSA signatures, and one without SNI. TLS 1.2 sends the Certificate message in the
/// clear; a TLS 1.3-only server hides it, and then only the main handshake's certificate is known.
/// </summary>
internal static class CertificateVariantProbe
{
    private static readonly ushort[] RsaSignatures = { 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201 };
    private static readonly ushort[] EcdsaSignatures = { 0x0403, 0x0503, 0x0603, 0x0203 };
    private static readonly ushort[] EdDsaSignatures = { 0x0807, 0x0808 };

    /// <summary>Asks for a certificate per key type (RSA, ECDSA, EdDSA) and with and without SNI.</summary>
    /// <returns>The certificates found, how many distinct ones, and whether SNI changes which one is sent (null: not found out).</returns>
    public static async Task<(SmtpTlsCertificateVariant[] Variants, int Distinct, bool? SniChanges)> ScanAsync(DeepProbeContext context)
    {
        var tls12 = CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls12);
        ushort[] WithAuthentication(string authentication) => tls12.Where(c => CipherSuiteCatalog.Find(c)!.Authentication == authentication).ToArray();

        var requests = new List<(string Name, TlsHelloSpec Spec)>
        {
            ("Rsa", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { CipherSuites = WithAuthentication("RSA"), SignatureAlgorithms = RsaSignatures, ServerName = context.ServerName }),
            ("Ecdsa", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { CipherSuites = WithAuthentication("ECDSA"), SignatureAlgorithms = EcdsaSignatures, ServerName = context.ServerName }),
            ("EdDsa", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { CipherSuites = WithAuthentication("ECDSA"), SignatureAlgorithms = EdDsaSignatures, ServerName = context.ServerName }),
        };
        var hasName = !string.IsNullOrEmpty(context.ServerName) && !System.Net.IPAddress.TryParse(context.ServerName, out _);
        if (hasName)
        {
            requests.Add(("NoSni", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { ServerName = null }));
            requests.Add(("Sni", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { ServerName = context.ServerName }));
        }

        var flights = await Task.WhenAll(requests.Select(r => context.ExchangeAsync("certificate " + r.Name, r.Spec))).ConfigureAwait(false);
        var variants = new List<SmtpTlsCertificateVariant>();
        string? sni = null, noSni = null;
        for (var i = 0; i < requests.Count; i++)
        {
            var flight = flights[i];
            if (flight.Hello.Kind != TlsHelloAnswerKind.ServerHello || flight.Certificates.Count == 0)
            {
                continue;
            }

            var variant = Describe(requests[i].Name, flight.Certificates[0]);
            if (variant is null)
            {
                context.Note("certificate " + requests[i].Name + ": the leaf certificate could not be read.");
                continue;
            }

            switch (requests[i].Name)
            {
                case "Sni":
                    sni = variant.Thumbprint;
                    continue;
                case "NoSni":
                    noSni = variant.Thumbprint;
                    break;
            }

            variants.Add(variant);
        }

        if (variants.Count == 0)
        {
            context.Note("certificates: no TLS 1.2 handshake showed a certificate (TLS 1.3 encrypts it).");
        }

        var distinct = variants.Select(v => v.Thumbprint).Distinct().Count();
        bool? sniChanges = sni is not null && noSni is not null ? sni != noSni : null;
        return (variants.ToArray(), distinct, sniChanges);
    }

    private static SmtpTlsCertificateVariant? Describe(string requestedWith, byte[] der)
    {
        try
        {
            using var certificate = new X509Certificate2(der);
            var (algorithm, size, _) = CertificateFacts.Key(certificate);
            return new SmtpTlsCertificateVariant(requestedWith, certificate.Thumbprint, certificate.Subject, certificate.Issuer, certificate.NotAfter.ToUniversalTime(), algorithm, size);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
