using SmtpTls.Smtp;
using Xunit;

namespace SmtpTls.Tests.Smtp;

[Trait("Against", "Unit")]
public class SmtpCapabilitiesTests
{
    [Fact]
    public void AuthMechanisms_ReadsBothForms_UpperCased_WithoutDuplicatesOrEmptyWords()
    {
        var mechanisms = SmtpCapabilities.AuthMechanisms(new[]
        {
            "PIPELINING", "AUTH PLAIN  LOGIN", "AUTH=login\tCRAM-MD5 ", "auth xoauth2", "AUTH", "AUTH  ", "AUTHX GSSAPI", "SIZE 10",
        });

        Assert.Equal(new[] { "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" }, mechanisms);
    }

    [Theory]
    [InlineData("STARTTLS", true)]
    [InlineData("starttls", true)]
    [InlineData("STARTTLS extra", true)]
    [InlineData("STARTTLSX", false)]
    [InlineData("X-STARTTLS", false)]
    public void Has_MatchesTheKeywordAlone(string line, bool expected)
    {
        Assert.Equal(expected, SmtpCapabilities.Has(new[] { "PIPELINING", line }, "STARTTLS"));
    }
}
