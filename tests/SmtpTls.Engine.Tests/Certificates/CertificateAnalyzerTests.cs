using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

[Trait("Against", "Unit")]
public class CertificateAnalyzerTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public void GoodChain_WithPrivateRoot_IsValidAndDescribed()
    {
        var (root, intermediate, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { root }), TestPki.Now, culture: English);

        Assert.Equal("CN=mail.smtptls.test, O=SmtpTls Tests", info.Subject);
        Assert.Equal("mail.smtptls.test", info.CommonName);
        Assert.Equal(new[] { "mail.smtptls.test" }, info.DnsNames);
        Assert.Equal(intermediate.Subject, info.Issuer);
        Assert.Equal(leaf.Thumbprint, info.Thumbprint);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(leaf.RawData)), info.Sha256Fingerprint);
        Assert.Equal(leaf.SerialNumber, info.SerialNumber);
        Assert.Equal("RSA", info.KeyAlgorithm);
        Assert.Equal(2048, info.KeySize);
        Assert.Null(info.KeyCurve);
        Assert.Equal("sha256RSA", info.SignatureAlgorithm);
        Assert.False(info.IsSelfSigned);
        Assert.True(info.ChainValid, string.Join(" | ", info.ChainStatus));
        Assert.Empty(info.ChainStatus);
        Assert.False(info.IncompleteChain);
        Assert.Null(info.MissingIssuer);
        Assert.True(info.HostnameMatch);
        Assert.True(info.IsValid);
        Assert.Equal("mail.smtptls.test", info.ServerName);
        Assert.Same(leaf, info.Certificate);
        Assert.Equal(new[] { leaf.Thumbprint, intermediate.Thumbprint }, info.PresentedChain.Select(e => e.Thumbprint).ToArray());
        Assert.All(info.PresentedChain, e => Assert.Equal("Server", e.Source));
        Assert.Equal(new[] { leaf.Thumbprint, intermediate.Thumbprint, root.Thumbprint }, info.Chain.Select(e => e.Thumbprint).ToArray());
        Assert.Equal(new[] { "Server", "Server", "TrustAnchor" }, info.Chain.Select(e => e.Source).ToArray());
        Assert.True(info.Chain[2].IsSelfSigned);
        Assert.True(info.Chain[1].IsCertificateAuthority);
        Assert.False(info.Chain[0].IsCertificateAuthority);
        Assert.Equal(TestPki.Now, info.CheckedAt);
    }

    [Fact]
    public void ValidityFields_AreComputedFromNow()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, notBefore: TestPki.Now.AddDays(-1), notAfter: TestPki.Now.AddDays(10).AddHours(1));

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, null, TrustAnchors.None, TestPki.Now);

        Assert.Equal(10, info.DaysUntilExpiry);
        Assert.False(info.IsExpired);
        Assert.False(info.IsNotYetValid);
        Assert.True(info.ExpiresSoon);
        Assert.False(CertificateAnalyzer.Analyze(new[] { leaf }, null, TrustAnchors.None, TestPki.Now, expiryWarningDays: 9).ExpiresSoon);
        Assert.Equal(DateTimeKind.Local, info.NotAfter.Kind);
        Assert.Equal(leaf.NotAfter, info.NotAfter);
        Assert.Null(info.HostnameMatch);
        Assert.Null(info.ServerName);
    }

    [Fact]
    public void ExpiredLeaf_IsReportedWithNegativeDays()
    {
        var (root, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, notBefore: TestPki.Now.AddDays(-100), notAfter: TestPki.Now.AddDays(-3).AddHours(-1));

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { root }), TestPki.Now, culture: English);

        Assert.True(info.IsExpired);
        Assert.Equal(-4, info.DaysUntilExpiry);
        Assert.True(info.ExpiresSoon);
        Assert.False(info.ChainValid);
        Assert.False(info.IsValid);
        Assert.True(info.HostnameMatch);
        var status = Assert.Single(info.ChainStatus);
        Assert.StartsWith("NotTimeValid: 'CN=mail.smtptls.test, O=SmtpTls Tests'", status);
        Assert.Single(info.Chain[0].Status);
        Assert.Empty(info.Chain[1].Status);
    }

    [Fact]
    public void NotYetValidLeaf_IsReported()
    {
        var (root, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, notBefore: TestPki.Now.AddDays(2), notAfter: TestPki.Now.AddDays(90));

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, null, TrustAnchors.FromCertificates(new[] { root }), TestPki.Now, culture: English);

        Assert.True(info.IsNotYetValid);
        Assert.False(info.IsExpired);
        Assert.False(info.ChainValid);
        Assert.StartsWith("NotTimeValid:", Assert.Single(info.ChainStatus));
    }

    [Fact]
    public void WrongName_ChainValidButHostnameMismatch()
    {
        var (root, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, "other.smtptls.test");

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { root }), TestPki.Now);

        Assert.True(info.ChainValid);
        Assert.False(info.HostnameMatch);
        Assert.False(info.IsValid);
    }

    [Fact]
    public void IncompleteChain_OnlyLeafSent_SaysTheIssuerIsMissing()
    {
        var (root, intermediate, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { root }), TestPki.Now, culture: English);

        Assert.False(info.ChainValid);
        Assert.True(info.IncompleteChain);
        Assert.Equal(intermediate.Subject, info.MissingIssuer);
        Assert.Single(info.PresentedChain);
        Assert.Single(info.Chain);
        var status = Assert.Single(info.ChainStatus);
        Assert.StartsWith("PartialChain:", status);
        Assert.Contains("'" + intermediate.Subject + "'", status);
        Assert.Contains("is missing", status);
        Assert.Contains("did not send", status);
    }

    [Fact]
    public void PrivateChain_WithoutAnchor_EndsAtAnUnknownRoot_NotAnIncompleteChain()
    {
        var (root, intermediate, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, "mail.smtptls.test", TrustAnchors.None, TestPki.Now, culture: English);

        Assert.False(info.ChainValid);
        Assert.False(info.IncompleteChain);
        Assert.Equal(root.Subject, info.MissingIssuer);
        Assert.Equal(2, info.Chain.Length);
        var status = Assert.Single(info.ChainStatus);
        Assert.StartsWith("PartialChain:", status);
        Assert.Contains("trust anchors", status);
    }

    [Fact]
    public void RootSentByTheServer_WithoutAnchor_IsAnUntrustedRoot()
    {
        var (root, intermediate, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate, root }, null, TrustAnchors.None, TestPki.Now, culture: English);

        Assert.False(info.ChainValid);
        Assert.Contains(info.ChainStatus, s => s.StartsWith("UntrustedRoot:", StringComparison.Ordinal));
        Assert.Equal(3, info.PresentedChain.Length);
        Assert.Equal("Server", info.Chain[2].Source);
    }

    [Fact]
    public void SelfSignedLeaf_IsUntrusted_UnlessItIsAnAnchor()
    {
        var leaf = TestPki.SelfSignedLeaf();

        var untrusted = CertificateAnalyzer.Analyze(new[] { leaf }, "mail.smtptls.test", TrustAnchors.None, TestPki.Now, culture: English);
        var pinned = CertificateAnalyzer.Analyze(new[] { leaf }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { leaf }), TestPki.Now, culture: English);

        Assert.True(untrusted.IsSelfSigned);
        Assert.False(untrusted.ChainValid);
        Assert.False(untrusted.IncompleteChain);
        Assert.Contains(untrusted.ChainStatus, s => s.StartsWith("UntrustedRoot:", StringComparison.Ordinal));
        Assert.True(untrusted.HostnameMatch);
        Assert.True(pinned.ChainValid, string.Join(" | ", pinned.ChainStatus));
        Assert.True(pinned.IsValid);
    }

    [Fact]
    public void EcdsaChain_IsDescribed()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var root = TestPki.Root(key: rootKey);
        var intermediate = TestPki.Intermediate(root, key: intermediateKey);
        var leaf = TestPki.Leaf(intermediate, key: leafKey);

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, "mail.smtptls.test", TrustAnchors.FromCertificates(new[] { root }), TestPki.Now);

        Assert.True(info.ChainValid, string.Join(" | ", info.ChainStatus));
        Assert.Equal("ECDSA", info.KeyAlgorithm);
        Assert.Equal(256, info.KeySize);
        Assert.Equal("P-256", info.KeyCurve);
        Assert.Equal("sha256ECDSA", info.SignatureAlgorithm);
    }

    [Fact]
    public void IpAddressesOfTheSan_AreListed()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, addresses: new[] { System.Net.IPAddress.Loopback, System.Net.IPAddress.IPv6Loopback });

        var info = CertificateAnalyzer.Analyze(new[] { leaf }, "127.0.0.1", TrustAnchors.None, TestPki.Now);

        Assert.Equal(new[] { "127.0.0.1", "::1" }, info.IPAddresses);
        Assert.True(info.HostnameMatch);
    }

    [Fact]
    public void GermanCulture_GivesGermanChainTexts_WithTheSameCodes()
    {
        var (root, _, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf }, null, TrustAnchors.FromCertificates(new[] { root }), TestPki.Now, culture: CultureInfo.GetCultureInfo("de-DE"));

        var status = Assert.Single(info.ChainStatus);
        Assert.StartsWith("PartialChain:", status);
        Assert.Contains("fehlt", status);
    }

    [Fact]
    public void ExtraStoreFallback_TheNetstandardPath_GivesTheSameVerdicts()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        var anchors = TrustAnchors.FromCertificates(new[] { root });

        var good = ChainBuilder.BuildWithExtraStore(leaf, new[] { leaf, intermediate }, anchors, TestPki.Now);
        var incomplete = ChainBuilder.BuildWithExtraStore(leaf, new[] { leaf }, anchors, TestPki.Now);
        var untrusted = ChainBuilder.BuildWithExtraStore(leaf, new[] { leaf, intermediate }, TrustAnchors.None, TestPki.Now);
        var otherAnchor = ChainBuilder.BuildWithExtraStore(leaf, new[] { leaf, intermediate, root }, TrustAnchors.FromCertificates(new[] { TestPki.Root("CN=Other") }), TestPki.Now);

        Assert.True(good.Valid, good.Flags.ToString());
        Assert.Equal(3, good.Elements.Count);
        Assert.False(incomplete.Valid);
        Assert.True((incomplete.Flags | incomplete.Elements.Last().Flags).HasFlag(X509ChainStatusFlags.PartialChain));
        Assert.False(untrusted.Valid);
        Assert.False(otherAnchor.Valid);
        Assert.True(otherAnchor.Flags.HasFlag(X509ChainStatusFlags.UntrustedRoot));
    }

    [Fact]
    public void ExtraStoreFallback_ExpiredLeaf_StaysInvalid()
    {
        var (root, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, notBefore: TestPki.Now.AddDays(-100), notAfter: TestPki.Now.AddDays(-1));

        var chain = ChainBuilder.BuildWithExtraStore(leaf, new[] { leaf, intermediate }, TrustAnchors.FromCertificates(new[] { root }), TestPki.Now);

        Assert.False(chain.Valid);
        Assert.Equal(X509ChainStatusFlags.NotTimeValid, chain.Flags);
    }

    [Fact]
    public void Analyze_ChecksArguments()
    {
        var (_, _, leaf) = TestPki.Chain();

        Assert.Throws<ArgumentNullException>(() => CertificateAnalyzer.Analyze(null!, null, TrustAnchors.None, TestPki.Now));
        Assert.Throws<ArgumentException>(() => CertificateAnalyzer.Analyze(Array.Empty<X509Certificate2>(), null, TrustAnchors.None, TestPki.Now));
        Assert.Throws<ArgumentNullException>(() => CertificateAnalyzer.Analyze(new X509Certificate2[] { leaf, null! }, null, TrustAnchors.None, TestPki.Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => CertificateAnalyzer.Analyze(new[] { leaf }, null, TrustAnchors.None, TestPki.Now, expiryWarningDays: -1));
    }

    [Fact]
    public void NullAnchors_MeanNone()
    {
        var (_, intermediate, leaf) = TestPki.Chain();

        var info = CertificateAnalyzer.Analyze(new[] { leaf, intermediate }, null, null, TestPki.Now);

        Assert.False(info.ChainValid);
    }
}
