using System;
using System.Net;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

[Trait("Against", "Unit")]
public class HostnameMatcherTests
{
    [Theory]
    // Exact names: case-insensitive, trailing dot on either side ignored.
    [InlineData("mail.example.org", "mail.example.org", true)]
    [InlineData("MAIL.Example.ORG", "mail.example.org", true)]
    [InlineData("mail.example.org", "Mail.EXAMPLE.org", true)]
    [InlineData("mail.example.org.", "mail.example.org", true)]
    [InlineData("mail.example.org", "mail.example.org.", true)]
    [InlineData("mail.example.org", "mail.example.or", false)]
    [InlineData("mail.example.org", "mail.example.org.evil", false)]
    [InlineData("mail.example.org", "smail.example.org", false)]
    [InlineData("example.org", "mail.example.org", false)]
    // Wildcard: only the whole left-most label, exactly one label.
    [InlineData("*.example.org", "mail.example.org", true)]
    [InlineData("*.EXAMPLE.org", "Mail.example.ORG", true)]
    [InlineData("*.example.org.", "mail.example.org", true)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("*.example.org", "a.b.example.org", false)]
    [InlineData("*.example.org", ".example.org", false)]
    [InlineData("*.mail.example.org", "mail.example.org", false)]
    // Partial wildcards never match (RFC 6125 allows them only as an option; RFC 9525 forbids them).
    [InlineData("f*.example.org", "foo.example.org", false)]
    [InlineData("*oo.example.org", "foo.example.org", false)]
    [InlineData("f*o.example.org", "foo.example.org", false)]
    [InlineData("xn--*.example.org", "xn--bcher-kva.example.org", false)]
    // Wildcards elsewhere than the left-most label, or several.
    [InlineData("mail.*.org", "mail.example.org", false)]
    [InlineData("*.*.example.org", "a.b.example.org", false)]
    [InlineData("mail.example.*", "mail.example.org", false)]
    // Wildcards over a bare top-level domain, or alone.
    [InlineData("*.com", "example.com", false)]
    [InlineData("*.test", "smtptls.test", false)]
    [InlineData("*", "localhost", false)]
    [InlineData("*.", "localhost", false)]
    // Internationalized names: the reference converts to A-labels; a wildcard is never part of an
    // A-label (RFC 6125 6.4.3), but a whole-label wildcard covers an A-label like any label.
    [InlineData("xn--bcher-kva.example.org", "bücher.example.org", true)]
    [InlineData("xn--bcher-kva.example.org", "xn--bcher-kva.example.org", true)]
    [InlineData("*.example.org", "xn--bcher-kva.example.org", true)]
    [InlineData("*.example.org", "bücher.example.org", true)]
    [InlineData("xn--bcher-*.example.org", "xn--bcher-kva.example.org", false)]
    [InlineData("*.example.org", "bücher.xn--mnchen-3ya.example.org", false)]
    [InlineData("*.xn--mnchen-3ya.example", "mail.xn--mnchen-3ya.example", true)]
    [InlineData("*.xn--mnchen-3ya.example", "mail.münchen.example", true)]
    [InlineData("bücher.example.org", "bücher.example.org", false)]
    // The reference is a name, never a pattern; malformed input matches nothing.
    [InlineData("*.example.org", "*.example.org", false)]
    [InlineData("mail.example.org", "", false)]
    [InlineData("", "mail.example.org", false)]
    [InlineData(null, "mail.example.org", false)]
    [InlineData("mail.example.org", null, false)]
    [InlineData("mail..example.org", "mail..example.org", false)]
    [InlineData(".", ".", false)]
    public void MatchesDnsName_FollowsRfc6125(string? presented, string? reference, bool expected)
    {
        Assert.Equal(expected, HostnameMatcher.MatchesDnsName(presented, reference));
    }

    [Fact]
    public void Matches_UsesSanDnsNames_AndIgnoresTheCnWhenThereAreAny()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, "cn-only.example.org", dnsNames: new[] { "mail.example.org", "*.mx.example.org" });

        Assert.True(HostnameMatcher.Matches(leaf, "mail.example.org"));
        Assert.True(HostnameMatcher.Matches(leaf, "a.mx.example.org"));
        Assert.False(HostnameMatcher.Matches(leaf, "cn-only.example.org"));
    }

    [Fact]
    public void Matches_FallsBackToTheCn_WhenThereIsNoSanDnsName()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, "legacy.example.org", noSan: true);

        Assert.True(HostnameMatcher.Matches(leaf, "legacy.example.org"));
        Assert.True(HostnameMatcher.Matches(leaf, "LEGACY.example.org."));
        Assert.False(HostnameMatcher.Matches(leaf, "other.example.org"));
    }

    [Fact]
    public void Matches_WildcardCn_FollowsTheSameRules()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, "*.example.org", noSan: true);

        Assert.True(HostnameMatcher.Matches(leaf, "mail.example.org"));
        Assert.False(HostnameMatcher.Matches(leaf, "a.b.example.org"));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("0:0:0:0:0:0:0:1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("192.0.2.10", false)]
    public void Matches_IpLiteral_OnlyAgainstSanIpAddresses(string name, bool expected)
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(
            intermediate,
            "192.0.2.10",
            dnsNames: new[] { "mail.example.org", "192.0.2.10" },
            addresses: new[] { IPAddress.Loopback, IPAddress.IPv6Loopback });

        Assert.Equal(expected, HostnameMatcher.Matches(leaf, name));
    }

    [Fact]
    public void Matches_IpLiteral_NeverMatchesTheCn()
    {
        var (_, intermediate, _) = TestPki.Chain();
        var leaf = TestPki.Leaf(intermediate, "127.0.0.1", noSan: true);

        Assert.False(HostnameMatcher.Matches(leaf, "127.0.0.1"));
    }

    [Fact]
    public void Matches_ChecksArguments()
    {
        var (_, _, leaf) = TestPki.Chain();

        Assert.Throws<ArgumentNullException>(() => HostnameMatcher.Matches(null!, "mail.example.org"));
        Assert.Throws<ArgumentException>(() => HostnameMatcher.Matches(leaf, " "));
        Assert.Throws<ArgumentException>(() => HostnameMatcher.Matches(leaf, null!));
    }

    [Theory]
    // Empty labels anywhere make a name malformed on either side.
    [InlineData("mail..example.org", "mail..example.org")]
    [InlineData(".example.org", ".example.org")]
    [InlineData("mail.example.org..", "mail.example.org")]
    [InlineData("mail.example.org", "mail.example.org..")]
    public void MatchesDnsName_EmptyLabel_NeverMatches(string presented, string reference)
    {
        Assert.False(HostnameMatcher.MatchesDnsName(presented, reference));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData(" 10.0.0.1 ", true)]
    [InlineData("[::1]", true)]
    [InlineData("::1", true)]
    [InlineData("127.1", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("1..2.3", false)]
    [InlineData("1.2.3.x", false)]
    [InlineData("\u0661.\u0662.\u0663.\u0664", false)]
    [InlineData("mail.example.org", false)]
    public void TryParseAddress_OnlyDottedQuadsAndIPv6AreLiterals(string name, bool expected)
    {
        Assert.Equal(expected, HostnameMatcher.TryParseAddress(name, out _));
    }
}
