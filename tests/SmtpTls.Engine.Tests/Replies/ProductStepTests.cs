using System.Globalization;
using System.Linq;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>Steps name the commands of the product the text names, and stay product-neutral otherwise.</summary>
[Trait("Against", "Unit")]
public class ProductStepTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Theory]
    [InlineData("454 4.7.0 TLS not available due to local problem", "Postfix", "postconf", "exim")]
    [InlineData("454 TLS currently unavailable", "Exim", "exim -bP", "postconf")]
    [InlineData("Dec  7 05:14:28 mx smtpd[812]: 4a5b6c7d8e9f0a1b smtp disconnected reason=tls-accept-failed", "OpenSMTPD", "smtpd -n", "postconf")]
    [InlineData("523 5.7.10 Cleartext authentication disallowed on non-secure (SSL/TLS) connections.", "Dovecot", "", "postconf")]
    [InlineData("554 5.7.3 Unable to initialize security subsystem", "Exchange", "Get-ExchangeCertificate", "postconf")]
    public void AdministratorSteps_UseTheNamedProductsCommands(string input, string server, string expected, string foreign)
    {
        var r = SmtpErrorResolver.Resolve(input, English);
        var de = SmtpErrorResolver.Resolve(input, German);

        Assert.Equal(server, r.ServerSoftware);
        var commands = r.Remediation.Where(s => s.Audience == SmtpRemediationAudience.Administrator).Select(s => s.Command).ToList();
        if (expected.Length > 0)
        {
            Assert.Contains(commands, c => c.Contains(expected));
        }

        Assert.DoesNotContain(commands, c => c.Contains(foreign));
        Assert.Equal(commands, de.Remediation.Where(s => s.Audience == SmtpRemediationAudience.Administrator).Select(s => s.Command));
    }

    [Fact]
    public void UnknownProduct_GetsProductNeutralSteps()
    {
        var r = SmtpErrorResolver.Resolve("454 4.7.0 TLS not available due to temporary reason", English);

        Assert.Equal(string.Empty, r.ServerSoftware);
        Assert.DoesNotContain(r.Remediation, s => s.Command.Contains("postconf") || s.Command.Contains("postfix check") || s.Command.Contains("exim") || s.Command.Contains("/var/log/mail.log"));
    }
}
