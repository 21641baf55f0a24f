using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

/// <summary>
/// The fields the analysis reads from a certificate's own DER are exactly what the X509Certificate2
/// properties say; a certificate that the strict DER pass does not accept is read through the properties,
/// with their values and their failures; copies share the platform certificate and are found without bytes.
/// </summary>
[Trait("Against", "Unit")]
public sealed class CertificateFieldsTests
{
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    public static IEnumerable<object[]> Times() => new[]
    {
        new object[] { "UTCTime 20xx", UtcTime("260615120000Z"), UtcTime("490101000000Z") },
        new object[] { "UTCTime 19xx (50 is 1950)", UtcTime("500101000000Z"), UtcTime("991231235959Z") },
        new object[] { "GeneralizedTime, both sides of UTCTime's range", GeneralizedTime("19491231235959Z"), GeneralizedTime("20500101000000Z") },
        new object[] { "GeneralizedTime far ahead", UtcTime("000229000000Z"), GeneralizedTime("99991231235959Z") },
    };

    [Fact]
    public void Fields_OfGeneratedChainsAndKeys_EqualTheProperties()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        using var ec256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ec384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var certificates = new[]
        {
            root, intermediate, leaf,
            TestPki.Leaf(intermediate, "ec256.smtptls.test", key: ec256),
            TestPki.Leaf(intermediate, "ec384.smtptls.test", key: ec384, notBefore: new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero), notAfter: new DateTimeOffset(2060, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            TestPki.SelfSignedLeaf(noSan: true),
        };

        foreach (var certificate in certificates)
        {
            Assert.True(CertificateFields.Der.TryRead(certificate.RawDataMemory, out _), certificate.Subject);
            AssertFieldsEqualProperties(certificate);
        }
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void Dates_InEveryValidityForm_AreThoseOfTheProperties(string form, byte[] notBefore, byte[] notAfter)
    {
        using var certificate = new X509Certificate2(Certificate(notBefore, notAfter));

        Assert.True(CertificateFields.Der.TryRead(certificate.RawDataMemory, out _), form);
        AssertFieldsEqualProperties(certificate);
    }

    [Fact]
    public void Dates_NotInRfc5280Form_FailAsThePropertiesFail()
    {
        // UTCTime without seconds: OpenSSL loads the certificate, .NET's NotBefore refuses the date.
        using var certificate = new X509Certificate2(Certificate(UtcTime("2606151200Z"), UtcTime("490101000000Z")));

        Assert.False(CertificateFields.Der.TryRead(certificate.RawDataMemory, out _));
        var fields = CertificateFields.Of(certificate);
        var expected = Record.Exception(() => certificate.NotBefore);
        var actual = Record.Exception(() => fields.NotBefore);
        Assert.Equal(expected?.GetType(), actual?.GetType());
        Assert.Equal(certificate.NotAfter, fields.NotAfter);
    }

    [Theory]
    [InlineData("CN=mail.example.com, O=\"Example, Inc.\", C=DE")]
    [InlineData("CN=Müller Straße, OU=Mail + OU=Relay, E=postmaster@example.com")]
    [InlineData("CN=\"#not hex\", O=a\\b")]
    [InlineData("")]
    public void Names_AreTheTextsOfTheProperties(string distinguishedName)
    {
        var name = new X500DistinguishedName(distinguishedName);
        using var first = new X509Certificate2(Certificate(name, UtcTime("260615120000Z"), UtcTime("490101000000Z")));
        using var second = new X509Certificate2(Certificate(name, UtcTime("260615120000Z"), UtcTime("490101000000Z")));

        // The second certificate's text comes from the names already decoded (same DER).
        Assert.Equal(first.Subject, CertificateFields.Of(first).Subject);
        Assert.Equal(second.Subject, CertificateFields.Of(second).Subject);
        Assert.Equal(second.Issuer, CertificateFields.Of(second).Issuer);
    }

    [Fact]
    public void Extensions_RepeatedAndUnknown_AreFoundAsTheCollectionFindsThem()
    {
        var first = new X509Extension("1.3.6.1.4.1.99999.1", new byte[] { 0x04, 0x01, 0x01 }, critical: true);
        var second = new X509Extension("1.3.6.1.4.1.99999.1", new byte[] { 0x04, 0x01, 0x02 }, critical: false);
        using var certificate = new X509Certificate2(Certificate(UtcTime("260615120000Z"), UtcTime("490101000000Z"), first, second));

        var fields = CertificateFields.Of(certificate);
        Assert.Equal(certificate.Extensions["1.3.6.1.4.1.99999.1"]!.RawData, fields.Extension("1.3.6.1.4.1.99999.1"));
        Assert.Equal(first.RawData, fields.Extension("1.3.6.1.4.1.99999.1"));
        Assert.Null(fields.Extension("2.5.29.17"));
        AssertFieldsEqualProperties(certificate);
    }

    [Fact]
    public void BasicConstraints_Malformed_FailsAsTheCollectionsExtensionFails()
    {
        var broken = new X509Extension("2.5.29.19", new byte[] { 0x30, 0x03, 0x01, 0x01 }, critical: true);
        using var certificate = new X509Certificate2(Certificate(UtcTime("260615120000Z"), UtcTime("490101000000Z"), broken));

        var expected = Record.Exception(() => ((X509BasicConstraintsExtension)certificate.Extensions["2.5.29.19"]!).CertificateAuthority);
        var actual = Record.Exception(() => CertificateFacts.IsCertificateAuthority(certificate));
        Assert.NotNull(expected);
        Assert.Equal(expected!.GetType(), actual?.GetType());
    }

    [Fact]
    public void SameCertificate_CopiesShareTheHandle_OtherInstancesCompareBytes()
    {
        var (_, intermediate, leaf) = TestPki.Chain();
        using var copy = new X509Certificate2(leaf);
        using var reloaded = new X509Certificate2(leaf.RawData);

        Assert.Equal(leaf.Handle, copy.Handle);
        Assert.True(CertificateFacts.SameCertificate(leaf, copy));
        Assert.True(CertificateFacts.SameCertificate(leaf, reloaded));
        Assert.False(CertificateFacts.SameCertificate(leaf, intermediate));
        Assert.Same(intermediate, CertificateFacts.FindSame(new[] { leaf, intermediate }, new X509Certificate2(intermediate)));
        Assert.Same(leaf, CertificateFacts.FindSame(new[] { intermediate, leaf }, reloaded));
        Assert.Null(CertificateFacts.FindSame(new[] { intermediate }, reloaded));
    }

    [Fact]
    public void ChainBuilder_OwnBuilds_KeepOnlyLiveInstancesOfTheirOwn()
    {
        // The builds dispose the X509Chain's element certificates: what the result keeps must not be one of them.
        var (root, intermediate, leaf) = TestPki.Chain();
        var presented = new[] { leaf, intermediate };
        var anchors = TrustAnchors.FromCertificates(new[] { root });

        foreach (var built in new[]
        {
            ChainBuilder.Build(leaf, presented, anchors, TestPki.Now),
            ChainBuilder.BuildWithExtraStore(leaf, presented, anchors, TestPki.Now),
        })
        {
            Assert.Equal(3, built.Elements.Count);
            Assert.Same(leaf, built.Elements[0].Certificate);
            Assert.Same(intermediate, built.Elements[1].Certificate);
            Assert.Same(root, built.Elements[2].Certificate);
            Assert.All(built.Elements, e => Assert.NotEqual(IntPtr.Zero, e.Certificate.Handle));
        }

        Assert.NotEqual(IntPtr.Zero, root.Handle);
        Assert.Equal("CN=SmtpTls Unit Root", root.Subject);

        // A root the server sent too stays the presented instance, whichever copy the platform put in the chain.
        using var sentRoot = new X509Certificate2(root.RawData);
        var withRoot = ChainBuilder.Build(leaf, new[] { leaf, intermediate, sentRoot }, anchors, TestPki.Now);
        Assert.Same(sentRoot, withRoot.Elements[2].Certificate);
        Assert.True(withRoot.Valid);
    }

    [Fact]
    public void PresentedChain_CopiesWhatTheServerSentOnce()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        using var chain = new X509Chain();
        using var sslLeaf = new X509Certificate2(leaf);
        chain.ChainPolicy.ExtraStore.Add(new X509Certificate2(leaf));
        chain.ChainPolicy.ExtraStore.Add(new X509Certificate2(intermediate));
        chain.ChainPolicy.ExtraStore.Add(new X509Certificate2(intermediate.RawData));
        chain.ChainPolicy.ExtraStore.Add(root);

        var presented = SmtpTls.Smtp.TlsHandshake.CopyPresentedChain(sslLeaf, chain);

        Assert.Equal(new[] { leaf.Thumbprint, intermediate.Thumbprint, root.Thumbprint }, presented.Select(c => c.Thumbprint));
        Assert.DoesNotContain(presented, c => ReferenceEquals(c, sslLeaf) || chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>().Any(e => ReferenceEquals(e, c)));
        sslLeaf.Dispose();
        foreach (var extra in chain.ChainPolicy.ExtraStore)
        {
            extra.Dispose();
        }

        // Our copies live on after SslStream's objects are gone.
        Assert.Equal(leaf.Subject, presented[0].Subject);
        Assert.Equal(intermediate.RawData, presented[1].RawData);
    }

