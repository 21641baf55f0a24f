using System;
using System.Linq;
using SmtpTls.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns;

[Trait("Against", "Unit")]
public class DnsNamesTests
{
    [Theory]
    [InlineData("example.net", "example.net")]
    [InlineData("MX1.Example.NET.", "mx1.example.net")]
    [InlineData("  example.net  ", "example.net")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("mail.münchen.de", "mail.xn--mnchen-3ya.de")]
    [InlineData("_25._tcp.mx1.example.net", "_25._tcp.mx1.example.net")]
    [InlineData("_mta-sts.example.net", "_mta-sts.example.net")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void ToAscii_GivesLowerCasePunycodeWithoutTrailingDot(string input, string expected)
    {
        Assert.Equal(expected, DnsNames.ToAscii(input));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData(".", "required")]
    [InlineData("a..example", "empty label")]
    [InlineData(".example", "empty label")]
    [InlineData("exa mple.net", "contains")]
    [InlineData("mail@example.net", "contains")]
    [InlineData("192.0.2.1", "IP address")]
    [InlineData("2001:db8::1", "IP address")]
    public void TryToAscii_RejectsWithAReason(string input, string reasonPart)
    {
        Assert.False(DnsNames.TryToAscii(input, out var ascii, out var error));
        Assert.Null(ascii);
        Assert.Contains(reasonPart, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryToAscii_RejectsOverlongLabelsAndNames()
    {
        Assert.False(DnsNames.TryToAscii(new string('a', 64) + ".example", out _, out var label));
        Assert.Contains("63", label);
        var longName = string.Join(".", Enumerable.Repeat(new string('a', 60), 5));
        Assert.False(DnsNames.TryToAscii(longName, out _, out var name));
        Assert.Contains("253", name);
        Assert.True(DnsNames.TryToAscii(new string('a', 63) + ".example", out _, out _));
    }

    [Fact]
    public void ToUnicode_ShowsTheUnicodeFormAndNeverThrowsOnBadPunycode()
    {
        Assert.Equal("bücher.example", DnsNames.ToUnicode("xn--bcher-kva.example"));
        Assert.Equal("mx1.example", DnsNames.ToUnicode("mx1.example"));
        Assert.Equal("xn--zz.example", DnsNames.ToUnicode("xn--zz.example"));
    }

    [Fact]
    public void ToAscii_ThrowsArgumentExceptionForBadNames()
    {
        Assert.Throws<ArgumentNullException>(() => DnsNames.ToAscii(null!));
        Assert.Throws<ArgumentException>(() => DnsNames.ToAscii("a..b"));
    }
}
