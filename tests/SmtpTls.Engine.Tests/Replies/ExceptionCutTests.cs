using System;
using System.Globalization;
using System.Linq;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

[Trait("Against", "Unit")]
public class ExceptionCutTests
{
    [Fact]
    public void HugeExceptionMessage_IsCutWithAMarker_NotDropped_AndNotCalledTooManyExceptions()
    {
        var exception = new InvalidOperationException("454 4.7.0 TLS not available due to local problem " + new string('x', 100_000));
        var resolution = SmtpErrorResolver.Resolve(exception, CultureInfo.GetCultureInfo("en-US"));

        Assert.Equal(454, resolution.ReplyCode);
        Assert.Contains("[...cut]", resolution.Input);
        Assert.Contains(resolution.Warnings, w => w.Contains("cut there"));
        Assert.DoesNotContain(resolution.Warnings, w => w.Contains("more than 32 exceptions"));
    }

    [Fact]
    public void LongChain_StillSaysTheChainWasCut()
    {
        Exception exception = new InvalidOperationException("454 4.7.0 TLS not available");
        for (var i = 0; i < 40; i++)
        {
            exception = new InvalidOperationException("wrapper " + i, exception);
        }

        var resolution = SmtpErrorResolver.Resolve(exception, CultureInfo.GetCultureInfo("en-US"));
        Assert.Contains(resolution.Warnings, w => w.Contains("more than 32 exceptions"));
        Assert.DoesNotContain(resolution.Warnings, w => w.Contains("cut there"));
    }
}
