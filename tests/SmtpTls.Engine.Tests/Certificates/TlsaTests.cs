using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

/// <summary>The DANE "3 1 1" data (SHA-256 of the leaf's SubjectPublicKeyInfo) against references computed elsewhere.</summary>
[Trait("Against", "Unit")]
public class TlsaTests
{
    // Made with openssl req -x509; the hashes are openssl's:
    // openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum
    private const string OpensslRsaCertificate = @"-----BEGIN CERTIFICATE-----
MIIDITCCAgmgAwIBAgIULlt73lwi6tFjwZARnBn5FW3+bMEwDQYJKoZIhvcNAQEL
BQAwIDEeMBwGA1UEAwwVdGxzYS1yc2Euc210cHRscy50ZXN0MB4XDTI2MTEyOTA0
MTcyMFoXDTM2MTEyNjA0MTcyMFowIDEeMBwGA1UEAwwVdGxzYS1yc2Euc210cHRs
cy50ZXN0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkuW+1LbUFJ7D
42W8B8edKQKYHVb/iLqLgr/b+veDXwjNHG8tqhLCONDjFFj7/HvgRs22T8daCzK3
xzfQoSGgRo6TgjvIF3Ri70qhxTQDh5dnroXqsODuhFacrX5yL8C99eO13irJL86S
tPoNGQiJnrFv9uibu33Adqmsgp3isV7DM7nfYvvg2+Uw60Rb1Axy7S+Stds5rnA5
q+Uu7FoMhRYEfOwrtcrDN5pwsGKcjuxsw/n9o8ZNJwile8DIU5wD6x9Q9fqQr4lA
p0k0+hLkIlY6oZBrwhTG4AD3bPEuD9ydb5cj7pymJjhUClZkIrAzb3FFtVtusF5i
mbB2yIY9sQIDAQABo1MwUTAdBgNVHQ4EFgQU685dCvAR0lAeDBl/F5LviHLbliYw
HwYDVR0jBBgwFoAU685dCvAR0lAeDBl/F5LviHLbliYwDwYDVR0TAQH/BAUwAwEB
/zANBgkqhkiG9w0BAQsFAAOCAQEAaxoQe7mdrkdeuEzT6/4shoIo/ON5xc1QEs+3
Ol1GegB4/PtF5/lkXNleqZPdj/2QTORa4NricdSvZdcaEDlvQiPACur/ILsJw2KI
JCdTu7aLyu95A2jX4uSsAsAmlHGm83Hlu227YfgnVtwDMcljjE/E0Jd/nAy8Wike
aiVPredOuiNMOkdTCX8/LlFSsklPfOWHnvc7DgxauCsWtcOGeZzw/dZywRLHdedq
vWOYWPXZZ5kJPXdMQJVbQw8YI4pKold3aLTfLd+9ZHMHYaOu6RwwCFBncXjawz10
UdNh8QHmdzMbqKcswvlP1Yvntdm16TxqrfpIz9LprGR7wQzN6Q==
-----END CERTIFICATE-----";

    private const string OpensslRsaTlsa = "ffd3f0ae04d6af769911b4dee22dac5d0a9cc57d88f9de8ff1ebef7b349a3ce8";

    private const string OpensslEcCertificate = @"-----BEGIN CERTIFICATE-----
MIIBkzCCATmgAwIBAgIUeA3JOV3XQNJDXsfzaNzsiOMBJPAwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUdGxzYS1lYy5zbXRwdGxzLnRlc3QwHhcNMjYxMTI5MDQxNzIw
WhcNMzYxMTI2MDQxNzIwWjAfMR0wGwYDVQQDDBR0bHNhLWVjLnNtdHB0bHMudGVz
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGyMAspnWLNsVVZe+lKw7Bv1qd4f
ejpiUL51KPB+HdXMuRsLLOe63ewbmDQEMJiekHeDgLs9Q3gu8Tc7LPd9qf+jUzBR
MB0GA1UdDgQWBBRUoXpen/pIPyoVStYO+SrdIKLEJzAfBgNVHSMEGDAWgBRUoXpe
n/pIPyoVStYO+SrdIKLEJzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gA
MEUCIQC4GxfVDWv8sDvs2utmsg3qyxPBvZop2KaYAJYEyF3h0gIgGDSi+972Ekba
jb55fczAZ7h9jsVy37M4FCr0Qu8t+kY=
-----END CERTIFICATE-----";

    private const string OpensslEcTlsa = "37ea3d8a014c59922969ae7f1d3926ce2086692125d6c7c268ff18e7474e5dd8";

