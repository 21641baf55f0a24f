using System;
using SmtpTls.Probing;
using Xunit;

namespace SmtpTls.Tests.Probing;

[Trait("Against", "Unit")]
public class SmtpTargetTests
{
    [Theory]
    [InlineData("mx.example.org", "mx.example.org", null, false)]
    [InlineData("MX.Example.ORG.", "mx.example.org", null, false)]
    [InlineData("mx.example.org:587", "mx.example.org", 587, false)]
    [InlineData("  mail :25", null, null, false)]
    [InlineData("192.0.2.10", "192.0.2.10", null, true)]
    [InlineData("192.0.2.10:465", "192.0.2.10", 465, true)]
    [InlineData("::1", "::1", null, true)]
    [InlineData("2001:db8::25", "2001:db8::25", null, true)]
    [InlineData("[::1]:25", "::1", 25, true)]
    [InlineData("[2001:db8::1]", "2001:db8::1", null, true)]
    [InlineData("smtp://mx.example.org:2525/", "mx.example.org", 2525, false)]
    [InlineData("localhost", "localhost", null, false)]
    public void Parse_AcceptsTheSpellingsAdminsUse(string input, string? host, int? port, bool isIp)
    {
        if (host is null)
        {
            Assert.False(SmtpTarget.TryParse(input, out _, out var error));
            Assert.NotNull(error);
            return;
        }

        var target = SmtpTarget.Parse(input);
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(isIp, target.IsIPAddress);
    }

    [Fact]
    public void Parse_InternationalName_BecomesALabel()
    {
        Assert.Equal("xn--mller-kva.example", SmtpTarget.Parse("müller.example").Host);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("mx example.org")]
    [InlineData("mx.example.org:0")]
    [InlineData("mx.example.org:65536")]
    [InlineData("mx.example.org:smtp")]
    [InlineData("[::1")]
    [InlineData("[::1]25")]
    [InlineData("[mx.example.org]:25")]
    [InlineData("-mx.example.org")]
    [InlineData("bad name!")]
    public void TryParse_RejectsUnusableInput_WithAReason(string input)
    {
        Assert.False(SmtpTarget.TryParse(input, out var target, out var error));
        Assert.Null(target);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => SmtpTarget.Parse(input));
    }

    [Fact]
    public void Parse_Null_Throws() => Assert.Throws<ArgumentNullException>(() => SmtpTarget.Parse(null!));

    [Theory]
    [InlineData("[::1]:25", "[::1]:25")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("Mx.Example.Org:587", "mx.example.org:587")]
    public void ToString_RoundTrips(string input, string expected) => Assert.Equal(expected, SmtpTarget.Parse(input).ToString());

    [Fact]
    public void Parse_ShortNumericNames_AreHostNamesNotAddresses()
    {
        // IPAddress.TryParse would read "10.1" as 10.0.0.1; a mail admin means a name there.
        Assert.False(SmtpTarget.Parse("10.1").IsIPAddress);
    }
}
