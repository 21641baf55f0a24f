using System;
using SmtpTls.Dns;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// One dnsmasq for the integration tests, started on first use (so a machine without dnsmasq only
/// skips), serving the test zone below and nothing else.
/// </summary>
public sealed class DnsmasqZoneFixture : IDisposable
{
    public const string TlsaSha256 = "8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d";
    public const string TlsaSha512 = "0b5a6f4b1f4e2a0c8f2d43b1b6a8d1bba3c3e2f5d0f9c6a4b7e1d2c3f4a5b6c70b5a6f4b1f4e2a0c8f2d43b1b6a8d1bba3c3e2f5d0f9c6a4b7e1d2c3f4a5b6c7";

    private readonly Lazy<DnsmasqServer> _server;

    public DnsmasqZoneFixture()
    {
        _server = new Lazy<DnsmasqServer>(StartAndWarmUp);
    }

    public DnsmasqServer Server => _server.Value;

    /// <summary>
    /// A resolver that asks only the test dnsmasq. The default timeout is generous because tests
    /// run in parallel on two cores; the timeout cases pass a short one of their own.
    /// </summary>
    public SmtpDnsResolver Resolver(TimeSpan? timeout = null, bool useCache = false) => new(new SmtpDnsResolverOptions
    {
        Server = Server.Endpoint,
        Timeout = timeout ?? TimeSpan.FromSeconds(2),
        Retries = timeout is null ? 1 : 0,
        UseCache = useCache,
    });

    private static DnsmasqServer StartAndWarmUp()
    {
        var server = DnsmasqServer.Start(Zone());

        // The first query pays for JIT compilation of DnsClient and the resolver; pay it here, not
        // inside a test's timeout.
        var warm = new SmtpDnsResolver(new SmtpDnsResolverOptions { Server = server.Endpoint, Timeout = TimeSpan.FromSeconds(5), Retries = 0, UseCache = false });
        warm.ResolveMailHostsAsync("smtptls.test").GetAwaiter().GetResult();
        return server;
    }

    internal static DnsTestZone Zone() => new DnsTestZone()
        .Add(
            // Three MX hosts, two of them tied at 20: the tie is broken by name (mx0 before mx2).
            "smtptls.test MX 20 mx2.smtptls.test",
            "smtptls.test MX 10 mx1.smtptls.test",
            "smtptls.test MX 20 mx0.smtptls.test",
            "mx1.smtptls.test A 127.0.0.1",
            "mx1.smtptls.test AAAA ::1",
            "mx0.smtptls.test A 127.0.0.3",
            "mx2.smtptls.test A 127.0.0.12",
            "mx2.smtptls.test A 127.0.0.2",
            // No MX: the domain's own addresses are the implicit MX.
            "implicit.smtptls.test A 127.0.0.4",
            "implicit.smtptls.test AAAA ::ffff:127.0.0.4",
            "nullmx.smtptls.test MX 0 .",
            // Exists (has a TXT record) but has neither MX nor addresses.
            "nomail.smtptls.test TXT \"v=spf1 -all\"",
            // MX hosts that do not resolve: one does not exist, one exists without addresses.
            "noaddr.smtptls.test MX 10 ghost.smtptls.test",
            "noaddr.smtptls.test MX 20 textonly.smtptls.test",
            "textonly.smtptls.test TXT \"no address here\"",
            "partial.smtptls.test MX 10 mx1.smtptls.test",
            "partial.smtptls.test MX 20 ghost.smtptls.test",
            "alias.smtptls.test MX 10 mxalias.smtptls.test",
            "mxalias.smtptls.test CNAME mx1.smtptls.test",
            "dup.smtptls.test MX 30 mx1.smtptls.test",
            "dup.smtptls.test MX 10 mx1.smtptls.test",
            "v6only.smtptls.test MX 10 mx6.smtptls.test",
            "mx6.smtptls.test AAAA ::1",
            "slowmx.smtptls.test MX 10 mx1.smtptls.test",
            "slowmx.smtptls.test MX 20 mx.slow.test",
            "xn--bcher-kva.smtptls.test MX 10 mx1.smtptls.test",
            "_mta-sts.smtptls.test TXT \"v=STSv1; id=20261128T000000\"",
            "_smtp._tls.smtptls.test TXT \"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@smtptls.test\"",
            "_25._tcp.mx1.smtptls.test TLSA 3 1 1 " + TlsaSha256,
            "_25._tcp.mx1.smtptls.test TLSA 2 0 2 " + TlsaSha512)
        .ServFail("servfail.test")
        .Silent("slow.test");

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}
