using System;
using SmtpTls.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns;

[Trait("Against", "Unit")]
public class SmtpDnsResolverOptionsTests
{
    [Fact]
    public void Defaults_AreSystemResolverTwoSecondsOneRetryCached64InFlight()
    {
        var options = new SmtpDnsResolverOptions();

        Assert.Null(options.Server);
        Assert.Null(options.ServerEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(1, options.Retries);
        Assert.True(options.UseCache);
        Assert.Equal(64, options.MaxQueriesInFlight);
    }

    [Fact]
    public void Server_IsParsedAndNormalizedWhenSet()
    {
        var options = new SmtpDnsResolverOptions { Server = "[::1]:5353" };

        Assert.Equal("[::1]:5353", options.Server);
        Assert.Equal(5353, options.ServerEndpoint!.Port);
    }

    [Fact]
    public void Setters_RejectBadValuesAtOnce()
    {
        var options = new SmtpDnsResolverOptions();

        var server = Assert.Throws<ArgumentException>(() => options.Server = "resolver.example");
        Assert.Equal("Server", server.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Timeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Timeout = TimeSpan.FromMinutes(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Retries = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Retries = 11);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxQueriesInFlight = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxQueriesInFlight = 1025);
    }

    [Fact]
    public void Resolver_RejectsABadServerBeforeAnyQuery()
    {
        Assert.Throws<ArgumentException>(() => new SmtpDnsResolver("not-an-ip"));
        Assert.Throws<ArgumentNullException>(() => new SmtpDnsResolver((SmtpDnsResolverOptions)null!));
    }
}
