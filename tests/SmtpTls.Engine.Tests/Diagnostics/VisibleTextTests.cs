using SmtpTls.Diagnostics;
using Xunit;

namespace SmtpTls.Tests.Diagnostics;

[Trait("Against", "Unit")]
public class VisibleTextTests
{
    [Theory]
    [InlineData("\u001b]0;PWNED\u0007", "\\x1b]0;PWNED\\x07")]
    [InlineData("\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H")]
    [InlineData("a\u009b31mb", "a\\x9b31mb")]
    [InlineData("x\u202ey", "x\\u202ey")]
    [InlineData("tab\there", "tab\\x09here")]
    [InlineData("del\u007f", "del\\x7f")]
    [InlineData("plain 250 2.0.0 Ok \u00e4\u00f6\u00fc \u2019", "plain 250 2.0.0 Ok \u00e4\u00f6\u00fc \u2019")]
    [InlineData("emoji \ud83d\ude00 kept", "emoji \ud83d\ude00 kept")]
    public void Escape_ShowsEveryControlCharacter_AndKeepsTheRest(string input, string expected)
    {
        Assert.Equal(expected, VisibleText.Escape(input));
        Assert.False(VisibleText.HasUnsafe(VisibleText.Escape(input)));
    }

    [Fact]
    public void EscapeLines_KeepsLineFeeds()
    {
        Assert.Equal("454 a\\x1b[2J\n454 b", VisibleText.EscapeLines("454 a\u001b[2J\r\n454 b"));
        Assert.Null(VisibleText.Escape(null));
        Assert.Equal("lone \\ud83d surrogate", VisibleText.Escape("lone " + (char)0xd83d + " surrogate"));
    }
}
