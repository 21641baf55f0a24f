using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// The chain a TLS server really sends: a loopback server presents the leaf and its intermediates,
/// a plain SslStream client records what crossed the wire (the leaf and the extra certificates of
/// the handshake), the way the probe receives an MX host's chain. Cached per leaf and chain.
/// </summary>
internal static class PresentedChainCapture
{
    private static readonly ConcurrentDictionary<string, X509Certificate2[]> Cache = new();

    public static X509Certificate2[] Capture(X509Certificate2 leaf, params X509Certificate2[] intermediates)
    {
        var key = string.Join("/", new[] { leaf }.Concat(intermediates).Select(c => c.Thumbprint));
        return Cache.GetOrAdd(key, _ => CaptureAsync(leaf, intermediates).GetAwaiter().GetResult());
    }

    private static async Task<X509Certificate2[]> CaptureAsync(X509Certificate2 leaf, X509Certificate2[] intermediates)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var context = SslStreamCertificateContext.Create(leaf, new X509Certificate2Collection(intermediates), offline: true);
        var serve = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            using var server = new SslStream(accepted.GetStream());
            await server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context });
        });

        var seen = new List<X509Certificate2>();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            using var ssl = new SslStream(client.GetStream(), false, (_, certificate, chain, _) =>
            {
                // The chain object is reused after the callback: copy the certificates out. Its extra
                // store holds everything the server sent.
                var presentedLeaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                seen.Add(presentedLeaf);
                seen.AddRange(chain!.ChainPolicy.ExtraStore.Cast<X509Certificate2>()
                    .Where(c => c.Thumbprint != presentedLeaf.Thumbprint)
                    .Select(c => X509CertificateLoader.LoadCertificate(c.RawData)));
                return true;
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = leaf.GetNameInfo(X509NameType.DnsName, false), AllowTlsResume = false });
        }

        await serve;
        if (seen.Count == 0)
        {
            throw new InvalidOperationException("The handshake presented no certificate.");
        }

        return seen.ToArray();
    }
}
