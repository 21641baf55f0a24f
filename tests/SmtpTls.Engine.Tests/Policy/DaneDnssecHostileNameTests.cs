using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using SmtpTls.Dns;
using SmtpTls.Dns.Dnssec;
using SmtpTls.Policy;
using SmtpTls.Tests.Dns;
using Xunit;

namespace SmtpTls.Tests.Policy;

/// <summary>An MX host name from DNS that has no valid TLSA name is that host's NotValidated reason, not an exception that loses the domain's policy.</summary>
[Trait("Against", "Scripted")]
public class DaneDnssecHostileNameTests
{
    [Fact]
    public async Task AnMxHostNear255Bytes_GivesNotValidated_LookupFailed_WithoutAnException()
    {
        // 4 x 62 letters: a legal 253-character host name, whose "_25._tcp." TLSA name is longer than DNS allows.
        var label = new string('a', 62);
        var mxHost = string.Join(".", Enumerable.Repeat(label, 4)) + ".x";
        Assert.Equal(253, mxHost.Length);
        using var server = FakeDnsServer.Answering(5, authenticData: false);
        var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions { Server = server.Endpoint, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 });
        var options = new DomainPolicyOptions(resolver);
        var validator = new DnssecValidator(new DnssecQueryClient(System.Net.IPEndPoint.Parse(server.Endpoint), TimeSpan.FromMilliseconds(500), 0), SmtpDnssecTrustAnchor.IanaRoot);

        var result = await DaneCheck.CheckAsync("example.net", mxHost, 25, Array.Empty<MxEndpoint>(), options, validator, DateTimeOffset.UtcNow, CultureInfo.InvariantCulture, default);

        Assert.Equal("NotValidated", result.Dnssec);
        Assert.Equal("LookupFailed", result.DnssecReason);
        Assert.Contains("_25._tcp.", result.DnssecDetail);
        Assert.Equal("NotValidated", result.AddressDnssec);
        Assert.Equal(0, validator.QueriesAsked);
    }

    [Fact]
    public async Task AnMxHostWithAControlCharacter_IsShownEscapedInTheDetail()
    {
        using var server = FakeDnsServer.Answering(5, authenticData: false);
        var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions { Server = server.Endpoint, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 });
        var validator = new DnssecValidator(new DnssecQueryClient(System.Net.IPEndPoint.Parse(server.Endpoint), TimeSpan.FromMilliseconds(500), 0), SmtpDnssecTrustAnchor.IanaRoot);
        var host = new SmtpDaneHostResult { MxHost = "mx\u001b[31m.example.net", Port = 25, TlsaName = "_25._tcp.mx\u001b[31m.example.net" };

        var answer = await DaneDnssec.ValidateHostAsync(validator, host, default);

        Assert.Equal(DnssecSecurity.Indeterminate, answer.Security);
        Assert.DoesNotContain('\u001b', host.DnssecDetail);
        Assert.Equal(0, validator.QueriesAsked);
    }
}
