using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Dns;
using SmtpTls.Domains;
using SmtpTls.Policy;
using SmtpTls.Probing;
using SmtpTls.Tests.Dns;
using SmtpTls.Tests.Policy;
using SmtpTls.Tests.Probing;
using Xunit;

namespace SmtpTls.Tests.Domains;

/// <summary>
/// The domain check as a plain C# program uses it: the test DNS (dnsmasq) names the MX hosts, a scripted
/// SMTP server on loopback answers for them, and the policy world serves MTA-STS; no PowerShell anywhere.
/// </summary>
[Trait("Against", "Dnsmasq")]
public class SmtpTlsDomainCheckTests : IClassFixture<PolicyTestWorld>
{
    private static readonly TrustAnchors ServerAnchor = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate });

    private readonly PolicyTestWorld _world;

    public SmtpTlsDomainCheckTests(PolicyTestWorld world)
    {
        _world = world;
    }

    private SmtpTlsDomainCheckOptions Options(ScriptedSmtpServer server, bool policy)
    {
        var policyOptions = _world.Options();
        return new SmtpTlsDomainCheckOptions(policyOptions.Resolver)
        {
            Probe =
            {
                Port = server.Port,
                TlsMode = SmtpTlsMode.StartTls,
                TrustAnchors = ServerAnchor,
                Timeout = TimeSpan.FromSeconds(10),
                Culture = CultureInfo.GetCultureInfo("en-US"),
                AddressFamily = AddressFamilyPreference.IPv4,
            },
            Policy = policy ? policyOptions : null,
        };
    }

    [DnsmasqFact]
    public async Task CheckAsync_ChecksTheMxAddress_AndAttachesThePolicyVerdictMadeFromWhatItPresented()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var domain = PolicyTestWorld.Domain("good");
        var options = Options(server, policy: true);

        var checkedDomain = await SmtpTlsDomainCheck.CheckAsync(domain, options, CancellationToken.None);

        var result = Assert.Single(checkedDomain.Results);
        Assert.Equal(domain, checkedDomain.Domain);
        Assert.Equal(domain, result.Domain);
        Assert.Equal("mx." + domain, result.MxHost);
        Assert.Equal("127.0.0.1", result.Address);
        Assert.Equal(server.Port, result.Port);
        Assert.True(result.TlsEstablished);
        Assert.Equal(ScriptedSmtpServer.Certificate.Thumbprint, result.Certificate!.Thumbprint);

        Assert.Null(checkedDomain.PolicyError);
        var policy = Assert.IsType<SmtpDomainPolicyResult>(checkedDomain.Policy);
        Assert.Same(policy, result.Policy);
        Assert.Equal(domain, policy.Domain);
        Assert.Equal("Valid", policy.MtaSts.Status);

        // The verdict is the policy checker's own, for the certificate the probe was really shown.
        var presented = new[] { new PresentedMxCertificate(result.MxHost!, result.Certificate, result.Address, result.Port) };
        var direct = await DomainPolicyChecker.CheckAsync(domain, presented, _world.Options(), CancellationToken.None);
        Assert.Equal(direct.Status, policy.Status);
        Assert.Equal(direct.Findings.Select(f => f.Id + " " + f.Target), policy.Findings.Select(f => f.Id + " " + f.Target));
        Assert.NotEmpty(policy.Findings);
    }

    [DnsmasqFact]
    public async Task WithoutPolicy_NothingIsAttached_AndADomainThatDoesNotExistIsOneErrorResult()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server, policy: false);

        var good = await SmtpTlsDomainCheck.CheckAsync(PolicyTestWorld.Domain("good"), options, CancellationToken.None);
        var missing = await SmtpTlsDomainCheck.PrepareAsync(PolicyTestWorld.Domain("no-such-domain"), options, CancellationToken.None);

        Assert.Null(Assert.Single(good.Results).Policy);
        Assert.Null(good.Policy);
        Assert.False(missing.IncludesPolicy);
        var target = Assert.Single(missing.Targets);
        Assert.Null(target.Options);
        var result = await target.ProbeAsync(CancellationToken.None);
        Assert.Same(target.Result, result);
        Assert.Equal("Error", result.Status);
        Assert.Equal(nameof(SmtpTlsFindingId.DomainNotFound), Assert.Single(result.Findings).Id);
        Assert.Equal(1, server.Connections);
    }

    [DnsmasqFact]
    public async Task SharedLimiterAndEndpoints_OneCheckServesEveryDomainOnTheSameEndpoint_EachWithItsOwnPolicy()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server, policy: true);
        options.Probe.ServerName = "mx.test.example";
        options.Probe.AddressLimiter = new SmtpAddressLimiter(1, TimeSpan.Zero);
        options.SharedEndpoints = new SharedEndpointChecks();
        var first = PolicyTestWorld.Domain("good");
        var second = PolicyTestWorld.Domain("wildcard");

        var one = await SmtpTlsDomainCheck.CheckAsync(first, options, CancellationToken.None);
        var connections = server.Connections;
        var two = await SmtpTlsDomainCheck.CheckAsync(second, options, CancellationToken.None);

        Assert.Equal(connections, server.Connections);
        Assert.Equal(1, options.SharedEndpoints.Count);
        var reused = Assert.Single(two.Results);
        Assert.Equal(first, reused.ReusedFrom);
        Assert.Equal(second, reused.Domain);
        Assert.Equal("mx." + second, reused.MxHost);
        Assert.Null(Assert.Single(one.Results).ReusedFrom);
        Assert.Equal(first, one.Results[0].Policy!.Domain);
        Assert.Equal(second, reused.Policy!.Domain);
    }

    [Fact]
    public async Task BadArguments_FailBeforeAnyLookup()
    {
        var options = new SmtpTlsDomainCheckOptions(new SmtpDnsResolver("127.0.0.1:9"));

        await Assert.ThrowsAsync<ArgumentException>(() => SmtpTlsDomainCheck.CheckAsync(" ", options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => SmtpTlsDomainCheck.CheckAsync("example.test", null!));
        Assert.Throws<ArgumentNullException>(() => options.Probe = null!);
        Assert.Throws<ArgumentNullException>(() => new SmtpTlsDomainCheckOptions(null!));
    }
}
