using System;
using System.Text;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

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
    public void For_ShortPassword_ScrubsOnlyItsEncodedForms()
    {
        // A three-character password would otherwise blank out reply codes and common words.
        var scrubber = SecretScrubber.For("u", "250");
        Assert.Equal("S: 250 2.0.0 Ok", scrubber.Scrub("S: 250 2.0.0 Ok"));
        Assert.Equal("C: ***", scrubber.Scrub("C: " + B64("\0u\0250")));
    }

    [Fact]
    public void None_ChangesNothing()
    {
        Assert.Empty(SecretScrubber.None.Secrets);
        Assert.Equal("C: AUTH PLAIN abc", SecretScrubber.None.Scrub("C: AUTH PLAIN abc"));
        Assert.Same(SecretScrubber.None, SecretScrubber.For(null, null));
    }
}
