using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns;
using SmtpTls.Policy;
using SmtpTls.Tests.Certificates;
using SmtpTls.Tests.Dns;
using Xunit;
using Xunit.Abstractions;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// The whole domain check against the loopback world: dnsmasq for MX, A, TXT and TLSA, a local HTTPS
/// server for the policies, the test CA trusted through the options. No other resolver is asked.
/// </summary>
[Trait("Against", "Dnsmasq")]
[Trait("Against", "Scripted")]
public class DomainPolicyCheckerTests : IClassFixture<PolicyTestWorld>
{
    private readonly PolicyTestWorld _world;
    private readonly ITestOutputHelper _output;

    public DomainPolicyCheckerTests(PolicyTestWorld world, ITestOutputHelper output)
    {
        _world = world;
        _output = output;
    }

    [DnsmasqFact]
    public async Task CorrectDomain_ValidatedByTheResolver_HasNoFindings()
    {
        var domain = PolicyTestWorld.Domain("good");
        var options = _world.Options(authenticated: true);
        var presented = await PolicyTestWorld.ProbeAsync(options, domain, PolicyTestWorld.GoodCertificate);

        var clock = Stopwatch.StartNew();
        var result = await DomainPolicyChecker.CheckAsync(domain, presented, options);
        _output.WriteLine($"check of {domain}: {clock.ElapsedMilliseconds} ms");

        Assert.Empty(result.Findings.Select(f => f.ToString()));
        Assert.Equal("Passed", result.Status);
        Assert.Equal("Valid", result.MtaSts.Status);
        Assert.Equal("enforce", result.MtaSts.Mode);
        Assert.Equal(200, result.MtaSts.HttpStatus);
        Assert.Equal("127.0.0.1", result.MtaSts.PolicyHostAddress);
        Assert.True(result.MtaSts.PolicyHostCertificate!.IsValid);
        var mx = Assert.Single(result.MtaSts.MxChecks);
        Assert.True(mx.PatternMatch && mx.CertificateAccepted);
        var dane = Assert.Single(result.Dane);
        Assert.Equal("Matched", dane.Status);
        Assert.True(dane.AuthenticatedData);
        Assert.Equal("_25._tcp.mx." + domain, dane.TlsaName);
        Assert.Equal("Match", Assert.Single(Assert.Single(dane.Endpoints).Records).Result);
        Assert.Equal("Valid", result.TlsRpt.Status);
        Assert.Equal(new[] { "mailto:tlsrpt@" + domain }, result.TlsRpt.Rua);
        Assert.Equal(new[] { _world.Relay.Endpoint }, result.DnsServers);
    }

    [DnsmasqFact]
    public async Task CorrectDomain_WithoutTheAdBit_SaysHonestlyThatDnssecWasNotConfirmed()
    {
        var result = await CheckAsync("good");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("DaneNotValidated", finding.Id);
        Assert.Equal(SmtpPolicyFindingId.DaneNotValidated, finding.Kind);
        Assert.Equal("Warning", finding.Severity);
        Assert.Equal("mx." + PolicyTestWorld.Domain("good"), finding.Target);
        // dnsmasq passes no DNSSEC records: SmtpTls's own validation cannot be done, and says why.
        Assert.Contains("could not be done", finding.Message);
        Assert.Contains(". DNSKEY", finding.Message);
        Assert.Contains(_world.Dns.Endpoint, finding.Message);
        Assert.False(result.Dane[0].AuthenticatedData);
        Assert.Equal("NotValidated", result.Dane[0].Dnssec);
        Assert.Equal("LookupFailed", result.Dane[0].DnssecReason);
        Assert.Equal("NotValidated", result.MxDnssec);
        Assert.Equal("Matched", result.Dane[0].Status);
    }

    [DnsmasqFact]
    public async Task CorrectDomain_WildcardPolicyWithoutDane_HasNoFindingsEvenWithoutTheAdBit()
    {
        var result = await CheckAsync("wildcard");

        Assert.Empty(result.Findings.Select(f => f.ToString()));
        Assert.Equal("*.wildcard.policy.test", result.MtaSts.MxChecks[0].MatchedPattern);
        Assert.Equal("NoRecords", result.Dane[0].Status);
    }

