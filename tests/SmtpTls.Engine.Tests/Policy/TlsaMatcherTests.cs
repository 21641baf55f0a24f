using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Policy;
using SmtpTls.Tests.Certificates;
using Xunit;

namespace SmtpTls.Tests.Policy;

[Trait("Against", "Unit")]
public class TlsaMatcherTests
{
    private const string Mx = "mx.smtptls.test";
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly string[] Names = { Mx, "smtptls.test" };
    private static readonly Lazy<(X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf)> Pki = new(() => TestPki.Chain(Mx));

    private static X509Certificate2 Root => Pki.Value.Root;

    private static X509Certificate2 Intermediate => Pki.Value.Intermediate;

    private static X509Certificate2 Leaf => Pki.Value.Leaf;

    private static X509Certificate2[] Presented => new[] { Leaf, Intermediate };

    [Theory]
    [InlineData(0, 1, "sha256")]
    [InlineData(1, 1, "sha256")]
    [InlineData(0, 2, "sha512")]
    [InlineData(1, 2, "sha512")]
    public void AssociationData_AgreesWithOpenssl(int selector, int matchingType, string digest)
    {
        var engine = Convert.ToHexString(TlsaMatcher.AssociationData(Leaf, selector, matchingType)).ToLowerInvariant();

        Assert.Equal(OpenSslOracle.Digest(Leaf, selector, digest), engine);
    }

    [Fact]
    public void AssociationData_Exact_IsTheDerItself()
    {
        Assert.Equal(Leaf.RawData, TlsaMatcher.AssociationData(Leaf, 0, 0));
        Assert.Equal(Leaf.PublicKey.ExportSubjectPublicKeyInfo(), TlsaMatcher.AssociationData(Leaf, 1, 0));
    }

