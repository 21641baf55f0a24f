using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

[Trait("Against", "Unit")]
public class CommandArgumentTests
{
    [Theory]
    [InlineData("mail.example.com", "mail.example.com")]
    [InlineData("MX1.Example.NET.", "MX1.Example.NET.")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("2001:db8::1", "'2001:db8::1'")]
    [InlineData("[2001:db8::1]", "'2001:db8::1'")]
    [InlineData("IPv6:2001:db8::1", "'2001:db8::1'")]
    [InlineData("b\u00fccher.example", "xn--bcher-kva.example")]
    [InlineData("1kb", "'1kb'")]
    [InlineData("1.5", "'1.5'")]
    [InlineData("163.com", "'163.com'")]
    public void TryHost_AcceptsHostNamesAndAddressLiterals(string value, string argument)
    {
        Assert.True(CommandArgument.TryHost(value, out var actual));
        Assert.Equal(argument, actual);
    }

    [Theory]
    [InlineData("a\u2019;ni(\u2019/tmp/PWNED\u2019);#")]
    [InlineData("x';rm -rf /;'")]
    [InlineData("-Confirm")]
    [InlineData("host-.example")]
    [InlineData("$(Get-Process)")]
    [InlineData("a b")]
    [InlineData("a\u001b[2J")]
    [InlineData("fe80::1%eth0")]
    [InlineData("under_score.example")]
    [InlineData("")]
    [InlineData("..")]
    public void TryHost_RefusesEverythingElse(string value)
    {
        Assert.False(CommandArgument.TryHost(value, out var argument));
        Assert.Equal(string.Empty, argument);
    }

    [Fact]
    public void SingleQuoted_DoublesEveryQuoteCharacterPowerShellKnows()
    {
        Assert.Equal("'a''b\u2018\u2018c\u2019\u2019d\u201a\u201ae\u201b\u201b'", CommandArgument.SingleQuoted("a'b\u2018c\u2019d\u201ae\u201b"));
    }
}
