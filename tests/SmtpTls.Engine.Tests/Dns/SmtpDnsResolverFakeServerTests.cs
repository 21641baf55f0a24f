using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns;
using Xunit;
using Xunit.Abstractions;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// The resolver against a scripted loopback responder: the AD bit, response codes, silence,
/// garbage and cancellation, which a real dnsmasq does not produce on demand.
/// </summary>
[Trait("Against", "Scripted")]
public class SmtpDnsResolverFakeServerTests
{
    private readonly ITestOutputHelper _output;

    public SmtpDnsResolverFakeServerTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static SmtpDnsResolver ResolverFor(string endpoint, int timeoutMs = 2000, int retries = 0) =>
        new(new SmtpDnsResolverOptions { Server = endpoint, Timeout = TimeSpan.FromMilliseconds(timeoutMs), Retries = retries, UseCache = false });

    [Fact]
    public async Task AdBit_FromTheResponseIsReported()
    {
        using var server = FakeDnsServer.Answering(responseCode: 0, authenticData: true);
        var resolver = ResolverFor(server.Endpoint);

        var host = await resolver.ResolveHostAsync("signed.example", AddressFamilyPreference.IPv4);

        Assert.Equal(SmtpDnsStatus.Ok, host.Status);
        Assert.Equal(new[] { "127.0.0.7" }, host.Addresses);
        var query = Assert.Single(host.Queries);
        Assert.True(query.AuthenticatedData);
        Assert.True(host.IsAuthenticated);
        Assert.Equal(server.Endpoint, query.Server);
    }

    [Fact]
    public async Task AdBit_ClearIsReportedAsNotAuthenticated()
    {
        using var server = FakeDnsServer.Answering(responseCode: 0, authenticData: false);

        var host = await ResolverFor(server.Endpoint).ResolveHostAsync("unsigned.example", AddressFamilyPreference.IPv4);

        Assert.False(Assert.Single(host.Queries).AuthenticatedData);
        Assert.False(host.IsAuthenticated);
    }

    [Theory]
    [InlineData(5, SmtpDnsStatus.Refused, SmtpDomainResolutionStatus.Refused)]
    [InlineData(2, SmtpDnsStatus.ServerFailure, SmtpDomainResolutionStatus.ServerFailure)]
    [InlineData(1, SmtpDnsStatus.Error, SmtpDomainResolutionStatus.Error)]
    [InlineData(4, SmtpDnsStatus.Error, SmtpDomainResolutionStatus.Error)]
    public async Task ResponseCodes_BecomeStatusesNotExceptions(int rcode, SmtpDnsStatus queryStatus, SmtpDomainResolutionStatus domainStatus)
    {
        using var server = FakeDnsServer.Answering(rcode, authenticData: false);

        var result = await ResolverFor(server.Endpoint).ResolveMailHostsAsync("example.net");

        Assert.Equal(domainStatus, result.Status);
        var query = Assert.Single(result.Queries);
        Assert.Equal(queryStatus, query.Status);
        Assert.Equal(rcode, query.ResponseCode);
        Assert.NotNull(query.Error);
        Assert.Null(result.AcceptsMail);
        Assert.Empty(result.Targets);
    }

    [Fact]
    public async Task Silence_IsATimeoutAfterEveryRetry()
    {
        using var server = FakeDnsServer.Silent();
        var resolver = ResolverFor(server.Endpoint, timeoutMs: 500, retries: 1);
        var watch = Stopwatch.StartNew();

        var result = await resolver.ResolveMailHostsAsync("example.net");

        watch.Stop();
        Assert.Equal(SmtpDomainResolutionStatus.Timeout, result.Status);
        var query = Assert.Single(result.Queries);
        Assert.Equal(SmtpDnsStatus.Timeout, query.Status);
        Assert.Null(query.ResponseCode);
        Assert.False(query.AuthenticatedData);
        Assert.Equal(2, server.QueryCount);
        // Two full timeouts waited (lower bound), then it ended (a generous upper bound).
        Assert.InRange(watch.ElapsedMilliseconds, 950, 10_000);
    }

    [Fact]
    public async Task QueriesInFlight_AreCapped()
    {
        using var server = FakeDnsServer.Silent();
        var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions
        {
            Server = server.Endpoint,
            Timeout = TimeSpan.FromMilliseconds(300),
            Retries = 0,
            MaxQueriesInFlight = 2,
        });
        var watch = Stopwatch.StartNew();

