using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Dns;
using SmtpTls.Policy;
using SmtpTls.Tests.Certificates;
using SmtpTls.Tests.Dns;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// The world the domain policy tests run against, all on loopback: a dnsmasq serving MX, A, TXT and
/// TLSA records of one scenario domain per case under <c>policy.test</c>, an HTTPS server playing
/// every <c>mta-sts.&lt;domain&gt;</c>, a relay that adds the AD bit, and a private CA that the
/// checks trust through <see cref="DomainPolicyOptions.TrustAnchors"/>. Started on first use.
/// </summary>
public sealed class PolicyTestWorld : IDisposable
{
    public const string Zone = "policy.test";

    private readonly Lazy<Started> _started;

    public PolicyTestWorld()
    {
        _started = new Lazy<Started>(Start);
    }

    public static X509Certificate2 Root => Pki.Value.Root;

    public static X509Certificate2 Intermediate => Pki.Value.Intermediate;

    public static TrustAnchors Anchors => AnchorsOnce.Value;

    public DnsmasqServer Dns => _started.Value.Dns;

    internal PolicyHttpsServer Https => _started.Value.Https;

    internal AuthenticatingDnsRelay Relay => _started.Value.Relay;

    private static Lazy<(X509Certificate2 Root, X509Certificate2 Intermediate)> Pki { get; } = new(() =>
    {
        var root = TestPki.Root();
        return (root, TestPki.Intermediate(root));
    });

    private static Lazy<TrustAnchors> AnchorsOnce { get; } = new(() => TrustAnchors.FromCertificates(new[] { Root }));

    /// <summary>The scenario domain <c>&lt;name&gt;.policy.test</c>.</summary>
    public static string Domain(string name) => name + "." + Zone;

    /// <summary>The certificate an MX host presents in the tests: issued by the test CA for <paramref name="name"/>.</summary>
    public static X509Certificate2 MxLeaf(string name) => TestPki.Leaf(Intermediate, name);

    /// <summary>
    /// What the probe reports for an endpoint presenting <paramref name="leaf"/> and the intermediate:
    /// the chain as a real TLS handshake delivers it, analysed as the probe does, at the PKI's reference time.
    /// </summary>
    public static SmtpCertificateInfo Presented(X509Certificate2 leaf, string mxHost) =>
        CertificateAnalyzer.Analyze(PresentedChainCapture.Capture(leaf, Intermediate), mxHost, Anchors, TestPki.Now);

    /// <summary>Options for a check through dnsmasq (or the AD relay), trusting the test CA, at the PKI's reference time.</summary>
    public DomainPolicyOptions Options(bool authenticated = false, TimeSpan? timeout = null, string culture = "en-US")
    {
        var resolver = new SmtpDnsResolver(new SmtpDnsResolverOptions
        {
            Server = authenticated ? Relay.Endpoint : Dns.Endpoint,
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 1,
            UseCache = false,
        });
        return new DomainPolicyOptions(resolver)
        {
            TrustAnchors = Anchors,
            HttpsPortOverride = Https.Port,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            Culture = System.Globalization.CultureInfo.GetCultureInfo(culture),
            Now = TestPki.Now,

            // The relay stands for a validating resolver that vouches with the AD bit: the mode without SmtpTls's own validation.
            DnssecTrustAnchor = authenticated ? null : SmtpDnssecTrustAnchor.IanaRoot,
        };
    }

    /// <summary>
    /// Resolves the domain's MX hosts through the test DNS and pairs every target with the
    /// certificate <paramref name="certificateFor"/> gives for its MX host, as the cmdlet will after probing.
    /// </summary>
    public static async Task<IReadOnlyList<PresentedMxCertificate>> ProbeAsync(DomainPolicyOptions options, string domain, Func<string, SmtpCertificateInfo?> certificateFor)
    {
        var resolution = await options.Resolver.ResolveMailHostsAsync(domain, AddressFamilyPreference.IPv4, CancellationToken.None);
        return resolution.Targets.Select(t => new PresentedMxCertificate(t.MxHost, certificateFor(t.MxHost), t.Address, 25)).ToList();
    }

    /// <summary>The good MX certificate of <paramref name="mxHost"/>, analysed.</summary>
    public static SmtpCertificateInfo GoodCertificate(string mxHost) => Presented(MxLeaf(mxHost), mxHost);

    public void Dispose()
    {
        if (_started.IsValueCreated)
        {
            _started.Value.Relay.Dispose();
            _started.Value.Https.Dispose();
            _started.Value.Dns.Dispose();
        }
    }

    // TLSA data from openssl, not from the code under test: otherwise a wrong digest in the product
    // would be written into the zone and then matched by the same wrong digest.
    private static string Sha(X509Certificate2 certificate, int selector = 1) => OpenSslOracle.Digest(certificate, selector, "sha256");

