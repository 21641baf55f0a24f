using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

[Trait("Against", "Unit")]
public class MtaStsMxPatternTests
{
    [Theory]
    [InlineData("mail.example.net", "mail.example.net", true)]
    [InlineData("mail.example.net", "MAIL.Example.NET.", true)]
    [InlineData("mail.example.net", "mail2.example.net", false)]
    [InlineData("*.example.net", "mail.example.net", true)]
    [InlineData("*.example.net", "example.net", false)]
    [InlineData("*.example.net", "a.mail.example.net", false)]
    [InlineData("*.example.net", "mail.example.org", false)]
    [InlineData("*.Example.Net", "mx.example.net", true)]
    [InlineData("xn--bcher-kva.example", "bücher.example", true)]
    [InlineData("*.xn--bcher-kva.example", "mx.bücher.example", true)]
    [InlineData("mail.example.net.", "mail.example.net", false)]
    [InlineData("mail.*.net", "mail.example.net", false)]
    [InlineData("*", "mail", false)]
    [InlineData("", "mail.example.net", false)]
    public void Matches(string pattern, string host, bool expected)
    {
        Assert.Equal(expected, MtaStsMxPattern.Matches(pattern, host));
    }

    [Theory]
    [InlineData("mail.example.net", true)]
    [InlineData("*.example.net", true)]
    [InlineData("localhost", true)]
    [InlineData("mail_1.example.net", false)]
    [InlineData("mail..example.net", false)]
    [InlineData("**.example.net", false)]
    [InlineData("*mail.example.net", false)]
    [InlineData("mail-.example.net", false)]
    public void IsValid(string pattern, bool expected)
    {
        Assert.Equal(expected, MtaStsMxPattern.IsValid(pattern, out _));
    }
}
