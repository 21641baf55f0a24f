using System;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Smtp;
using SmtpTls.Tests.Certificates;
using Xunit;

namespace SmtpTls.Tests.Smtp;

/// <summary>
/// The handshake keeps certificates of its own: after SslStream has disposed its objects (the chain's elements,
/// its leaf) and the handshake has released the extra store SslStream filled, the presented chain and the
/// handshake's chain are alive, are the same instances, and the chain needs no second build.
/// </summary>
[Trait("Against", "Unit")]
public sealed class TlsHandshakeTests
{
    [Fact]
    public async Task Handshake_KeepsLiveCopies_OfWhatTheServerSent()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        var anchors = TrustAnchors.FromCertificates(new[] { root });
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var context = SslStreamCertificateContext.Create(leaf, new X509Certificate2Collection(intermediate), offline: true);

        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
            using var ssl = new SslStream(accepted.GetStream());
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context }, timeout.Token);
            var buffer = new byte[1];
            await ssl.ReadAsync(buffer, timeout.Token);
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        X509Certificate2[] presented;
        BuiltChain? chain;
        using (var session = await TlsHandshake.AuthenticateAsync(client.GetStream(), "mail.smtptls.test", anchors, () => client.Dispose(), TimeSpan.FromSeconds(30), timeout.Token))
        {
            presented = session.PresentedChain;
            chain = session.HandshakeChain;
            // (TestPki's certificates are dated around TestPki.Now: only the time may be wrong, never the chain.)
            Assert.Equal(SslPolicyErrors.None, session.PolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors);
            await session.Stream.WriteAsync(new byte[] { 1 }, timeout.Token);
        }

        await server;

        // SslStream is gone, and with it every object of its own: ours remain.
        Assert.Equal(new[] { leaf.Thumbprint, intermediate.Thumbprint }, presented.Select(c => c.Thumbprint));
        Assert.All(presented, c => Assert.NotEqual(IntPtr.Zero, c.Handle));
        Assert.Equal(leaf.RawData, presented[0].RawData);
        Assert.NotNull(chain);
        Assert.Equal(3, chain!.Elements.Count);
        Assert.Equal(X509ChainStatusFlags.NoError, chain.Flags & ~X509ChainStatusFlags.NotTimeValid);
        Assert.Same(presented[0], chain.Elements[0].Certificate);
        Assert.Same(presented[1], chain.Elements[1].Certificate);
        Assert.Same(root, chain.Elements[2].Certificate);
        Assert.Equal(intermediate.Subject, CertificateFields.Of(presented[1]).Subject);
    }

    [Fact]
    public void ReleaseExtraStore_DisposesAndEmptiesTheStore_ButNotSslStreamsLeaf()
    {
        var (_, intermediate, leaf) = TestPki.Chain();
        using var sslLeaf = new X509Certificate2(leaf);
        var sent = new X509Certificate2(intermediate);
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(sslLeaf);
        chain.ChainPolicy.ExtraStore.Add(sent);

        TlsHandshake.ReleaseExtraStore(chain, sslLeaf);

        Assert.Empty(chain.ChainPolicy.ExtraStore);
        Assert.Equal(IntPtr.Zero, sent.Handle);
        Assert.NotEqual(IntPtr.Zero, sslLeaf.Handle);
    }
}