    private static Started Start()
    {
        var zone = new DnsTestZone();
        var policyHosts = new List<string>();

        // Every scenario domain has one MX, mx.<domain>, at 127.0.0.1.
        void Domain(string name, string? sts = "v=STSv1; id=1", string? rpt = "v=TLSRPTv1; rua=mailto:tlsrpt@{0}", params string[] tlsa)
        {
            var domain = PolicyTestWorld.Domain(name);
            zone.Add($"{domain} MX 10 mx.{domain}", $"mx.{domain} A 127.0.0.1");
            if (sts is not null)
            {
                zone.Add($"_mta-sts.{domain} TXT \"{sts}\"", $"mta-sts.{domain} A 127.0.0.1");
                policyHosts.Add("mta-sts." + domain);
            }

            if (rpt is not null)
            {
                zone.Add($"_smtp._tls.{domain} TXT \"{string.Format(rpt, domain)}\"");
            }

            foreach (var record in tlsa)
            {
                zone.Add($"_25._tcp.mx.{domain} TLSA {record}");
            }
        }

        // All test leaves share one key (TestPki), so this digest matches every MX leaf of the tests.
        var leafSha = Sha(MxLeaf("mx.good." + Zone));
        Domain("good", tlsa: "3 1 1 " + leafSha);
        Domain("wildcard");
        Domain("syntax");
        Domain("wrongmx");
        Domain("notfound");
        Domain("redirect");
        Domain("redirect-target");
        Domain("oversized");
        Domain("chunked");
        Domain("html");
        Domain("badcert");
        Domain("rogue");
        Domain("hang");
        Domain("missing", sts: null, rpt: null);
        Domain("badrecord", sts: "v=STSv1; id=2026-11-28");
        Domain("twosts", sts: "v=STSv1; id=1");
        zone.Add($"_mta-sts.{PolicyTestWorld.Domain("twosts")} TXT \"v=STSv1; id=2\"");
        Domain("danebad", sts: null, tlsa: "3 1 1 " + new string('a', 64));
        Domain("daneunusable", sts: null, tlsa: new[] { "1 1 1 " + leafSha, "3 1 1 abcd" });
        Domain("daneta", sts: null, tlsa: "2 0 1 " + Sha(Intermediate, 0));
        Domain("testing");
        Domain("rptbad", rpt: "v=TLSRPTv1; rua=http://reports.{0}/");
        Domain("servfail", sts: null);
        Domain("closed");
        Domain("nohost", sts: null);
        zone.Add($"_mta-sts.{PolicyTestWorld.Domain("nohost")} TXT \"v=STSv1; id=1\"");
        Domain("refused", sts: null);
        zone.Add($"_mta-sts.{PolicyTestWorld.Domain("refused")} TXT \"v=STSv1; id=1\"", $"mta-sts.{PolicyTestWorld.Domain("refused")} A 127.0.0.2");
        zone.ServFail("_tcp.mx." + PolicyTestWorld.Domain("servfail"));

        var dns = DnsmasqServer.Start(zone);
        try
        {
            var policyCertificate = TestPki.Leaf(Intermediate, policyHosts[0], dnsNames: policyHosts);
            var https = new PolicyHttpsServer(SslStreamCertificateContext.Create(policyCertificate, new X509Certificate2Collection(Intermediate), offline: true));
            ServeScenarios(https);
            var relay = new AuthenticatingDnsRelay(dns.Address, dns.Port);
            return new Started(dns, https, relay);
        }
        catch
        {
            dns.Dispose();
            throw;
        }
    }

    private static void ServeScenarios(PolicyHttpsServer https)
    {
        string Host(string name) => "mta-sts." + PolicyTestWorld.Domain(name);
        string Policy(string mode, params string[] mx) => $"version: STSv1\r\nmode: {mode}\r\n" + string.Concat(mx.Select(m => "mx: " + m + "\r\n")) + "max_age: 604800\r\n";
        byte[] Ok(string body) => PolicyHttpsServer.Response(200, "OK", "text/plain; charset=utf-8", body);

        foreach (var name in new[] { "good", "badrecord", "twosts", "rptbad", "redirect-target" })
        {
            https.Serve(Host(name), Ok(Policy("enforce", "mx." + PolicyTestWorld.Domain(name))));
        }

        https.Serve(Host("wildcard"), Ok(Policy("enforce", "*." + PolicyTestWorld.Domain("wildcard"))));
        https.Serve(Host("testing"), Ok(Policy("testing", "mx." + PolicyTestWorld.Domain("testing"))));
        https.Serve(Host("syntax"), Ok("version: STSv1\nmode: enforced\nmx mx.syntax.policy.test\nmax_age: 604800\n"));
        https.Serve(Host("wrongmx"), Ok(Policy("enforce", "mail.wrongmx.policy.test", "*.other.policy.test")));
        https.Serve(Host("redirect"), PolicyHttpsServer.Response(301, "Moved Permanently", "text/html", "<a>moved</a>", $"Location: https://{Host("redirect-target")}/.well-known/mta-sts.txt\r\n"));
        https.Serve(Host("oversized"), Ok(Policy("enforce", "mx.oversized.policy.test") + "x-padding: " + new string('p', 100 * 1024) + "\r\n"));
        https.Serve(Host("chunked"), PolicyHttpsServer.Chunked(Policy("enforce", "mx.chunked.policy.test") + "x-padding: " + new string('p', 200 * 1024) + "\r\n"));
        https.Serve(Host("html"), PolicyHttpsServer.Response(200, "OK", "text/html", Policy("enforce", "mx.html.policy.test")));
        https.Hang(Host("hang"));
        https.Serve(Host("closed"), Array.Empty<byte>());

        var wrongName = TestPki.Leaf(Intermediate, "www.badcert.policy.test");
        https.Serve(Host("badcert"), Ok(Policy("enforce", "mx.badcert.policy.test")), SslStreamCertificateContext.Create(wrongName, new X509Certificate2Collection(Intermediate), offline: true));
        var rogueRoot = TestPki.Root("CN=Rogue Root", RSA.Create(2048));
        var rogueLeaf = TestPki.Leaf(rogueRoot, Host("rogue"));
        https.Serve(Host("rogue"), Ok(Policy("enforce", "mx.rogue.policy.test")), SslStreamCertificateContext.Create(rogueLeaf, new X509Certificate2Collection(), offline: true));
    }

    private sealed record Started(DnsmasqServer Dns, PolicyHttpsServer Https, AuthenticatingDnsRelay Relay);
}
