using System;
using System.Linq;
using Xunit;

namespace SmtpTls.Tests.Dns;

[Trait("Against", "Unit")]
public class DnsTestZoneTests
{
    [Theory]
    [InlineData("mx1.smtptls.test A 127.0.0.1", "host-record=mx1.smtptls.test,127.0.0.1")]
    [InlineData("mx1.smtptls.test. AAAA ::1", "host-record=mx1.smtptls.test,::1")]
    [InlineData("smtptls.test MX 10 mx1.smtptls.test.", "mx-host=smtptls.test,mx1.smtptls.test,10")]
    [InlineData("nullmx.smtptls.test MX 0 .", "mx-host=nullmx.smtptls.test,.,0")]
    [InlineData("alias.smtptls.test CNAME mx1.smtptls.test", "cname=alias.smtptls.test,mx1.smtptls.test")]
    [InlineData("_mta-sts.smtptls.test TXT \"v=STSv1; id=1\"", "txt-record=_mta-sts.smtptls.test,\"v=STSv1; id=1\"")]
    [InlineData("t.smtptls.test TXT \"a, b\" \"c\"", "txt-record=t.smtptls.test,\"a, b\",\"c\"")]
    [InlineData("_25._tcp.mx1.smtptls.test TLSA 3 1 1 abcdef", "dns-rr=_25._tcp.mx1.smtptls.test,52,030101abcdef")]
    [InlineData("x.smtptls.test TYPE257 0005697373756561", "dns-rr=x.smtptls.test,257,0005697373756561")]
    public void ZoneLines_BecomeDnsmasqOptions(string line, string option)
    {
        Assert.Equal(option, DnsTestZone.ToOption(line));
    }

    [Theory]
    [InlineData("onlyname")]
    [InlineData("a.test MX 10")]
    [InlineData("a.test SRV 0 0 25 b.test")]
    [InlineData("a.test TXT \"unclosed")]
    public void BadLines_FailWhereTheyAreWritten(string line)
    {
        Assert.Throws<FormatException>(() => new DnsTestZone().Add(line));
    }

    [Fact]
    public void EveryTopLevelDomainUsed_IsAnsweredLocallyOnly()
    {
        var zone = new DnsTestZone().Add("a.smtptls.test A 127.0.0.1", "b.example MX 10 a.smtptls.test").ServFail("broken.invalid");

        Assert.Equal(new[] { "local=/test/", "local=/example/", "local=/invalid/" }, zone.ToDnsmasqOptions().Take(3));
    }
}
