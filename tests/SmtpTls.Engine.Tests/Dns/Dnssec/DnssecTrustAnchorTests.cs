using System;
using System.IO;
using System.Linq;
using SmtpTls.Dns.Dnssec;
using Xunit;

namespace SmtpTls.Tests.Dns.Dnssec;

[Trait("Against", "Unit")]
public class DnssecTrustAnchorTests
{
    // The root KSKs as DNSKEY records, from Debian's dns-root-data 2024071801 (/usr/share/dns/root.key),
    // which is generated from IANA's root-anchors.xml: an independent copy of what the built-in DS digests must match.
    private const string RootKeys =
        ". IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU= ; keytag 20326\n" +
        ". IN DNSKEY 257 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc= ; keytag 38696\n";

    [Fact]
    public void IanaRoot_HoldsKsk2017AndKsk2024_AndTheirDigestsMatchThePublishedKeys()
    {
        var iana = SmtpDnssecTrustAnchor.IanaRoot;
        Assert.Equal(new[] { 20326, 38696 }, iana.DsRecords.Select(d => (int)d.KeyTag).OrderBy(t => t));
        var keys = SmtpDnssecTrustAnchor.Parse(RootKeys, "root.key").KeyRecords;
        Assert.Equal(2, keys.Count);
        foreach (var key in keys)
        {
            var tag = DnskeyData.ComputeKeyTag(key);
            var ds = Assert.Single(iana.DsRecords, d => d.KeyTag == tag);
            Assert.Equal(8, ds.Algorithm);
            Assert.Equal(2, ds.DigestType);
            Assert.Equal(ds.Digest, DnssecCrypto.DsDigest(2, WireName.Root, key));
        }
    }

    [Fact]
    public void Load_ReadsDsAndDnskeyFilesWithTtlCommentsAndParentheses()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "; test root\n$TTL 3600\n. 3600 IN DS 56884 8 2 04A2EC42 56E49F8C\n.\tIN DNSKEY 257 3 8 (\n  AwEAAa96jeuk ; a comment\n  nZlaeSrv )\n");
            var anchor = SmtpDnssecTrustAnchor.Load(path);
            var ds = Assert.Single(anchor.DsRecords);
            Assert.Equal(56884, ds.KeyTag);
            Assert.Equal(8, ds.Digest.Length);
            var key = Assert.Single(anchor.KeyRecords);
            Assert.Equal(new byte[] { 1, 1, 3, 8 }, key.Take(4));
            Assert.Equal(path, anchor.Source);
            Assert.Contains(". IN DS 56884 8 2 04A2EC4256E49F8C", anchor.Records);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_ReadsIanaXml_OnlyDigestsValidNow()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrustAnchor id=\"x\" source=\"y\"><Zone>.</Zone>" +
            "<KeyDigest id=\"old\" validFrom=\"2010-07-15T00:00:00+00:00\" validUntil=\"2019-01-11T00:00:00+00:00\"><KeyTag>19036</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType><Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest></KeyDigest>" +
            "<KeyDigest id=\"now\" validFrom=\"2017-02-02T00:00:00+00:00\"><KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType><Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest></KeyDigest>" +
            "<KeyDigest id=\"future\" validFrom=\"2999-01-01T00:00:00+00:00\"><KeyTag>1</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType><Digest>00</Digest></KeyDigest>" +
            "</TrustAnchor>";
        var anchor = SmtpDnssecTrustAnchor.Parse(xml, "root-anchors.xml");
        Assert.Equal(20326, Assert.Single(anchor.DsRecords).KeyTag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("; only a comment\n")]
    [InlineData("example. IN DS 1 8 2 00\n")]
    [InlineData(". IN A 127.0.0.1\n")]
    [InlineData(". IN DS 1 8 2 XYZ\n")]
    [InlineData(". IN DNSKEY 257 3 8 !!notbase64\n")]
    [InlineData("<TrustAnchor><Zone>example.</Zone></TrustAnchor>")]
    [InlineData("<!DOCTYPE x [<!ENTITY a \"b\">]><TrustAnchor/>")]
    public void Parse_RejectsWhatIsNoRootAnchor_WithAClearMessage(string text)
    {
        var error = Assert.Throws<FormatException>(() => SmtpDnssecTrustAnchor.Parse(text, "anchor.txt"));
        Assert.StartsWith("anchor.txt", error.Message);
    }

    [Fact]
    public void Load_MissingFile_IsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SmtpDnssecTrustAnchor.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".ds")));
    }
}