        var hosts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => resolver.ResolveHostAsync($"h{i}.example", AddressFamilyPreference.IPv4)));

        // Six silent queries, two at a time: three rounds of one timeout each. Uncapped they would
        // take one round: the lower bound is the check, and load can only make it slower.
        Assert.All(hosts, h => Assert.Equal(SmtpDnsStatus.Timeout, h.Status));
        Assert.Equal(6, server.QueryCount);
        Assert.InRange(watch.ElapsedMilliseconds, 850, 15_000);
    }

    [Fact]
    public async Task Garbage_IsAnErrorNotAnException()
    {
        using var server = FakeDnsServer.Garbage();

        var result = await ResolverFor(server.Endpoint, timeoutMs: 500).ResolveMailHostsAsync("example.net");

        _output.WriteLine($"{result.Status}: {result.Queries[0].Error}");
        Assert.Contains(result.Status, new[] { SmtpDomainResolutionStatus.Error, SmtpDomainResolutionStatus.Timeout });
        Assert.NotNull(Assert.Single(result.Queries).Error);
    }

    [Fact]
    public async Task ClosedPort_IsAStatusNotAnException()
    {
        // Bind and release a port so that nothing listens there.
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }

        var result = await ResolverFor("127.0.0.1:" + port, timeoutMs: 500).ResolveMailHostsAsync("example.net");

        _output.WriteLine($"{result.Status}: {result.Queries[0].Error}");
        Assert.Contains(result.Status, new[] { SmtpDomainResolutionStatus.Error, SmtpDomainResolutionStatus.Timeout });
        Assert.NotNull(Assert.Single(result.Queries).Error);
    }

    [Fact]
    public async Task Cancellation_StopsAWaitingQueryLongBeforeItsTimeout()
    {
        using var server = FakeDnsServer.Silent();
        var resolver = ResolverFor(server.Endpoint, timeoutMs: 10_000, retries: 2);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveMailHostsAsync("example.net", AddressFamilyPreference.Any, cancel.Token));

        // Without cancellation: three 10 s tries. The bound is far below that and far above the 200 ms.
        Assert.InRange(watch.ElapsedMilliseconds, 0, 8_000);
    }

    [Fact]
    public async Task ArgumentsAreCheckedBeforeAnyQuery()
    {
        using var server = FakeDnsServer.Silent();
        var resolver = ResolverFor(server.Endpoint);

        await Assert.ThrowsAsync<ArgumentException>(() => resolver.ResolveMailHostsAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => resolver.ResolveMailHostsAsync("  "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => resolver.ResolveMailHostsAsync("example.net", (AddressFamilyPreference)7));
        await Assert.ThrowsAsync<ArgumentException>(() => resolver.ResolveHostAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => resolver.QueryTxtAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => resolver.QueryTlsaAsync(null!));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveMailHostsAsync("example.net", AddressFamilyPreference.Any, cancelled.Token));
        Assert.Equal(0, server.QueryCount);
    }

    [Fact]
    public async Task InvalidNames_AreResultsAndSendNothing()
    {
        using var server = FakeDnsServer.Silent();
        var resolver = ResolverFor(server.Endpoint);

        var domain = await resolver.ResolveMailHostsAsync("bad..example");
        var txt = await resolver.QueryTxtAsync("exa mple.net");
        var tlsa = await resolver.QueryTlsaAsync("192.0.2.1");
        var host = await resolver.ResolveHostAsync("a..b");

        Assert.Equal(SmtpDomainResolutionStatus.InvalidName, domain.Status);
        Assert.Contains("empty label", domain.Detail);
        Assert.Empty(domain.Queries);
        Assert.Equal(SmtpDnsStatus.InvalidName, txt.Status);
        Assert.Equal(SmtpDnsStatus.InvalidName, tlsa.Status);
        Assert.Equal(SmtpDnsStatus.InvalidName, host.Status);
        Assert.Equal(0, server.QueryCount);
    }

    [Fact]
    public void Resolver_ReportsTheExplicitServer()
    {
        var resolver = new SmtpDnsResolver("[::1]:5353");

        Assert.False(resolver.UsesSystemResolver);
        Assert.Equal(new[] { "[::1]:5353" }, resolver.Servers);
    }
}