    private static void AssertFieldsEqualProperties(X509Certificate2 certificate)
    {
        var fields = CertificateFields.Of(certificate);
        Assert.Same(fields, CertificateFields.Of(certificate));
        Assert.Equal(certificate.NotBefore, fields.NotBefore);
        Assert.Equal(certificate.NotBefore.Kind, fields.NotBefore.Kind);
        Assert.Equal(certificate.NotAfter, fields.NotAfter);
        Assert.Equal(certificate.SubjectName.RawData, fields.SubjectName);
        Assert.Equal(certificate.IssuerName.RawData, fields.IssuerName);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), fields.SubjectPublicKeyInfo);
        Assert.Equal(certificate.Subject, fields.Subject);
        Assert.Equal(certificate.Issuer, fields.Issuer);
        Assert.Equal(certificate.Thumbprint.ToUpperInvariant(), fields.Thumbprint);
        foreach (var oid in certificate.Extensions.Select(e => e.Oid!.Value!).Distinct())
        {
            Assert.Equal(certificate.Extensions[oid]!.RawData, fields.Extension(oid));
        }

        Assert.Null(fields.Extension("1.2.3.4.5"));
        Assert.Equal(certificate.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true }, fields.IsCertificateAuthority);
        var sameNames = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        Assert.Equal(sameNames && KeyIdentifiersAgree(certificate), fields.IsSelfIssued);
    }

    private static bool KeyIdentifiersAgree(X509Certificate2 certificate)
    {
        var subjectKey = certificate.Extensions["2.5.29.14"] is X509SubjectKeyIdentifierExtension ski ? ski.SubjectKeyIdentifierBytes.ToArray() : null;
        var authorityKey = certificate.Extensions["2.5.29.35"] is X509AuthorityKeyIdentifierExtension aki ? aki.KeyIdentifier?.ToArray() : null;
        return subjectKey is null || authorityKey is null || subjectKey.AsSpan().SequenceEqual(authorityKey);
    }

    private static byte[] UtcTime(string text) => Time(UniversalTagNumber.UtcTime, text);

    private static byte[] GeneralizedTime(string text) => Time(UniversalTagNumber.GeneralizedTime, text);

    private static byte[] Time(UniversalTagNumber tag, string text)
    {
        var value = System.Text.Encoding.ASCII.GetBytes(text);
        return new[] { (byte)tag, (byte)value.Length }.Concat(value).ToArray();
    }

    /// <summary>A certificate assembled field by field (its signature is not valid: nothing here verifies it).</summary>
    private static byte[] Certificate(byte[] notBefore, byte[] notAfter, params X509Extension[] extensions) =>
        Certificate(new X500DistinguishedName("CN=fields.smtptls.test, O=SmtpTls Tests"), notBefore, notAfter, extensions);

    private static byte[] Certificate(X500DistinguishedName name, byte[] notBefore, byte[] notAfter, params X509Extension[] extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteInteger(2);
                }

                writer.WriteInteger(0x1234);
                WriteAlgorithm(writer);
                writer.WriteEncodedValue(new X500DistinguishedName("CN=Fields Issuer").RawData);
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(notBefore);
                    writer.WriteEncodedValue(notAfter);
                }

                writer.WriteEncodedValue(name.RawData);
                writer.WriteEncodedValue(key.ExportSubjectPublicKeyInfo());
                if (extensions.Length > 0)
                {
                    using (writer.PushSequence(ExtensionsTag))
                    using (writer.PushSequence())
                    {
                        foreach (var extension in extensions)
                        {
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier(extension.Oid!.Value!);
                                if (extension.Critical)
                                {
                                    writer.WriteBoolean(true);
                                }

                                writer.WriteOctetString(extension.RawData);
                            }
                        }
                    }
                }
            }

            WriteAlgorithm(writer);
            writer.WriteBitString(new byte[] { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 });
        }

        return writer.Encode();
    }

    private static void WriteAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
        }
    }
}
