using System;
using System.Formats.Asn1;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

/// <summary>
/// The runtime's DER reader reads the common shapes of names, keys and key identifiers exactly as
/// BouncyCastle does, and leaves every other shape to BouncyCastle (null), so that no value and no
/// failure changes with the reader.
/// </summary>
[Trait("Against", "Unit")]
public sealed class CertificateFactsReaderTests
{
    private static readonly Asn1Tag Rfc822Name = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IPAddressName = new(TagClass.ContextSpecific, 7);

    [Fact]
    public void SubjectAlternativeNames_DnsNamesAndAddresses_ReadAsBouncyCastleReadsThem()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName("mail.example.com");
        builder.AddDnsName("*.example.org");
        builder.AddIpAddress(IPAddress.Parse("192.0.2.25"));
        builder.AddIpAddress(IPAddress.Parse("2001:db8::25"));
        var value = builder.Build().RawData;

        var simple = CertificateFacts.SimpleSubjectAlternativeNames(value);
        var bouncy = CertificateFacts.SubjectAlternativeNamesByBouncyCastle(value);

        Assert.NotNull(simple);
        Assert.Equal(new[] { "mail.example.com", "*.example.org" }, simple!.Value.DnsNames);
        Assert.Equal(bouncy.DnsNames, simple.Value.DnsNames);
        Assert.Equal(bouncy.Addresses, simple.Value.Addresses);
        Assert.Equal(new[] { IPAddress.Parse("192.0.2.25"), IPAddress.Parse("2001:db8::25") }, simple.Value.Addresses);
    }

    [Fact]
    public void SubjectAlternativeNames_AddressOfOddLength_IsSkippedByBoth()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(new byte[] { 192, 0, 2, 1, 9 }, IPAddressName);
            writer.WriteOctetString("a.example"u8, DnsName);
        }

        var value = writer.Encode();
        var simple = CertificateFacts.SimpleSubjectAlternativeNames(value);
        Assert.NotNull(simple);
        Assert.Empty(simple!.Value.Addresses);
        Assert.Equal(CertificateFacts.SubjectAlternativeNamesByBouncyCastle(value).DnsNames, simple.Value.DnsNames);
    }

    [Fact]
    public void SubjectAlternativeNames_OtherNameForms_NonAsciiNamesAndBer_AreLeftToBouncyCastle()
    {
        var withEmail = new AsnWriter(AsnEncodingRules.DER);
        using (withEmail.PushSequence())
        {
            withEmail.WriteOctetString("postmaster@example.com"u8, Rfc822Name);
            withEmail.WriteOctetString("mail.example.com"u8, DnsName);
        }

        var nonAscii = new AsnWriter(AsnEncodingRules.DER);
        using (nonAscii.PushSequence())
        {
            nonAscii.WriteOctetString(new byte[] { 0x6d, 0xe4, 0x69, 0x6c }, DnsName);
        }

        // SEQUENCE of indefinite length (BER) holding one dNSName.
        var ber = new byte[] { 0x30, 0x80, 0x82, 0x01, 0x61, 0x00, 0x00 };

        foreach (var value in new[] { withEmail.Encode(), nonAscii.Encode(), ber })
        {
            Assert.Null(CertificateFacts.SimpleSubjectAlternativeNames(value));
        }

        Assert.Equal(new[] { "mail.example.com" }, CertificateFacts.SubjectAlternativeNamesByBouncyCastle(withEmail.Encode()).DnsNames);
        Assert.Equal(new[] { "a" }, CertificateFacts.SubjectAlternativeNamesByBouncyCastle(ber).DnsNames);
    }

    [Theory]
    [InlineData("CN=mail.example.com, O=Example, C=DE")]
    [InlineData("CN=first.example, OU=Mail, CN=second.example")]
    [InlineData("O=No Common Name")]
    [InlineData("CN=Ümlaut Mail Server")]
    public void CommonNames_PlainNames_ReadAsBouncyCastleReadsThem(string distinguishedName)
    {
        var name = new X500DistinguishedName(distinguishedName).RawData;

        var simple = CertificateFacts.SimpleCommonNames(name);

        Assert.NotNull(simple);
        Assert.Equal(CertificateFacts.CommonNamesByBouncyCastle(name), simple);
    }

    [Fact]
    public void CommonNames_HashPrefixMultiValuedBmpAndBadPrintable_AreLeftToBouncyCastle()
    {
        var hash = new X500DistinguishedName("CN=#not hex");
        var multiValued = new AsnWriter(AsnEncodingRules.DER);
        using (multiValued.PushSequence())
        using (multiValued.PushSetOf())
        {
            using (multiValued.PushSequence())
            {
                multiValued.WriteObjectIdentifier("2.5.4.3");
                multiValued.WriteCharacterString(UniversalTagNumber.UTF8String, "mail.example.com");
            }

            using (multiValued.PushSequence())
            {
                multiValued.WriteObjectIdentifier("2.5.4.10");
                multiValued.WriteCharacterString(UniversalTagNumber.UTF8String, "Example");
            }
        }

        var builder = new X500DistinguishedNameBuilder();
        builder.Add("2.5.4.3", "bmp.example", UniversalTagNumber.BMPString);
        var bmp = builder.Build();

        // PrintableString does not allow '_' (servers' certificates have it all the same).
        var badPrintable = new AsnWriter(AsnEncodingRules.DER);
        using (badPrintable.PushSequence())
        using (badPrintable.PushSetOf())
        using (badPrintable.PushSequence())
        {
            badPrintable.WriteObjectIdentifier("2.5.4.3");
            var text = "mail_1.example"u8.ToArray();
            badPrintable.WriteEncodedValue(new byte[] { 0x13, (byte)text.Length }.Concat(text).ToArray());
        }

        foreach (var name in new[] { hash.RawData, multiValued.Encode(), bmp.RawData, badPrintable.Encode() })
        {
            Assert.Null(CertificateFacts.SimpleCommonNames(name));
        }

        Assert.Equal(new[] { "#not hex" }, CertificateFacts.CommonNamesByBouncyCastle(hash.RawData));
        Assert.Equal(new[] { "bmp.example" }, CertificateFacts.CommonNamesByBouncyCastle(bmp.RawData));
        Assert.Equal(new[] { "mail.example.com" }, CertificateFacts.CommonNamesByBouncyCastle(multiValued.Encode()));
        Assert.Equal(new[] { "mail_1.example" }, CertificateFacts.CommonNamesByBouncyCastle(badPrintable.Encode()));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(3072)]
    public void Key_Rsa_ReadAsBouncyCastleReadsIt(int bits)
    {
        using var rsa = RSA.Create(bits);
        var spki = rsa.ExportSubjectPublicKeyInfo();
        using var certificate = TestPki.SelfSignedLeaf();

        var simple = CertificateFacts.SimpleKey(spki);

        Assert.Equal(("RSA", bits, (string?)null), simple);
        Assert.Equal(CertificateFacts.KeyByBouncyCastle(certificate, spki), simple!.Value);
    }

    [Theory]
    [InlineData("nistP256", 256, "P-256")]
    [InlineData("nistP384", 384, "P-384")]
    [InlineData("nistP521", 521, "P-521")]
    public void Key_NistCurves_ReadAsBouncyCastleReadsThem(string curve, int size, string name)
    {
        using var ec = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var spki = ec.ExportSubjectPublicKeyInfo();
        using var certificate = TestPki.SelfSignedLeaf();

        var simple = CertificateFacts.SimpleKey(spki);

        Assert.Equal(("ECDSA", size, (string?)name), simple);
        Assert.Equal(CertificateFacts.KeyByBouncyCastle(certificate, spki), simple!.Value);
    }

    [Fact]
    public void Key_OtherCurvesAndOddRsaKeys_AreLeftToBouncyCastle()
    {
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        var brainpoolSpki = brainpool.ExportSubjectPublicKeyInfo();
        using var certificate = TestPki.SelfSignedLeaf();

        // rsaEncryption with a modulus of 1 and an exponent of 0, which BouncyCastle refuses.
        var key = new AsnWriter(AsnEncodingRules.DER);
        using (key.PushSequence())
        {
            key.WriteInteger(1);
            key.WriteInteger(0);
        }

        var odd = new AsnWriter(AsnEncodingRules.DER);
        using (odd.PushSequence())
        {
            using (odd.PushSequence())
            {
                odd.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                odd.WriteNull();
            }

            odd.WriteBitString(key.Encode());
        }

        Assert.Null(CertificateFacts.SimpleKey(brainpoolSpki));
        Assert.Null(CertificateFacts.SimpleKey(odd.Encode()));
        Assert.Equal(("ECDSA", 256, "brainpoolP256r1"), CertificateFacts.KeyByBouncyCastle(certificate, brainpoolSpki));
        Assert.Equal(CertificateFacts.KeyByBouncyCastle(certificate, odd.Encode()), CertificateFacts.Key(certificate, odd.Encode()));
    }

    [Fact]
    public void KeyIdentifiers_ReadAsBouncyCastleReadsThem_AndFullAuthorityIdentifiersAreLeftToIt()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        using (root)
        using (intermediate)
        using (leaf)
        {
            var subjectKey = (X509SubjectKeyIdentifierExtension)intermediate.Extensions["2.5.29.14"]!;
            Assert.Equal(subjectKey.SubjectKeyIdentifierBytes.ToArray(), CertificateFacts.SimpleOctetString(subjectKey.RawData));
            Assert.Equal(subjectKey.SubjectKeyIdentifierBytes.ToArray(), CertificateFacts.SubjectKeyIdentifier(intermediate));

            var authorityKey = leaf.Extensions["2.5.29.35"]!.RawData;
            Assert.NotNull(CertificateFacts.SimpleAuthorityKeyIdentifier(authorityKey));
            Assert.Equal(CertificateFacts.AuthorityKeyIdentifierByBouncyCastle(authorityKey), CertificateFacts.SimpleAuthorityKeyIdentifier(authorityKey));

            // Key identifier, issuer name and serial number: BouncyCastle checks and reads those.
            var full = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: true).RawData;
            Assert.Null(CertificateFacts.SimpleAuthorityKeyIdentifier(full));
            Assert.Equal(CertificateFacts.SubjectKeyIdentifier(root), CertificateFacts.AuthorityKeyIdentifierByBouncyCastle(full));
            Assert.Equal(CertificateFacts.SubjectKeyIdentifier(root), CertificateFacts.AuthorityKeyIdentifier(intermediate));
        }
    }

    [Fact]
    public void Facts_OfAWholeChain_AreThoseOfBouncyCastle()
    {
        var (root, intermediate, leaf) = TestPki.Chain();
        using (root)
        using (intermediate)
        using (leaf)
        {
            foreach (var certificate in new[] { root, intermediate, leaf })
            {
                Assert.Equal(CertificateFacts.CommonNamesByBouncyCastle(certificate.SubjectName.RawData), CertificateFacts.CommonNames(certificate));
                var spki = CertificateFacts.SubjectPublicKeyInfo(certificate);
                Assert.Equal(CertificateFacts.KeyByBouncyCastle(certificate, spki), CertificateFacts.Key(certificate, spki));
            }

            var names = CertificateFacts.SubjectAlternativeNames(leaf);
            var bouncy = CertificateFacts.SubjectAlternativeNamesByBouncyCastle(leaf.Extensions["2.5.29.17"]!.RawData);
            Assert.Equal(bouncy.DnsNames, names.DnsNames);
            Assert.Equal(bouncy.Addresses, names.Addresses);
            Assert.True(CertificateFacts.IsSelfIssued(root));
            Assert.False(CertificateFacts.IsSelfIssued(leaf));
        }
    }
}