    [Fact]
    public void DaneEe_311_FromOpenssl_MatchesTheLeaf_AndEqualsTheAnalyzersTlsaSha256()
    {
        var hex = OpenSslOracle.Digest(Leaf, 1, "sha256");
        var record = new SmtpTlsaRecord(3, 1, 1, Convert.FromHexString(hex));

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.Match, match.Outcome);
        Assert.Equal("Match", match.Result);
        Assert.Equal(0, match.MatchedDepth);
        var info = SmtpTls.Certificates.CertificateAnalyzer.Analyze(Presented, Mx, null, TestPki.Now);
        Assert.Equal(hex, info.TlsaSha256);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    public void DaneEe_EverySelectorAndMatchingType_MatchesTheLeaf(int selector, int matchingType)
    {
        var record = new SmtpTlsaRecord(3, selector, matchingType, TlsaMatcher.AssociationData(Leaf, selector, matchingType));

        Assert.Equal(SmtpTlsaMatchResult.Match, TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English).Outcome);
    }

    [Fact]
    public void DaneEe_IgnoresNameAndExpiry()
    {
        var expired = TestPki.Leaf(Intermediate, "other.example", notBefore: TestPki.Now.AddDays(-100), notAfter: TestPki.Now.AddDays(-1));
        var record = new SmtpTlsaRecord(3, 1, 1, TlsaMatcher.AssociationData(expired, 1, 1));

        Assert.Equal(SmtpTlsaMatchResult.Match, TlsaMatcher.Compare(record, new[] { expired, Intermediate }, Names, TestPki.Now, English).Outcome);
    }

    [Fact]
    public void DaneEe_WithTheIssuersData_IsNoMatch_AndSaysToUseUsage2()
    {
        var record = new SmtpTlsaRecord(3, 0, 1, TlsaMatcher.AssociationData(Intermediate, 0, 1));

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.NoMatch, match.Outcome);
        Assert.Contains("usage 2", match.Detail);
        Assert.Null(match.MatchedDepth);
    }

    [Fact]
    public void DaneEe_OtherKey_IsNoMatch()
    {
        var record = new SmtpTlsaRecord(3, 1, 1, SHA256.HashData(new byte[] { 1, 2, 3 }));

        Assert.Equal(SmtpTlsaMatchResult.NoMatch, TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English).Outcome);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(0, 2)]
    [InlineData(0, 0)]
    public void DaneTa_IntermediatePresented_Matches(int selector, int matchingType)
    {
        var record = new SmtpTlsaRecord(2, selector, matchingType, TlsaMatcher.AssociationData(Intermediate, selector, matchingType));

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.Match, match.Outcome);
        Assert.Equal(1, match.MatchedDepth);
        Assert.Equal(Intermediate.Subject, match.MatchedSubject);
    }

    [Fact]
    public void DaneTa_RootPresentedOutOfOrder_MatchesThroughTheIntermediate()
    {
        var record = new SmtpTlsaRecord(2, 0, 1, TlsaMatcher.AssociationData(Root, 0, 1));

        var match = TlsaMatcher.Compare(record, new[] { Leaf, Root, Intermediate }, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.Match, match.Outcome);
        Assert.Equal(1, match.MatchedDepth);
    }

    [Fact]
    public void DaneTa_AnchorNotPresented_IsNoMatch()
    {
        var record = new SmtpTlsaRecord(2, 0, 1, TlsaMatcher.AssociationData(Root, 0, 1));

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.NoMatch, match.Outcome);
        Assert.Contains("must send that CA", match.Detail);
    }

    [Fact]
    public void DaneTa_WithTheLeafsData_IsNoMatch_AndSaysToUseUsage3()
    {
        var record = new SmtpTlsaRecord(2, 1, 1, TlsaMatcher.AssociationData(Leaf, 1, 1));

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.NoMatch, match.Outcome);
        Assert.Contains("usage 3", match.Detail);
    }

    [Fact]
    public void DaneTa_LeafNamingOtherHost_IsNameMismatch_ButTheDomainCounts()
    {
        var other = TestPki.Leaf(Intermediate, "other.example");
        var ofDomain = TestPki.Leaf(Intermediate, "smtptls.test");
        var record = new SmtpTlsaRecord(2, 0, 1, TlsaMatcher.AssociationData(Intermediate, 0, 1));

        Assert.Equal(SmtpTlsaMatchResult.NameMismatch, TlsaMatcher.Compare(record, new[] { other, Intermediate }, Names, TestPki.Now, English).Outcome);
        Assert.Equal(SmtpTlsaMatchResult.Match, TlsaMatcher.Compare(record, new[] { ofDomain, Intermediate }, Names, TestPki.Now, English).Outcome);
    }

    [Fact]
    public void DaneTa_UnrelatedCaPresented_IsChainInvalid()
    {
        var unrelated = TestPki.Root("CN=Unrelated Root", RSA.Create(2048));
        var record = new SmtpTlsaRecord(2, 0, 1, TlsaMatcher.AssociationData(unrelated, 0, 1));

        var match = TlsaMatcher.Compare(record, new[] { Leaf, Intermediate, unrelated }, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.ChainInvalid, match.Outcome);
        Assert.Equal(2, match.MatchedDepth);
    }

    [Fact]
    public void DaneTa_ExpiredLeaf_IsExpired()
    {
        var expired = TestPki.Leaf(Intermediate, Mx, notBefore: TestPki.Now.AddDays(-100), notAfter: TestPki.Now.AddDays(-1));
        var record = new SmtpTlsaRecord(2, 0, 1, TlsaMatcher.AssociationData(Intermediate, 0, 1));

        Assert.Equal(SmtpTlsaMatchResult.Expired, TlsaMatcher.Compare(record, new[] { expired, Intermediate }, Names, TestPki.Now, English).Outcome);
    }

    [Theory]
    [InlineData(0, 1, 1, 32, "PKIX-TA")]
    [InlineData(1, 1, 1, 32, "PKIX-EE")]
    [InlineData(4, 1, 1, 32, "usage 4")]
    [InlineData(3, 2, 1, 32, "selector 2")]
    [InlineData(3, 1, 3, 32, "matching type 3")]
    [InlineData(3, 1, 1, 20, "has 32 bytes, this record has 20")]
    [InlineData(3, 1, 2, 32, "has 64 bytes, this record has 32")]
    public void UnusableRecords_AreReportedAsUnusable(int usage, int selector, int matchingType, int length, string expected)
    {
        var record = new SmtpTlsaRecord(usage, selector, matchingType, new byte[length]);

        var match = TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English);

        Assert.Equal(SmtpTlsaMatchResult.Unusable, match.Outcome);
        Assert.Contains(expected, match.Detail);
        Assert.False(TlsaMatcher.IsUsable(record));
    }

    [Fact]
    public void PkixUsage_EvenWithMatchingData_IsUnusable()
    {
        var record = new SmtpTlsaRecord(1, 1, 1, TlsaMatcher.AssociationData(Leaf, 1, 1));

        Assert.Equal(SmtpTlsaMatchResult.Unusable, TlsaMatcher.Compare(record, Presented, Names, TestPki.Now, English).Outcome);
    }

    [Fact]
    public void NoCertificate_IsNotChecked()
    {
        var record = new SmtpTlsaRecord(3, 1, 1, TlsaMatcher.AssociationData(Leaf, 1, 1));

        Assert.Equal(SmtpTlsaMatchResult.NotChecked, TlsaMatcher.Compare(record, Array.Empty<X509Certificate2>(), Names, TestPki.Now, English).Outcome);
    }

    [Fact]
    public void Compare_ChecksArguments()
    {
        var record = new SmtpTlsaRecord(3, 1, 1, new byte[32]);
        Assert.Throws<ArgumentNullException>(() => TlsaMatcher.Compare(null!, Presented, Names, TestPki.Now));
        Assert.Throws<ArgumentNullException>(() => TlsaMatcher.Compare(record, null!, Names, TestPki.Now));
        Assert.Throws<ArgumentNullException>(() => TlsaMatcher.Compare(record, new X509Certificate2[] { null! }, Names, TestPki.Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsaMatcher.AssociationData(Leaf, 2, 1));
    }
}
