using System.Globalization;
using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

[Trait("Against", "Unit")]
public class MtaStsRecordParserTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Theory]
    [InlineData("v=STSv1; id=20261128T000000;")]
    [InlineData("v=STSv1;id=1")]
    [InlineData("v=STSv1 ;\tid=abcDEF123 ; ")]
    [InlineData("v=STSv1; id=12345678901234567890123456789012; ext.name-1=value:with/colons")]
    public void ValidRecords(string text)
    {
        var record = MtaStsRecordParser.Parse(text, English);

        Assert.True(record.IsValid, string.Join("; ", record.Errors));
        Assert.Equal("STSv1", record.Version);
        Assert.NotNull(record.Id);
    }

    [Theory]
    [InlineData("v=STSv1", "no id field")]
    [InlineData("v=STSv1;", "no id field")]
    [InlineData("v=STSv1; id=2026-11-28", "1 to 32 letters")]
    [InlineData("v=STSv1; id=123456789012345678901234567890123", "1 to 32 letters")]
    [InlineData("v=STSv1; id=", "1 to 32 letters")]
    [InlineData("v=STSv1; ID=1", "case-sensitive")]
    [InlineData("v=STSv1; id=1; id=2", "more than once")]
    [InlineData("v=STSv1;; id=1", "empty field")]
    [InlineData("v=STSv1; id 1", "not a name=value")]
    [InlineData("v=STSv1; id=1; x=a b", "not a valid field")]
    [InlineData(" v=STSv1; id=1", "does not begin")]
    [InlineData("v=stsv1; id=1", "does not begin")]
    public void InvalidRecords_SayWhy(string text, string expected)
    {
        var record = MtaStsRecordParser.Parse(text, English);

        Assert.False(record.IsValid);
        Assert.Contains(record.Errors, e => e.Contains(expected));
    }

    [Fact]
    public void Select_DiscardsOtherRecordsAndTakesTheOneStsRecord()
    {
        var record = MtaStsRecordParser.Select(new[] { "google-site-verification=abc", "v=STSv1; id=42", "v=spf1 -all" }, English);

        Assert.NotNull(record);
        Assert.Equal("42", record!.Id);
        Assert.True(record.IsValid);
    }

    [Fact]
    public void Select_SeveralStsRecords_IsInvalid()
    {
        var record = MtaStsRecordParser.Select(new[] { "v=STSv1; id=1", "v=STSv1; id=2" }, English);

        Assert.NotNull(record);
        Assert.False(record!.IsValid);
        Assert.Contains("2 records", record.Errors[0]);
    }

    [Fact]
    public void Select_NoCandidate_IsNull_ButALookalikeIsReportedAsInvalid()
    {
        Assert.Null(MtaStsRecordParser.Select(new[] { "v=spf1 -all" }, English));
        Assert.Null(MtaStsRecordParser.Select(new string[0], English));

        var lookalike = MtaStsRecordParser.Select(new[] { "V=STSV1; id=1" }, English);
        Assert.NotNull(lookalike);
        Assert.False(lookalike!.IsValid);
    }

    [Fact]
    public void StsV10_IsNoCandidate()
    {
        Assert.False(MtaStsRecordParser.IsStsRecord("v=STSv10; id=1"));
        Assert.True(MtaStsRecordParser.IsStsRecord("v=STSv1"));
        Assert.True(MtaStsRecordParser.IsStsRecord("v=STSv1 ; id=1"));
    }
}
