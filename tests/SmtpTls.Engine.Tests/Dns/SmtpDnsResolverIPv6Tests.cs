using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using SmtpTls.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns;

/// <summary>The resolver talking to a dnsmasq that listens on [::1] only.</summary>
[Trait("Against", "Dnsmasq")]
public class SmtpDnsResolverIPv6Tests
{
    [DnsmasqIPv6Fact]
    public async Task Ipv6Server_IsReachedThroughBracketedEndpoint()
    {
        using var server = DnsmasqServer.Start(new DnsTestZone().Add("v6.smtptls.test MX 10 mx.smtptls.test", "mx.smtptls.test A 127.0.0.5"), IPAddress.IPv6Loopback);
        var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions { Server = server.Endpoint, Timeout = TimeSpan.FromSeconds(1), Retries = 0 });

        var result = await resolver.ResolveMailHostsAsync("v6.smtptls.test", AddressFamilyPreference.IPv4);

        Assert.StartsWith("[::1]:", server.Endpoint);
        Assert.Equal(SmtpDomainResolutionStatus.Resolved, result.Status);
        Assert.Equal("127.0.0.5", Assert.Single(result.Targets).Address);
        Assert.All(result.Queries, q => Assert.Equal(server.Endpoint, q.Server));
    }
}
