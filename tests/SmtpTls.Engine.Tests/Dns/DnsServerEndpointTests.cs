using System;
using System.Net;
using SmtpTls.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns;

[Trait("Against", "Unit")]
public class DnsServerEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("  192.0.2.10:1  ", "192.0.2.10", 1)]
    [InlineData("10.0.0.1:65535", "10.0.0.1", 65535)]
    [InlineData("::1", "::1", 53)]
    [InlineData("[::1]", "::1", 53)]
    [InlineData("[::1]:5353", "::1", 5353)]
    [InlineData("2001:db8::53", "2001:db8::53", 53)]
    [InlineData("[2001:DB8::53]:853", "2001:db8::53", 853)]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1", 53)]
    public void Parse_AcceptsAddressesWithOptionalPort(string text, string address, int port)
    {
        var endpoint = DnsServerEndpoint.Parse(text);

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("127.0.0.1:5353", "127.0.0.1:5353")]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    public void ToString_WritesTheFormParseReadsBack(string text, string expected)
    {
        var endpoint = DnsServerEndpoint.Parse(text);

        Assert.Equal(expected, endpoint.ToString());
        Assert.Equal(endpoint, DnsServerEndpoint.Parse(endpoint.ToString()));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("dns.example", "is a name")]
    [InlineData("dns.example:53", "is a name")]
    [InlineData("localhost", "is a name")]
    [InlineData("127.0.0.1:0", "port")]
    [InlineData("127.0.0.1:65536", "port")]
    [InlineData("127.0.0.1:", "port")]
    [InlineData("127.0.0.1:53x", "port")]
    [InlineData("127.0.0.1:-1", "port")]
    [InlineData("127.1", "dotted")]
    [InlineData("1", "dotted")]
    [InlineData("256.0.0.1", "dotted")]
    [InlineData("1.2.3.4.5", "dotted")]
    [InlineData("[::1", "does not close")]
    [InlineData("[::1]x", "after the IPv6")]
    [InlineData("[::1]:", "after the IPv6")]
    [InlineData("[127.0.0.1]:53", "not an IPv6")]
    [InlineData("[]:53", "not an IPv6")]
    [InlineData("2001:db8::zz", "not an IPv6")]
    public void TryParse_RejectsWithAReason(string text, string reasonPart)
    {
        Assert.False(DnsServerEndpoint.TryParse(text, out var endpoint, out var error));
        Assert.Null(endpoint);
        Assert.Contains(reasonPart, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_ThrowsArgumentExceptionWithTheReason()
    {
        var exception = Assert.Throws<ArgumentException>(() => DnsServerEndpoint.Parse("mail.example:53"));
        Assert.Contains("is a name", exception.Message);
        Assert.Equal("text", exception.ParamName);
        Assert.Throws<ArgumentNullException>(() => DnsServerEndpoint.Parse(null!));
    }

    [Fact]
    public void Constructor_ChecksPortAndAddress()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsServerEndpoint(IPAddress.Loopback, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsServerEndpoint(IPAddress.Loopback, 70000));
        Assert.Throws<ArgumentNullException>(() => new DnsServerEndpoint(null!));
    }
}
