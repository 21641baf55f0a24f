using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class SmtpQueueIdTests
{
    [Theory]
    // Postfix, short hex and long (enable_long_queue_ids) forms.
    [InlineData("250 2.0.0 Ok: queued as 4Y7Q1f2abc", "4Y7Q1f2abc")]
    [InlineData("250 2.0.0 Ok: queued as 801DBB26304", "801DBB26304")]
    [InlineData("250 2.0.0 Ok: queued as 4XyZ3m1KpQz9bT", "4XyZ3m1KpQz9bT")]
    [InlineData("2.0.0 Ok: queued as 4Y7Q1f2abc", "4Y7Q1f2abc")]
    // Exim, classic and 4.97+ IDs.
    [InlineData("250 OK id=1rAbCd-000123-AB", "1rAbCd-000123-AB")]
    [InlineData("250 OK id=1tK9Zq-00000001Xy-2bcD", "1tK9Zq-00000001Xy-2bcD")]
    // Exchange Server and Exchange Online.
    [InlineData("250 2.6.0 <0123abcd@EX01.contoso.com> [InternalId=12345678901234, Hostname=EX01.contoso.com] Queued mail for delivery", "12345678901234")]
    [InlineData("250 2.6.0 <b7c1@AM0PR01MB1234.eurprd01.prod.exchangelabs.com> [InternalId=5360119845093, Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com] 10832 bytes in 0.101, 104.254 KB/sec Queued mail for delivery", "5360119845093")]
    // Gmail.
    [InlineData("250 2.0.0 OK  1700000000 x12-20020a170902c94c00b001dd6f5e2f8bsi1234567plh.123 - gsmtp", "x12-20020a170902c94c00b001dd6f5e2f8bsi1234567plh.123")]
    [InlineData("250 2.0.0 OK 1714064372 a640c23a62f3a-a55a3f3b6c7si123456ejc.12 - gsmtp", "a640c23a62f3a-a55a3f3b6c7si123456ejc.12")]
    // Sendmail and qmail.
    [InlineData("250 2.0.0 4A1LxYp3012345 Message accepted for delivery", "4A1LxYp3012345")]
    [InlineData("250 ok 1700000000 qp 12345", "12345")]
    public void Parse_FindsTheQueueId(string reply, string expected)
    {
        Assert.Equal(expected, SmtpQueueId.Parse(reply));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("250 2.0.0 Ok")]
    [InlineData("250 Message accepted")]
    [InlineData("250 2.0.0 OK  1700000000 - gsmtp")]
    // A refusal never names a queued message, even when its words look like one.
    [InlineData("554 5.7.1 Message rejected, id=1rAbCd-000123-AB")]
    [InlineData("451 4.3.0 Error: queue file write error, queued as nothing")]
    public void Parse_ReturnsNull_WithoutAQueueId(string? reply)
    {
        Assert.Null(SmtpQueueId.Parse(reply));
    }

    [Fact]
    public void Parse_ReadsMultiLineReplies()
    {
        Assert.Equal("4Y7Q1f2abc", SmtpQueueId.Parse("250-2.0.0 Ok\n250 2.0.0 Ok: queued as 4Y7Q1f2abc"));
    }
}
