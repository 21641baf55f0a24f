using Xunit;

namespace SmtpTls.Tests.Probing;

[Trait("Against", "Unit")]
public class SmtpExtensionsTests
{
    [Fact]
    public void FromKeywords_ReadsTheFlagsAndTheSizeValue_CaseInsensitive()
    {
        var extensions = SmtpExtensions.FromKeywords(new[] { "PIPELINING", "size 35882577", "8BITMIME", "requiretls", "SMTPUTF8", "CHUNKING", "AUTH PLAIN" });

        Assert.True(extensions.RequireTls);
        Assert.True(extensions.SmtpUtf8);
        Assert.True(extensions.Chunking);
        Assert.True(extensions.EightBitMime);
        Assert.True(extensions.Pipelining);
        Assert.True(extensions.Size);
        Assert.Equal(35882577, extensions.MaxMessageSize);
        Assert.Equal("REQUIRETLS SMTPUTF8 CHUNKING 8BITMIME PIPELINING SIZE 35882577", extensions.ToString());
    }

    [Theory]
    [InlineData("SIZE", null)]
    [InlineData("SIZE 0", 0L)]
    [InlineData("SIZE -5", null)]
    [InlineData("SIZE 99999999999999999999999", null)]
    [InlineData("  SIZE \t 52428800  ", 52428800L)]
    [InlineData("SIZE\t1024 extra", 1024L)]
    [InlineData("SIZE x 1024", null)]
    public void FromKeywords_SizeWithoutAUsableNumber_IsAdvertisedWithoutAValue(string line, long? expected)
    {
        var extensions = SmtpExtensions.FromKeywords(new[] { line });
        Assert.True(extensions.Size);
        Assert.Equal(expected, extensions.MaxMessageSize);
    }

    [Fact]
    public void FromKeywords_LookalikesAreNotTheExtension()
    {
        var extensions = SmtpExtensions.FromKeywords(new[] { "X-REQUIRETLS", "REQUIRETLSX", "8BITMIMEX", "" });
        Assert.False(extensions.RequireTls);
        Assert.False(extensions.EightBitMime);
    }
}
