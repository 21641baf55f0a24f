using System.Globalization;
using System.Linq;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>The table of real replies (<see cref="RealWorldReplies"/>) against the shipped knowledge.</summary>
[Trait("Against", "Unit")]
public class RealWorldReplyTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public void TheTableHasAtLeastSixtyRealInputs_EachWithASource()
    {
        Assert.True(RealWorldReplies.All.Count >= 60, $"only {RealWorldReplies.All.Count} rows");
        Assert.All(RealWorldReplies.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Source), c.Id));
        Assert.Equal(RealWorldReplies.All.Count, RealWorldReplies.All.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void TheTableCoversEveryCategory()
    {
        var covered = RealWorldReplies.All.Select(c => c.Category).Distinct().ToHashSet();
        foreach (SmtpErrorCategory category in System.Enum.GetValues(typeof(SmtpErrorCategory)))
        {
            Assert.Contains(category, covered);
        }
    }

    [Theory]
    [MemberData(nameof(RealWorldReplies.Rows), MemberType = typeof(RealWorldReplies))]
    public void RealReply_IsResolvedAsExpected(string id, string source, string input, int code, string esc, bool transient, SmtpErrorCategory category, string server)
    {
        var r = SmtpErrorResolver.Resolve(input, English);

        var context = $"{id} ({source}): rule {r.RuleId}";
        Assert.True(code == r.ReplyCode, $"{context}: ReplyCode {r.ReplyCode}, expected {code}");
        Assert.True(esc == r.EnhancedStatusCode, $"{context}: EnhancedStatusCode '{r.EnhancedStatusCode}', expected '{esc}'");
        Assert.True(transient == r.IsTransient, $"{context}: IsTransient {r.IsTransient}, expected {transient}");
        Assert.True(category == r.Category, $"{context}: Category {r.Category}, expected {category}");
        if (server.Length > 0)
        {
            Assert.True(server == r.ServerSoftware, $"{context}: ServerSoftware '{r.ServerSoftware}', expected '{server}'");
        }

        // Every recognised reply explains itself: a rule, a summary and at least one step.
        Assert.NotEqual(string.Empty, r.RuleId);
        Assert.NotEqual(string.Empty, r.Summary);
        Assert.NotEmpty(r.Remediation);
        Assert.Equal("en-US", r.Culture);
    }
}
