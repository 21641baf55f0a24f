using System;
using System.Text;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class SecretScrubberTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void For_CoversPasswordAndThePlainAndLoginForms()
    {
        var scrubber = SecretScrubber.For("tester@smtptls.test", "s3cret-Pa55");
        Assert.Contains("s3cret-Pa55", scrubber.Secrets);
        Assert.Contains(B64("\0tester@smtptls.test\0s3cret-Pa55"), scrubber.Secrets);
        Assert.Contains(B64("tester@smtptls.test\0tester@smtptls.test\0s3cret-Pa55"), scrubber.Secrets);
        Assert.Contains(B64("tester@smtptls.test"), scrubber.Secrets);
        Assert.Contains(B64("s3cret-Pa55"), scrubber.Secrets);
    }

    [Fact]
    public void Scrub_ReplacesEveryForm_InAnyLine()
    {
        var scrubber = SecretScrubber.For("tester", "s3cret-Pa55");
        var line = "S: 535 5.7.8 bad " + B64("\0tester\0s3cret-Pa55") + " and s3cret-Pa55 and " + B64("s3cret-Pa55");
        var scrubbed = scrubber.Scrub(line);
        Assert.DoesNotContain("s3cret", scrubbed);
        Assert.DoesNotContain(B64("s3cret-Pa55"), scrubbed);
        Assert.Equal("S: 535 5.7.8 bad *** and *** and ***", scrubbed);
    }

    [Fact]
    public void For_ShortPassword_ScrubsItWhereItStandsAlone_AndAllEncodedForms()
    {
        // Under 4 characters the exact token is masked where it is delimited (over-masking a reply code
        // rather than leaking), never inside a longer word.
        var scrubber = SecretScrubber.For("u", "ab3");
        Assert.Equal("S: 535 5.7.8 password *** rejected", scrubber.Scrub("S: 535 5.7.8 password ab3 rejected"));
        Assert.Equal("S: 535 \"***\"", scrubber.Scrub("S: 535 \"ab3\""));
        Assert.Equal("S: 250 cab3d Ok", scrubber.Scrub("S: 250 cab3d Ok"));
        Assert.Equal("C: ***", scrubber.Scrub("C: " + B64("\0u\0ab3")));
        Assert.Equal("C: ***", scrubber.Scrub("C: " + B64("\0u\0ab3").TrimEnd('=')));
        Assert.Equal("S: 334 ***", scrubber.Scrub("S: 334 " + B64("ab3")));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("12")]
    [InlineData("Pa\u00df")]
    [InlineData("correct horse battery staple")]
    public void Scrub_RemovesEverySaslForm_OfAnyLength(string password)
    {
        var scrubber = SecretScrubber.For("tester@smtptls.test", password);
        var forms = new[]
        {
            password,
            B64("\0tester@smtptls.test\0" + password),
            B64("tester@smtptls.test\0tester@smtptls.test\0" + password),
            B64(password),
        };
        foreach (var form in forms)
        {
            foreach (var variant in new[] { form, form.TrimEnd('=') })
            {
                var scrubbed = scrubber.Scrub("535 5.7.8 echo: " + variant + " (rejected)");
                Assert.Equal("535 5.7.8 echo: *** (rejected)", scrubbed.Replace("***=", "***").Replace("***=", "***"));
            }
        }
    }

    [Fact]
    public void None_ChangesNothing()
    {
        Assert.Empty(SecretScrubber.None.Secrets);
        Assert.Equal("C: AUTH PLAIN abc", SecretScrubber.None.Scrub("C: AUTH PLAIN abc"));
        Assert.Same(SecretScrubber.None, SecretScrubber.For(null, null));
    }
}
