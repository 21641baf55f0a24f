using System.Threading.Tasks;
using SmtpTls.Dns;
using SmtpTls.Tests.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns.Dnssec;

/// <summary>What the validator says when it cannot validate: NotValidated with a reason, never an exception or a hang.</summary>
[Trait("Against", "Scripted")]
public class DnssecValidatorFailureTests
{
    [Fact]
    public async Task ARefusingResolver_GivesNotValidated_LookupFailed()
    {
        using var server = FakeDnsServer.Answering(5, authenticData: true);
        var validator = new SmtpDnssecValidator(new SmtpDnsResolver(server.Endpoint), SmtpDnssecTrustAnchor.IanaRoot);

        var answer = await validator.QueryAsync("_25._tcp.mx.example.net", "TLSA");

        Assert.Equal("NotValidated", answer.State);
        Assert.Equal("LookupFailed", answer.Reason);
    }

    [Fact]
    public async Task GarbageAndSilence_GiveNotValidated_WithinTheTimeout()
    {
        using var garbage = FakeDnsServer.Garbage();
        using var silent = FakeDnsServer.Silent();
        foreach (var server in new[] { garbage, silent })
        {
            var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions { Server = server.Endpoint, Timeout = System.TimeSpan.FromMilliseconds(300), Retries = 0 });
            var answer = await new SmtpDnssecValidator(resolver, SmtpDnssecTrustAnchor.IanaRoot).QueryAsync("example.net", "MX");
            Assert.Equal("NotValidated", answer.State);
            Assert.Equal("LookupFailed", answer.Reason);
        }
    }

    [Fact]
    public async Task AResolverThatPassesNoDnssecRecords_GivesNotValidated_NotBogus()
    {
        // NOERROR without DNSKEY or RRSIG for the root: a resolver that strips DNSSEC data, not a broken chain.
        using var server = FakeDnsServer.Answering(0, authenticData: false);
        var answer = await new SmtpDnssecValidator(new SmtpDnsResolver(server.Endpoint), SmtpDnssecTrustAnchor.IanaRoot).QueryAsync("mx.example.net", "A");

        Assert.Equal("NotValidated", answer.State);
        Assert.Equal("LookupFailed", answer.Reason);
        Assert.Contains("passes no DNSSEC data", answer.Detail);
        Assert.Equal("Ok", answer.DnsStatus);
    }

    [Fact]
    public async Task TheQueryLimit_StopsValidation_WithLimitReached()
    {
        using var server = FakeDnsServer.Answering(0, authenticData: false);
        var client = new SmtpTls.Dns.Dnssec.DnssecQueryClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, server.Port), System.TimeSpan.FromSeconds(2), 0);
        var validator = new SmtpTls.Dns.Dnssec.DnssecValidator(client, SmtpDnssecTrustAnchor.IanaRoot, maxQueries: 1);

        var answer = await validator.QueryAsync(SmtpTls.Dns.Dnssec.WireName.Parse("mx.example.net"), SmtpTls.Dns.Dnssec.RecordType.A, default);

        Assert.Equal(SmtpTls.Dns.Dnssec.DnssecSecurity.Indeterminate, answer.Security);
        Assert.Equal(SmtpTls.Dns.Dnssec.DnssecFailure.LimitReached, answer.Failure);
        Assert.Equal(1, server.QueryCount);
    }
}
