using System;
using System.Globalization;
using System.Linq;
using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

/// <summary>The rollover and signature-lifetime rules on Secure TLSA records, and the issuer data behind them.</summary>
[Trait("Against", "Unit")]
public class DaneDnssecFindingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly string Digest = new('a', 64);

    [Fact]
    public void IssuerKnowledge_HasASourceForEveryEntry_AndKnowsLetsEncryptsIntermediatesAndRoots()
    {
        Assert.NotEmpty(DaneIssuerKnowledge.Entries);
        Assert.All(DaneIssuerKnowledge.Entries, e => Assert.Contains("https://", e.Source));
        Assert.Equal("Let's Encrypt", DaneIssuerKnowledge.IntermediateOf("CN=R11, O=Let's Encrypt, C=US")?.Name);
        Assert.Equal("Let's Encrypt", DaneIssuerKnowledge.IntermediateOf("CN=YE2, O=Let's Encrypt, C=US")?.Name);
        Assert.NotNull(DaneIssuerKnowledge.RootOf("CN=ISRG Root X1, O=Internet Security Research Group, C=US"));
        Assert.Null(DaneIssuerKnowledge.IntermediateOf("CN=R11, O=Example Corp, C=US"));
        Assert.Null(DaneIssuerKnowledge.IntermediateOf("CN=SmtpTls Test Intermediate CA, O=SmtpTls Test"));
    }

    [Fact]
    public void ADaneTaRecordOnARotatingIntermediate_IsDaneIssuerRollover_UnlessTheRootIsPinnedToo()
    {
        var findings = Check(Host(Match("2 1 1", 2, "CN=R11, O=Let's Encrypt, C=US")));
        var finding = Assert.Single(findings, f => f.Kind == SmtpPolicyFindingId.DaneIssuerRollover);
        Assert.Equal("Warning", finding.Severity);
        Assert.Contains("R11", finding.Message);
        Assert.Contains("letsencrypt.org", finding.Remediation);
        Assert.DoesNotContain(findings, f => f.Kind == SmtpPolicyFindingId.DaneRolloverNoNextKey);

        var withRoot = Check(Host(Match("2 1 1", 2, "CN=R11, O=Let's Encrypt, C=US"), Match("2 0 1", 2, "CN=ISRG Root X1, O=Internet Security Research Group, C=US")));
        Assert.DoesNotContain(withRoot, f => f.Kind == SmtpPolicyFindingId.DaneIssuerRollover);
    }

    [Fact]
    public void ALone311ForTheCurrentKey_IsDaneRolloverNoNextKey_AndARecordForAnotherKeyCountsAsNext()
    {
        var lone = Host(Match("3 1 1", 3, null));
        var findings = Check(lone);
        Assert.Equal(SmtpTlsFindingSeverity.Info, Assert.Single(findings, f => f.Kind == SmtpPolicyFindingId.DaneRolloverNoNextKey).Level);
        Assert.Equal(0, lone.NextKeyRecords);

        var next = Host(Match("3 1 1", 3, null));
        next.Records = next.Records.Append(new SmtpTlsaRecord(3, 1, 1, Enumerable.Repeat((byte)0xbb, 32))).ToArray();
        next.UsableRecords = 2;
        Assert.DoesNotContain(Check(next), f => f.Kind == SmtpPolicyFindingId.DaneRolloverNoNextKey);
        Assert.Equal(1, next.NextKeyRecords);
    }

    [Theory]
    [InlineData(2.5, true, 2)]
    [InlineData(4.9, true, 4)]
    [InlineData(10, false, 10)]
    public void TheTlsaSignatureLifetime_IsReported_AndWarnedAboutBelowFiveDays(double daysLeft, bool warned, int shown)
    {
        var host = Host(Match("3 1 1", 3, null));
        host.TlsaSignatureExpires = Now.AddDays(daysLeft);
        var findings = Check(host);
        Assert.Equal(shown, host.TlsaSignatureDaysLeft);
        Assert.Equal(warned, findings.Any(f => f.Kind == SmtpPolicyFindingId.DaneSignatureExpiring));
    }

    [Fact]
    public void RecordsThatAreNotSecure_GetNoRolloverFindings()
    {
        var host = Host(Match("3 1 1", 3, null));
        host.Dnssec = "Bogus";
        host.TlsaSignatureExpires = Now.AddDays(1);
        Assert.Empty(Check(host));
    }

    private static SmtpTlsaMatch Match(string prefix, int usage, string? subject) => new()
    {
        Record = prefix + " " + Digest,
        Usage = usage,
        Outcome = SmtpTlsaMatchResult.Match,
        Result = "Match",
        MatchedSubject = subject,
    };

    private static SmtpDaneHostResult Host(params SmtpTlsaMatch[] matches) => new()
    {
        MxHost = "mx.example.net",
        TlsaName = "_25._tcp.mx.example.net",
        Status = "Matched",
        Dnssec = "Secure",
        Records = matches.Select(m => new SmtpTlsaRecord(m.Usage, int.Parse(m.Record.Split(' ')[1], CultureInfo.InvariantCulture), 1, Enumerable.Repeat((byte)0xaa, 32))).ToArray(),
        UsableRecords = matches.Length,
        Endpoints = new[] { new SmtpDaneEndpointResult { Address = "192.0.2.25", CertificatePresented = true, Matched = true, Records = matches } },
    };

    private static SmtpPolicyFinding[] Check(SmtpDaneHostResult host)
    {
        var findings = new PolicyFindingList(CultureInfo.GetCultureInfo("en-US"));
        var endpoint = new MxEndpoint(host.MxHost, new PresentedMxCertificate(host.MxHost, null, "192.0.2.25"));
        var options = new DomainPolicyOptions(new SmtpTls.Dns.SmtpDnsResolver("127.0.0.1:53"));
        DaneDnssec.AddRolloverFindings(findings, host, new[] { endpoint }, options, Now);
        return findings.ToArray();
    }
}
