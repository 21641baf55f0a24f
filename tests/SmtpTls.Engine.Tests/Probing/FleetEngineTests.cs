using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Probing;
using SmtpTls.Smtp;
using Xunit;

namespace SmtpTls.Tests.Probing;

/// <summary>
/// The engine parts of fleet checks: the plan a domain's DNS resolution turns into, and the cost
/// savings of the probe (one chain build shared with the handshake, duplicated certificate handles,
/// peeked STARTTLS reply) giving exactly the verdicts the slower way gives.
/// </summary>
[Trait("Against", "Scripted")]
public class FleetEngineTests
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo De = CultureInfo.GetCultureInfo("de-DE");

    private static SmtpMailHost Host(string name, int preference, params string[] addresses) =>
        addresses.Length > 0
            ? new SmtpMailHost(name, preference, false, SmtpDnsStatus.Ok, null, addresses, null, null)
            : new SmtpMailHost(name, preference, false, SmtpDnsStatus.NxDomain, null, null, null, name + " does not exist (NXDOMAIN).");

    private static SmtpDomainResolution Resolution(SmtpDomainResolutionStatus status, params SmtpMailHost[] hosts)
    {
        var targets = hosts.SelectMany(h => h.Addresses.Select(a => new SmtpMailTarget("example.test", h.Name, h.Preference, a, a.Contains(':') ? SmtpAddressFamily.IPv6 : SmtpAddressFamily.IPv4, h.IsImplicitMx)));
        var queries = new[] { new SmtpDnsQuery("example.test", "MX", status == SmtpDomainResolutionStatus.ServerFailure ? SmtpDnsStatus.ServerFailure : SmtpDnsStatus.Ok, 0, false, hosts.Length, "127.0.0.1:53", TimeSpan.FromMilliseconds(1), status == SmtpDomainResolutionStatus.ServerFailure ? "127.0.0.1:53 answered SERVFAIL" : null) };
        return new SmtpDomainResolution("example.test", "example.test", AddressFamilyPreference.Any, status, hosts, targets, null, queries, status.ToString());
    }

    [Fact]
    public void DomainPlan_ChecksEveryAddressInMxOrder_AndReportsAnMxWithoutAddress()
    {
        var resolution = Resolution(
            SmtpDomainResolutionStatus.PartiallyResolved,
            Host("mx1.example.test", 10, "192.0.2.1", "2001:db8::1"),
            Host("gone.example.test", 15),
            Host("mx2.example.test", 20, "192.0.2.2"));

        var plan = SmtpTlsDomainPlan.Create(resolution, 2525, SmtpTlsMode.Auto, En);

        Assert.Equal(4, plan.Count);
        Assert.Equal(new[] { "192.0.2.1", "2001:db8::1" }, plan.Take(2).Select(i => i.Target!.Address));
        var gone = plan[2].Result!;
        Assert.Null(plan[2].Target);
        Assert.Equal("Error", gone.Status);
        Assert.Equal("gone.example.test", gone.MxHost);
        Assert.Equal(15, gone.MxPreference);
        Assert.Equal("example.test", gone.Domain);
        Assert.Equal(2525, gone.Port);
        Assert.Equal(nameof(SmtpTlsFindingId.MxNoAddress), Assert.Single(gone.Findings).Id);
        Assert.Contains("NXDOMAIN", gone.Findings[0].Message);
        Assert.Equal("mx2.example.test", plan[3].Target!.MxHost);
    }

    [Theory]
    [InlineData(SmtpDomainResolutionStatus.NxDomain, nameof(SmtpTlsFindingId.DomainNotFound), "Error")]
    [InlineData(SmtpDomainResolutionStatus.NullMx, nameof(SmtpTlsFindingId.DomainNullMx), "Info")]
    [InlineData(SmtpDomainResolutionStatus.NoMailHosts, nameof(SmtpTlsFindingId.DomainNoMailHosts), "Error")]
    [InlineData(SmtpDomainResolutionStatus.ServerFailure, nameof(SmtpTlsFindingId.DnsFailure), "Error")]
    [InlineData(SmtpDomainResolutionStatus.Timeout, nameof(SmtpTlsFindingId.DnsFailure), "Error")]
    [InlineData(SmtpDomainResolutionStatus.InvalidName, nameof(SmtpTlsFindingId.InvalidTarget), "Error")]
    public void DomainPlan_WithoutHosts_IsOneErrorResultForTheDomain(SmtpDomainResolutionStatus status, string finding, string severity)
    {
        var plan = SmtpTlsDomainPlan.Create(Resolution(status), null, SmtpTlsMode.Implicit, En);

        var result = Assert.Single(plan).Result!;
        Assert.Equal("Error", result.Status);
        Assert.Equal("example.test", result.Server);
        Assert.Equal("example.test", result.Domain);
        Assert.Null(result.MxHost);
        Assert.Equal(465, result.Port);
        Assert.Equal("Implicit", result.TlsMode);
        Assert.False(result.Connected);
        var only = Assert.Single(result.Findings);
        Assert.Equal(finding, only.Id);
        Assert.Equal(severity, only.Severity);
        Assert.NotEmpty(result.Transcript);
    }

    [Fact]
    public void DomainPlan_SpeaksGerman()
    {
        var result = SmtpTlsDomainPlan.Create(Resolution(SmtpDomainResolutionStatus.ServerFailure), 25, SmtpTlsMode.Auto, De)[0].Result!;
        Assert.Contains("SERVFAIL", result.Findings[0].Message);
        Assert.Contains("fehlgeschlagen", result.Findings[0].Message);
    }

    [Fact]
    public async Task MailTarget_IsCopiedIntoTheResult()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var target = new SmtpMailTarget("example.test", "mx.test.example", 10, "127.0.0.1", SmtpAddressFamily.IPv4, false);
        var options = new SmtpTlsProbeOptions("127.0.0.1")
        {
            Port = server.Port,
            ServerName = "mx.test.example",
            TrustAnchors = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate }),
            MailTarget = target,
            Culture = En,
        };

        var result = await SmtpTlsProbe.ProbeAsync(options);

        Assert.Equal("Passed", result.Status);
        Assert.Equal("example.test", result.Domain);
        Assert.Equal("mx.test.example", result.MxHost);
        Assert.Equal(10, result.MxPreference);
        Assert.Equal("IPv4", result.AddressFamily);
        Assert.False(result.IsImplicitMx);
    }

    [Fact]
    public async Task HostResolver_ReplacesTheSystemResolver_AndItsFailureIsAFinding()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var asked = 0;
        var options = new SmtpTlsProbeOptions("mx.test.example:" + server.Port)
        {
            TrustAnchors = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate }),
            HostResolver = (name, _) =>
            {
                Interlocked.Increment(ref asked);
                return Task.FromResult<System.Collections.Generic.IReadOnlyList<IPAddress>>(new[] { IPAddress.IPv6Loopback, IPAddress.Loopback });
            },
            AddressFamily = AddressFamilyPreference.IPv4,
            Culture = En,
        };

        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal(1, asked);
        Assert.Equal("Passed", result.Status);
        Assert.Equal("127.0.0.1", result.Address);

        options.HostResolver = (name, _) => throw new InvalidOperationException(name + " does not exist (NXDOMAIN).");
        var failed = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal("Error", failed.Status);
        Assert.Contains("NXDOMAIN", Assert.Single(failed.Findings).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheChainBuiltInTheHandshake_GivesTheVerdictOfASeparateBuild(bool withAnchor)
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var anchors = withAnchor ? TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate }) : null;
        var result = await SmtpTlsProbe.ProbeAsync(new SmtpTlsProbeOptions(server.Endpoint) { ServerName = "mx.test.example", TrustAnchors = anchors, Culture = En });

        var separate = CertificateAnalyzer.Analyze(result.GetPresentedCertificates(), "mx.test.example", anchors, DateTimeOffset.UtcNow, culture: En);
        var shared = result.Certificate!;
        Assert.Equal(separate.ChainValid, shared.ChainValid);
        Assert.Equal(withAnchor, shared.ChainValid);
        Assert.Equal(separate.ChainStatus, shared.ChainStatus);
        Assert.Equal(separate.Chain!.Select(e => e.Thumbprint + " " + e.Source), shared.Chain!.Select(e => e.Thumbprint + " " + e.Source));
        Assert.Equal(separate.IncompleteChain, shared.IncompleteChain);

        // The certificates are handles of their own: usable after the connection and its SslStream are gone.
        Assert.Equal(ScriptedSmtpServer.Certificate.RawData, result.GetPresentedCertificates()[0].RawData);
    }

    [Fact]
    public async Task ACertificateWithoutServerAuthentication_IsJudgedAsBefore_NotByTheHandshakesUsageCheck()
    {
        // SslStream asks its chain for the server-authentication usage; the analysis does not require it.
        using var certificate = SelfSigned("mx.test.example", "1.3.6.1.5.5.7.3.2");
        await using var server = new ImplicitTlsServer(certificate);
        var result = await SmtpTlsProbe.ProbeAsync(new SmtpTlsProbeOptions("127.0.0.1")
        {
            Port = server.Port,
            TlsMode = SmtpTlsMode.Implicit,
            ServerName = "mx.test.example",
            TrustAnchors = TrustAnchors.FromCertificates(new[] { certificate }),
            Culture = En,
        });

        Assert.True(result.Status == "Passed", string.Join("; ", result.Findings.Select(f => f.ToString())));
        Assert.True(result.Certificate!.ChainValid);
        Assert.DoesNotContain(result.Certificate.ChainStatus, s => s.StartsWith("NotValidForUsage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStartTlsReplyIsReadWhole_AndNothingAfterItLeavesTheSocket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            // A two-line reply and, in the same segment, three bytes that belong to whatever comes next.
            var bytes = Encoding.ASCII.GetBytes("220-Ready\r\n220 2.0.0 Ready to start TLS\r\n\u0016\u0003\u0001");
            await stream.WriteAsync(bytes);
            written.SetResult();
            await Task.Delay(2000);
        });

        using var connection = await SmtpConnection.ConnectAsync(IPAddress.Loopback, port, TimeSpan.FromSeconds(5), null, CancellationToken.None);
        // Every byte is on the client's side before the first read, however slow the machine is:
        // otherwise a late write would let the test pass without reading past the reply at all.
        await written.Task;
        var reply = await connection.ReadReplyAsync(CancellationToken.None, exact: true);
        Assert.Equal(220, reply.Code);
        Assert.Equal(2, reply.Lines.Count);
        Assert.Equal(0, connection.Reader.Buffered);

        var rest = new byte[8];
        var read = await connection.Stream.ReadAsync(rest, 0, rest.Length);
        Assert.Equal(new byte[] { 0x16, 0x03, 0x01 }, rest.Take(read).ToArray());
        connection.Abort();
        await serve;
    }

    private static X509Certificate2 SelfSigned(string name, string usage)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(usage) }, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>An implicit-TLS SMTP server with a certificate of the test's choice: greeting, EHLO, QUIT.</summary>
    private sealed class ImplicitTlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serve;

        public ImplicitTlsServer(X509Certificate2 certificate)
        {
            _listener.Start();
            _serve = ServeAsync(certificate);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await Task.WhenAny(_serve, Task.Delay(2000));
        }

        private async Task ServeAsync(X509Certificate2 certificate)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                using var ssl = new SslStream(client.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                using var reader = new StreamReader(ssl, Encoding.ASCII);
                async Task Say(string line) => await ssl.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
                await Say("220 mx.test.example ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
                    {
                        await Say("221 Bye");
                        return;
                    }

                    await Say(line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase) ? "250 mx.test.example" : "502 no");
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
            }
        }
    }
}
