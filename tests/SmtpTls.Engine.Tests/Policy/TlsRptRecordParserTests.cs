using System.Globalization;
using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

[Trait("Against", "Unit")]
public class TlsRptRecordParserTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public void ValidRecord_WithSeveralDestinations()
    {
        var record = TlsRptRecordParser.Parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.net, https://reports.example.net/tlsrpt ;", English);

        Assert.True(record.IsValid, string.Join("; ", record.Errors));
        Assert.Equal(new[] { "mailto:tlsrpt@example.net", "https://reports.example.net/tlsrpt" }, record.Rua);
    }

    [Theory]
    [InlineData("v=TLSRPTv1;", "no rua field")]
    [InlineData("v=TLSRPTv1; rua=http://reports.example.net/", "not a usable report destination")]
    [InlineData("v=TLSRPTv1; rua=mailto:nobody", "not a usable report destination")]
    [InlineData("v=TLSRPTv1; rua=tlsrpt@example.net", "not a usable report destination")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.net,", "not a usable report destination")]
    [InlineData("v=TLSRPTv1; RUA=mailto:a@example.net", "case-sensitive")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.net; rua=mailto:b@example.net", "more than once")]
    [InlineData("v=TLSRPTv2; rua=mailto:a@example.net", "does not begin")]
    public void InvalidRecords_SayWhy(string text, string expected)
    {
        var record = TlsRptRecordParser.Parse(text, English);

        Assert.False(record.IsValid);
        Assert.Contains(record.Errors, e => e.Contains(expected));
    }

    [Fact]
    public void Select_FollowsRfc8460()
    {
        Assert.Null(TlsRptRecordParser.Select(new[] { "v=spf1 -all" }, English));
        Assert.True(TlsRptRecordParser.Select(new[] { "x", "v=TLSRPTv1; rua=mailto:a@example.net" }, English)!.IsValid);
        Assert.False(TlsRptRecordParser.Select(new[] { "v=TLSRPTv1; rua=mailto:a@example.net", "v=TLSRPTv1; rua=mailto:b@example.net" }, English)!.IsValid);
    }

    [Fact]
    public void TxtStringsJoinedWithoutSeparator_AreOneRecord()
    {
        // A record split over two TXT strings arrives joined, as the DNS layer reads it (RFC 8460 section 3).
        var record = TlsRptRecordParser.Parse("v=TLSRPTv1; " + "rua=mailto:tlsrpt@smtptls.test", English);

        Assert.True(record.IsValid);
    }
}
