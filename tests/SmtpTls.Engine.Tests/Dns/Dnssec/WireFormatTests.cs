using System;
using System.Linq;
using SmtpTls.Dns.Dnssec;
using Xunit;

namespace SmtpTls.Tests.Dns.Dnssec;

[Trait("Against", "Unit")]
public class WireFormatTests
{
    [Fact]
    public void Nsec3Hash_MatchesRfc5155AppendixA()
    {
        // RFC 5155 Appendix A: salt aabbccdd, 12 iterations; "example" hashes to 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.
        var salt = new byte[] { 0xaa, 0xbb, 0xcc, 0xdd };
        Assert.Equal("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", Base32Hex.Encode(DenialProof.Hash(WireName.Parse("example"), salt, 12)));
        Assert.Equal("35mthgpgcu1qg68fab165klnsnk3dpvl", Base32Hex.Encode(DenialProof.Hash(WireName.Parse("a.example"), salt, 12)));
        var decoded = Base32Hex.Decode(System.Text.Encoding.ASCII.GetBytes("0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM"));
        Assert.Equal(DenialProof.Hash(WireName.Parse("example"), salt, 12), decoded);
    }

    [Fact]
    public void CanonicalOrder_FollowsRfc4034Section61()
    {
        // The example list of RFC 4034 section 6.1, in its order.
        var names = new[] { "example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE", "z.example", "\\001.z.example", "*.z.example", "\\200.z.example" }
            .Select(WireName.Parse).ToArray();
        for (var i = 1; i < names.Length; i++)
        {
            Assert.True(WireName.CompareCanonical(names[i - 1], names[i]) < 0, names[i - 1] + " < " + names[i]);
        }
    }

    [Fact]
    public void Names_CompareWithoutCase_AndEscapeOddBytes()
    {
        Assert.Equal(WireName.Parse("MX.Example.NET."), WireName.Parse("mx.example.net"));
        Assert.True(WireName.Parse("_25._tcp.mx.example.net").IsAtOrBelow(WireName.Parse("example.net")));
        Assert.False(WireName.Parse("example.net").IsAtOrBelow(WireName.Parse("mx.example.net")));
        Assert.Equal("a\\.b.c\\010.", new WireName(new[] { new[] { (byte)'a', (byte)'.', (byte)'b' }, new[] { (byte)'c', (byte)10 } }).ToString());
    }

    [Fact]
    public void Reader_RejectsForwardAndLoopingCompressionPointers()
    {
        // Header with one question whose name is a pointer to itself (offset 12).
        var loop = new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 };
        Assert.Throws<FormatException>(() => WireMessage.Parse(loop, loop.Length));
        var forward = new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 1, (byte)'a', 0 };
        Assert.Throws<FormatException>(() => WireMessage.Parse(forward, forward.Length));
    }

    [Fact]
    public void Reader_RejectsTruncatedRecordsAndTooManyRecords()
    {
        // One answer announced, RDLENGTH 200 but nothing follows.
        var truncated = new byte[] { 0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 200 };
        Assert.Throws<FormatException>(() => WireMessage.Parse(truncated, truncated.Length));
        var many = new byte[] { 0, 1, 0x81, 0x80, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0 };
        Assert.Throws<FormatException>(() => WireMessage.Parse(many, many.Length));
    }

    [Fact]
    public void Reader_ExpandsCompressedMxNames_AndTheCanonicalFormLowerCasesThem()
    {
        // Question "Ex." MX; answer owner pointer to 12, MX 10 "MX" + pointer to 12.
        var message = new byte[]
        {
            0, 7, 0x81, 0xA0, 0, 1, 0, 1, 0, 0, 0, 0,
            2, (byte)'E', (byte)'x', 0, 0, 15, 0, 1,
            0xC0, 12, 0, 15, 0, 1, 0, 0, 1, 0, 0, 7, 0, 10, 2, (byte)'M', (byte)'X', 0xC0, 12,
        };
        var parsed = WireMessage.Parse(message, message.Length);
        Assert.True(parsed.AuthenticatedData);
        var mx = Assert.Single(parsed.Answers);
        Assert.Equal(new byte[] { 0, 10, 2, (byte)'M', (byte)'X', 2, (byte)'E', (byte)'x', 0 }, mx.Rdata);
        Assert.Equal(new byte[] { 0, 10, 2, (byte)'m', (byte)'x', 2, (byte)'e', (byte)'x', 0 }, mx.CanonicalRdata());
    }

    [Fact]
    public void KeyTag_AndBadKeys_NeverThrow()
    {
        Assert.False(DnssecCrypto.Verify(8, new byte[] { 3, 1, 0, 1 }, new byte[] { 1 }, new byte[] { 1 }));
        Assert.False(DnssecCrypto.Verify(13, new byte[64], new byte[] { 1 }, new byte[64]));
        Assert.False(DnssecCrypto.Verify(15, new byte[32], new byte[] { 1 }, new byte[64]));
        Assert.False(DnssecCrypto.Verify(3, new byte[32], new byte[] { 1 }, new byte[64]));
    }
}
