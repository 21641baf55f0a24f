using System.Globalization;
using System.Linq;
using System.Text;
using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

[Trait("Against", "Unit")]
public class MtaStsPolicyParserTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public void ValidPolicy_CrLf_IsParsedCompletely()
    {
        var policy = MtaStsPolicyParser.Parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.net\r\nmx: *.example.org\r\nmax_age: 604800\r\n", English);

        Assert.True(policy.IsValid, string.Join("; ", policy.Errors.Select(e => e.ToString())));
        Assert.Equal("STSv1", policy.Version);
        Assert.Equal("enforce", policy.Mode);
        Assert.Equal(SmtpMtaStsMode.Enforce, policy.ModeValue);
        Assert.Equal(604800, policy.MaxAge);
        Assert.Equal(new[] { "mail.example.net", "*.example.org" }, policy.Mx);
    }

    [Fact]
    public void ValidPolicy_BareLfTabsExtensionsAndAnyFieldOrder_IsValid()
    {
        var policy = MtaStsPolicyParser.Parse("mode:\ttesting\nmx: mx1.example.net  \nx-note: served by nginx 1.2\nmax_age:86400\nversion: STSv1", English);

        Assert.True(policy.IsValid, string.Join("; ", policy.Errors.Select(e => e.ToString())));
        Assert.Equal(SmtpMtaStsMode.Testing, policy.ModeValue);
        Assert.Equal(86400, policy.MaxAge);
        Assert.Equal(new[] { "x-note: served by nginx 1.2" }, policy.Extensions);
    }

    [Fact]
    public void ModeNone_NeedsNoMx()
    {
        var policy = MtaStsPolicyParser.Parse("version: STSv1\nmode: none\nmax_age: 0\n", English);

        Assert.True(policy.IsValid);
        Assert.Equal(SmtpMtaStsMode.None, policy.ModeValue);
        Assert.Empty(policy.Mx);
    }

    [Fact]
    public void Errors_AreReportedLineByLine_WithTheOffendingText()
    {
        var text = string.Join("\n",
            "version: STSv2",          // 1 wrong version
            "mode: Enforce",           // 2 wrong case of the value
            "mx mail.example.net",     // 3 no colon
            " mx: mail.example.net",   // 4 leading blank
            "mx : mail.example.net",   // 5 blank before colon
            "Max_Age: 600",            // 6 case of the name
            "max_age: 99999999999",    // 7 eleven digits
            "mx: mail.example.net.",   // 8 trailing dot
            "mx: mail.*.example.net",  // 9 inner wildcard
            "mx: -bad.example.net",    // 10 hyphen at label start
            "mx: bücher.example",      // 11 not an A-label
            "mx:",                     // 12 empty value
            "version: STSv1",          // 13 duplicate
            "bad name: x");            // 14 invalid field name

        var policy = MtaStsPolicyParser.Parse(text, English);

        Assert.False(policy.IsValid);
        var lines = policy.Errors.Where(e => e.Line > 0).Select(e => e.Line).ToArray();
        Assert.Equal(Enumerable.Range(1, 14).ToArray(), lines);
        Assert.Equal("mx mail.example.net", policy.Errors.Single(e => e.Line == 3).Text);
        Assert.Contains("STSv2", policy.Errors.Single(e => e.Line == 1).Message);
        Assert.Contains("'max_age'", policy.Errors.Single(e => e.Line == 6).Message);
        Assert.Contains("trailing dot", policy.Errors.Single(e => e.Line == 8).Message);
        Assert.Contains("xn--bcher-kva.example", policy.Errors.Single(e => e.Line == 11).Message);
        Assert.Contains("line 1", policy.Errors.Single(e => e.Line == 13).Message);
    }

    [Fact]
    public void MissingFields_AreReportedForTheWholePolicy()
    {
        var policy = MtaStsPolicyParser.Parse("mode: enforce\n", English);

        var whole = policy.Errors.Where(e => e.Line == 0).Select(e => e.Message).ToArray();
        Assert.Contains(whole, m => m.Contains("'version'"));
        Assert.Contains(whole, m => m.Contains("'max_age'"));
        Assert.Contains(whole, m => m.Contains("no mx pattern"));
    }

    [Theory]
    [InlineData("31557600", true)]
    [InlineData("31557601", false)]
    [InlineData("0", true)]
    [InlineData("-1", false)]
    [InlineData("1e6", false)]
    public void MaxAge_IsBoundedByOneYear(string value, bool valid)
    {
        var policy = MtaStsPolicyParser.Parse($"version: STSv1\nmode: testing\nmx: a.example\nmax_age: {value}\n", English);

        Assert.Equal(valid, policy.IsValid);
    }

    [Fact]
    public void BlankLinesAndAByteOrderMark_AreTolerated()
    {
        var policy = MtaStsPolicyParser.Parse("\uFEFFversion: STSv1\n\nmode: testing\nmx: a.example\nmax_age: 60\n\n\n", English);

        Assert.True(policy.IsValid, string.Join("; ", policy.Errors.Select(e => e.ToString())));
    }

    [Fact]
    public void InvalidUtf8_IsAnErrorOfTheWholePolicy()
    {
        var bytes = Encoding.ASCII.GetBytes("version: STSv1\nmode: testing\nmx: a.example\nmax_age: 60\nx: ").Concat(new byte[] { 0xC3, 0x28 }).ToArray();

        var policy = MtaStsPolicyParser.Parse(bytes, English);

        Assert.Equal(0, policy.Errors[0].Line);
        Assert.Contains("UTF-8", policy.Errors[0].Message);
    }

    [Fact]
    public void Messages_AreGermanForGermanCulture()
    {
        var policy = MtaStsPolicyParser.Parse("version: STSv1\nmode: strict\n", CultureInfo.GetCultureInfo("de-DE"));

        Assert.Contains(policy.Errors, e => e.Message.Contains("Der Modus muss"));
        Assert.Contains(policy.Errors, e => e.Message.Contains("Pflichtfeld"));
    }
}
