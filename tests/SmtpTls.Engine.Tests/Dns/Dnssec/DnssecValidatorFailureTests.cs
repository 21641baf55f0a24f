using System.Threading.Tasks;
using SmtpTls.Dns;
using SmtpTls.Tests.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns.Dnssec;

/// <summary>What the validator says when it cannot validate: NotValidated with a reason, never an exception or a hang.</summary>
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
}