    [DnsmasqFact]
    public async Task InvalidSyntax_IsReportedLineByLine()
    {
        var result = await CheckAsync("syntax");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Equal("Error", finding.Severity);
        Assert.Contains("line 2", finding.Message);
        Assert.Contains("line 3", finding.Message);
        Assert.Equal(new[] { 2, 3 }, result.MtaSts.Policy!.Errors.Select(e => e.Line));
        Assert.Equal("mx mx.syntax.policy.test", result.MtaSts.Policy.Errors[1].Text);
        Assert.Contains("mx: mx.syntax.policy.test", finding.Remediation);
        Assert.Equal("Invalid", result.MtaSts.Status);
        Assert.Empty(result.MtaSts.MxChecks);
    }

    [DnsmasqFact]
    public async Task WrongMxList_IsAnMxMismatch_WithTheLineToAdd()
    {
        var result = await CheckAsync("wrongmx");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsMxMismatch);
        Assert.Equal("Error", finding.Severity);
        Assert.Equal("mx.wrongmx.policy.test", finding.Target);
        Assert.Contains("mail.wrongmx.policy.test, *.other.policy.test", finding.Message);
        Assert.Contains("mx: mx.wrongmx.policy.test", finding.Remediation);
        Assert.Contains("_mta-sts.wrongmx.policy.test. IN TXT \"v=STSv1; id=", finding.Remediation);
        Assert.False(result.MtaSts.MxChecks[0].PatternMatch);
        Assert.True(result.MtaSts.MxChecks[0].CertificateAccepted);
    }

    [DnsmasqFact]
    public async Task PolicyNotFound_IsInvalid()
    {
        var result = await CheckAsync("notfound");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Contains("HTTP 404", finding.Message);
        Assert.Equal(404, result.MtaSts.HttpStatus);
        Assert.Null(result.MtaSts.Policy);
    }

    [DnsmasqFact]
    public async Task Redirect_IsReportedAndNotFollowed()
    {
        var target = "mta-sts." + PolicyTestWorld.Domain("redirect-target");
        var before = _world.Https.Requests(target);

        var result = await CheckAsync("redirect");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Contains("do not follow redirects", finding.Message);
        Assert.Equal(301, result.MtaSts.HttpStatus);
        Assert.Equal($"https://{target}/.well-known/mta-sts.txt", result.MtaSts.RedirectLocation);
        Assert.Equal(1, _world.Https.Requests("mta-sts." + PolicyTestWorld.Domain("redirect")));
        Assert.Equal(before, _world.Https.Requests(target));
    }

    [DnsmasqFact]
    public async Task OversizedPolicy_WithContentLength_IsRefusedUnread()
    {
        var result = await CheckAsync("oversized");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Contains("larger than 65536 bytes", finding.Message);
        Assert.Null(result.MtaSts.PolicyText);
    }

    [DnsmasqFact]
    public async Task OversizedPolicy_Chunked_ReadingStopsAtTheBound()
    {
        var options = _world.Options();
        var fetch = await MtaStsPolicyFetcher.FetchAsync(PolicyTestWorld.Domain("chunked"), options, TestPki.Now, CultureInfo.GetCultureInfo("en-US"), CancellationToken.None);

        Assert.False(fetch.Succeeded);
        Assert.Contains("larger than 65536 bytes", fetch.Error);
        Assert.InRange(fetch.BodyBytesRead, MtaStsPolicyFetcher.MaxPolicyBytes + 1, MtaStsPolicyFetcher.MaxPolicyBytes + 1);
        _output.WriteLine($"chunked oversized policy: stopped after {fetch.BodyBytesRead} body bytes (200 KiB offered)");
    }

    [DnsmasqFact]
    public async Task WrongContentType_IsInvalid()
    {
        var result = await CheckAsync("html");

        Assert.Contains("text/html", Single(result, SmtpPolicyFindingId.MtaStsInvalid).Message);
        Assert.Equal("text/html", result.MtaSts.ContentType);
    }

    [DnsmasqFact]
    public async Task PolicyHostCertificateForAnotherName_IsRefusedBeforeTheRequest()
    {
        var result = await CheckAsync("badcert");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Contains("does not name mta-sts.badcert.policy.test", finding.Message);
        Assert.False(result.MtaSts.PolicyHostCertificate!.HostnameMatch);
        Assert.Null(result.MtaSts.HttpStatus);
        Assert.Equal(0, _world.Https.Requests("mta-sts." + PolicyTestWorld.Domain("badcert")));
    }

    [DnsmasqFact]
    public async Task PolicyHostCertificateFromAnUntrustedCa_IsRefused()
    {
        var result = await CheckAsync("rogue");

        var finding = Single(result, SmtpPolicyFindingId.MtaStsInvalid);
        Assert.Contains("HTTPS certificate of mta-sts.rogue.policy.test is not valid", finding.Message);
        Assert.False(result.MtaSts.PolicyHostCertificate!.ChainValid);
        Assert.Equal(0, _world.Https.Requests("mta-sts." + PolicyTestWorld.Domain("rogue")));
    }

    [DnsmasqFact]
    public async Task HangingPolicyHost_IsBoundedByTheTimeout()
    {
        var domain = PolicyTestWorld.Domain("hang");
        var options = _world.Options(timeout: TimeSpan.FromSeconds(1));
        var presented = await PolicyTestWorld.ProbeAsync(options, domain, PolicyTestWorld.GoodCertificate);

        var clock = Stopwatch.StartNew();
        var result = await DomainPolicyChecker.CheckAsync(domain, presented, options);
        clock.Stop();
        _output.WriteLine($"hanging policy host with a 1 s timeout: {clock.ElapsedMilliseconds} ms");

        Assert.Contains("did not finish within 1 s", Single(result, SmtpPolicyFindingId.MtaStsInvalid).Message);
        // Waited for the 1 s timeout, then ended (a generous upper bound).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [DnsmasqTheory]
    [InlineData("closed", "sent no valid HTTP response")]
    [InlineData("nohost", "mta-sts.nohost.policy.test could not be resolved")]
    [InlineData("refused", "No connection to mta-sts.refused.policy.test port")]
    public async Task UnreachableOrSilentPolicyHost_IsInvalid_NotAnException(string name, string expected)
    {
        var result = await CheckAsync(name);

        Assert.Contains(expected, Single(result, SmtpPolicyFindingId.MtaStsInvalid).Message);
        Assert.Null(result.MtaSts.Policy);
    }

    [DnsmasqFact]
    public async Task NothingPublished_IsMissing_WithRecordsToPublish()
    {
        var result = await CheckAsync("missing");

        var sts = Single(result, SmtpPolicyFindingId.MtaStsMissing);
        Assert.Equal("Warning", sts.Severity);
        Assert.Contains("mx: mx.missing.policy.test", sts.Remediation);
        Assert.Contains("mode: testing", sts.Remediation);
        Assert.Contains("_mta-sts.missing.policy.test. IN TXT \"v=STSv1; id=20260615120000\"", sts.Remediation);
        var rpt = Single(result, SmtpPolicyFindingId.TlsRptMissing);
        Assert.Equal("Info", rpt.Severity);
        Assert.Contains("_smtp._tls.missing.policy.test. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@missing.policy.test\"", rpt.Remediation);
        Assert.Equal(2, result.Findings.Length);
        Assert.Equal("Warning", result.Status);
        Assert.Equal("Missing", result.MtaSts.Status);
        Assert.Null(result.MtaSts.PolicyUrl);
    }

    [DnsmasqFact]
    public async Task InvalidStsRecord_IsInvalid_AndThePolicyIsStillReported()
    {
        var result = await CheckAsync("badrecord");

        Assert.Contains("1 to 32 letters", Single(result, SmtpPolicyFindingId.MtaStsInvalid).Message);
        Assert.True(result.MtaSts.Policy!.IsValid);
    }

    [DnsmasqFact]
    public async Task TwoStsRecords_AreInvalid()
    {
        var result = await CheckAsync("twosts");

        Assert.Contains("2 records", Single(result, SmtpPolicyFindingId.MtaStsInvalid).Message);
        Assert.Equal(2, result.MtaSts.TxtRecords.Length);
    }

    [DnsmasqFact]
    public async Task TlsaNotMatching_IsDaneMismatch_WithTheRecordToPublish()
    {
        var result = await CheckAsync("danebad");

        var mx = "mx." + PolicyTestWorld.Domain("danebad");
        var finding = Single(result, SmtpPolicyFindingId.DaneMismatch);
        Assert.Equal("Error", finding.Severity);
        Assert.Equal(mx + " [127.0.0.1]", finding.Target);
        // The record to publish, computed by openssl from the leaf, not by the code under test.
        var sha = OpenSslOracle.Digest(PolicyTestWorld.MxLeaf(mx), 1, "sha256");
        Assert.Contains($"_25._tcp.{mx}. IN TLSA 3 1 1 {sha}", finding.Remediation);
        Assert.Equal("Mismatch", result.Dane[0].Status);
        Assert.Equal("NoMatch", result.Dane[0].Endpoints[0].Records[0].Result);
        Assert.Contains(result.Findings, f => f.Kind == SmtpPolicyFindingId.DaneNotValidated);
        Assert.Equal("Failed", result.Status);
    }

    [DnsmasqFact]
    public async Task TlsaUnusableForSmtp_IsDaneUnusable()
    {
        var result = await CheckAsync("daneunusable");

        var finding = Single(result, SmtpPolicyFindingId.DaneUnusable);
        Assert.Contains("PKIX-EE", finding.Message);
        Assert.Contains("3 1 1 ", finding.Remediation);
        Assert.Equal("Unusable", result.Dane[0].Status);
        Assert.Equal(0, result.Dane[0].UsableRecords);
        Assert.DoesNotContain(result.Findings, f => f.Kind == SmtpPolicyFindingId.DaneMismatch);
    }

    [DnsmasqFact]
    public async Task DaneTa_OfThePresentedIntermediate_Matches()
    {
        var result = await CheckAsync("daneta", authenticated: true);

        Assert.Equal("Matched", result.Dane[0].Status);
        var record = result.Dane[0].Endpoints[0].Records[0];
        Assert.Equal(2, record.Usage);
        Assert.Equal(1, record.MatchedDepth);
        Assert.DoesNotContain(result.Findings, f => f.Id.StartsWith("Dane", StringComparison.Ordinal));
    }

    [DnsmasqFact]
    public async Task TlsaLookupFailure_IsDaneLookupFailed()
    {
        var result = await CheckAsync("servfail");

        Assert.Equal("LookupFailed", result.Dane[0].Status);
        Assert.Equal("ServerFailure", result.Dane[0].LookupStatus);
        Assert.Contains("ServerFailure", Single(result, SmtpPolicyFindingId.DaneLookupFailed).Message);
    }

    [DnsmasqFact]
    public async Task TestingMode_CertificateProblems_AreWarnings()
    {
        var domain = PolicyTestWorld.Domain("testing");
        var options = _world.Options();
        var presented = new List<PresentedMxCertificate>(await PolicyTestWorld.ProbeAsync(options, domain, _ => PolicyTestWorld.Presented(PolicyTestWorld.MxLeaf("wrong.example"), "wrong.example")))
        {
            new("mx." + domain, null, "127.0.0.9"),
        };

        var result = await DomainPolicyChecker.CheckAsync(domain, presented, options);

        var findings = result.Findings.Where(f => f.Kind == SmtpPolicyFindingId.MtaStsCertificateInvalid).ToArray();
        Assert.Equal(2, findings.Length);
        Assert.All(findings, f => Assert.Equal("Warning", f.Severity));
        Assert.Contains("does not name the MX host mx.testing.policy.test (it names wrong.example)", findings[0].Message);
        Assert.Contains("report the failure but still deliver", findings[0].Message);
        Assert.Contains("no certificate was presented", findings[1].Message);
        Assert.Equal("mx.testing.policy.test [127.0.0.9]", findings[1].Target);
        Assert.Equal("Warning", result.Status);
    }

    [DnsmasqFact]
    public async Task InvalidTlsRpt_IsTlsRptInvalid()
    {
        var result = await CheckAsync("rptbad");

        var finding = Single(result, SmtpPolicyFindingId.TlsRptInvalid);
        Assert.Contains("http://reports.rptbad.policy.test/", finding.Message);
        Assert.Equal("Invalid", result.TlsRpt.Status);
    }

    [DnsmasqFact]
    public async Task GermanCulture_GivesGermanMessagesAndRemediations()
    {
        var domain = PolicyTestWorld.Domain("missing");
        var options = _world.Options(culture: "de-DE");
        var result = await DomainPolicyChecker.CheckAsync(domain, await PolicyTestWorld.ProbeAsync(options, domain, PolicyTestWorld.GoodCertificate), options);

        var sts = Single(result, SmtpPolicyFindingId.MtaStsMissing);
        Assert.Contains("veröffentlicht keinen MTA-STS-Eintrag", sts.Message);
        Assert.Contains("ausliefern", sts.Remediation);
        Assert.Equal("MtaStsMissing", sts.Id);
    }

    [DnsmasqFact]
    public async Task Cancellation_Throws()
    {
        var domain = PolicyTestWorld.Domain("hang");
        var options = _world.Options(timeout: TimeSpan.FromSeconds(30));
        var presented = await PolicyTestWorld.ProbeAsync(options, domain, PolicyTestWorld.GoodCertificate);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DomainPolicyChecker.CheckAsync(domain, presented, options, cancel.Token));
        // Far below the 30 s timeout: the token ended it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Arguments_AreCheckedBeforeAnyNetworkTraffic()
    {
        var options = new DomainPolicyOptions(new SmtpDnsResolver("127.0.0.1:9"));
        var none = Array.Empty<PresentedMxCertificate>();
        await Assert.ThrowsAsync<ArgumentException>(() => DomainPolicyChecker.CheckAsync(" ", none, options));
        await Assert.ThrowsAsync<ArgumentException>(() => DomainPolicyChecker.CheckAsync("bad domain", none, options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => DomainPolicyChecker.CheckAsync("example.net", null!, options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => DomainPolicyChecker.CheckAsync("example.net", new PresentedMxCertificate[] { null! }, options));
        await Assert.ThrowsAsync<ArgumentNullException>(() => DomainPolicyChecker.CheckAsync("example.net", none, null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => DomainPolicyChecker.CheckAsync("example.net", none, new DomainPolicyOptions(options.Resolver) { Timeout = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => DomainPolicyChecker.CheckAsync("example.net", none, new DomainPolicyOptions(options.Resolver) { HttpsPortOverride = 0 }));
        Assert.Throws<ArgumentNullException>(() => new DomainPolicyOptions(null!));
        Assert.Throws<ArgumentException>(() => new PresentedMxCertificate(" ", null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PresentedMxCertificate("mx.example.net", null, port: 0));
    }

    private static SmtpPolicyFinding Single(SmtpDomainPolicyResult result, SmtpPolicyFindingId kind)
    {
        var matching = result.Findings.Where(f => f.Kind == kind).ToArray();
        Assert.True(matching.Length == 1, $"expected one {kind}, got: " + string.Join(" | ", result.Findings.Select(f => f.ToString())));
        return matching[0];
    }

    private async Task<SmtpDomainPolicyResult> CheckAsync(string name, bool authenticated = false)
    {
        var domain = PolicyTestWorld.Domain(name);
        var options = _world.Options(authenticated);
        var presented = await PolicyTestWorld.ProbeAsync(options, domain, PolicyTestWorld.GoodCertificate);
        Assert.NotEmpty(presented);
        var result = await DomainPolicyChecker.CheckAsync(domain, presented, options);
        foreach (var finding in result.Findings)
        {
            _output.WriteLine(finding.Severity + " " + finding + "\n  -> " + finding.Remediation);
        }

        return result;
    }
}