    [Theory]
    [InlineData(OpensslRsaCertificate, OpensslRsaTlsa, "RSA", 2048)]
    [InlineData(OpensslEcCertificate, OpensslEcTlsa, "ECDSA", 256)]
    public void TlsaSha256_EqualsOpensslsHash(string pem, string expected, string algorithm, int size)
    {
        var certificate = CertificatePem.ReadAll(pem).Single();

        var info = CertificateAnalyzer.Analyze(new[] { certificate }, null, TrustAnchors.None, TestPki.Now);

        Assert.Equal(expected, info.TlsaSha256);
        Assert.Equal("3 1 1 " + expected, info.TlsaRecord);
        Assert.Equal(algorithm, info.KeyAlgorithm);
        Assert.Equal(size, info.KeySize);
        Assert.Equal(expected, Hex(SHA256.HashData(CertificateFacts.SubjectPublicKeyInfoFromDer(certificate))));
    }

    [Fact]
    public void TlsaSha256_Rsa_EqualsTheHashOfTheGeneratingKey()
    {
        using var key = RSA.Create(3072);
        var root = TestPki.Root();
        var leaf = TestPki.Leaf(TestPki.Intermediate(root), key: key);
        var expected = Hex(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

        var info = CertificateAnalyzer.Analyze(new[] { leaf }, null, TrustAnchors.None, TestPki.Now);

        Assert.Equal(expected, info.TlsaSha256);
        Assert.Equal(64, info.TlsaSha256.Length);
        Assert.Equal(info.TlsaSha256.ToLowerInvariant(), info.TlsaSha256);
        Assert.Equal(3072, info.KeySize);
    }

    [Theory]
    [InlineData("nistP256", 256, "P-256")]
    [InlineData("nistP384", 384, "P-384")]
    [InlineData("nistP521", 521, "P-521")]
    public void TlsaSha256_Ecdsa_EqualsTheHashOfTheGeneratingKey(string curve, int size, string curveName)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var root = TestPki.Root();
        var leaf = TestPki.Leaf(TestPki.Intermediate(root), key: key);
        var expected = Hex(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

        var info = CertificateAnalyzer.Analyze(new[] { leaf }, null, TrustAnchors.None, TestPki.Now);

        Assert.Equal(expected, info.TlsaSha256);
        Assert.Equal("ECDSA", info.KeyAlgorithm);
        Assert.Equal(size, info.KeySize);
        Assert.Equal(curveName, info.KeyCurve);
        Assert.Equal(expected, Hex(SHA256.HashData(CertificateFacts.SubjectPublicKeyInfoFromDer(leaf))));
    }

    [Fact]
    public void Ed25519Certificate_IsAnalysed()
    {
        // .NET cannot make Ed25519 certificates; BouncyCastle can, and X509Certificate2 still reads them.
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var builder = new X509V3CertificateGenerator();
        var name = new X509Name("CN=ed25519.smtptls.test");
        builder.SetSerialNumber(BigInteger.ValueOf(4711));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(TestPki.Now.AddDays(-1).UtcDateTime);
        builder.SetNotAfter(TestPki.Now.AddDays(60).UtcDateTime);
        builder.SetPublicKey(pair.Public);
        builder.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.DnsName, "ed25519.smtptls.test")));
        var bc = builder.Generate(new Asn1SignatureFactory("Ed25519", pair.Private));
        var certificate = X509CertificateLoader.LoadCertificate(bc.GetEncoded());
        var expected = Hex(SHA256.HashData(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded()));

        var info = CertificateAnalyzer.Analyze(new[] { certificate }, "ed25519.smtptls.test", TrustAnchors.None, TestPki.Now);

        Assert.Equal("Ed25519", info.KeyAlgorithm);
        Assert.Equal(256, info.KeySize);
        Assert.Equal("Ed25519", info.SignatureAlgorithm);
        Assert.Equal(expected, info.TlsaSha256);
        Assert.True(info.IsSelfSigned);
        Assert.True(info.HostnameMatch);
        Assert.Equal(new[] { "ed25519.smtptls.test" }, info.DnsNames);
    }

    [Fact]
    public void SubjectPublicKeyInfo_NetAndNetstandardPathsAgree()
    {
        var (_, intermediate, leaf) = TestPki.Chain();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var ecLeaf = TestPki.Leaf(intermediate, key: ec);

        foreach (var certificate in new[] { leaf, ecLeaf, intermediate })
        {
            Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), CertificateFacts.SubjectPublicKeyInfoFromDer(certificate));
        }
    }

    private static string Hex(byte[] data) => Convert.ToHexString(data).ToLowerInvariant();
}
