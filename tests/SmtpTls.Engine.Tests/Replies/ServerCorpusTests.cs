using System.Globalization;
using System.Linq;
using SmtpTls.Replies;
using Xunit;
using Xunit.Abstractions;

namespace SmtpTls.Tests.Replies;

/// <summary>
/// The server corpus (<c>Replies/Corpus/servers.tsv</c>, rows checked one by one by <see cref="CorpusReplyTests"/>):
/// its size and spread, and the accuracy per corpus file and family, printed for the record.
/// </summary>
[Trait("Against", "Unit")]
public class ServerCorpusTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private readonly ITestOutputHelper _output;

    public ServerCorpusTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void TheServerCorpus_HasAtLeast180RealInputsFromTenFamilies()
    {
        var servers = CorpusReplyTests.All.Where(r => r.File == "servers.tsv").ToList();

        Assert.True(servers.Count >= 180, $"only {servers.Count} server rows");
        var families = servers.Select(r => r.Family).Distinct().Count();
        Assert.True(families >= 10, $"only {families} families");
        Assert.True(servers.Count(r => r.Server.Length > 0) >= 150, "fewer than 150 rows name their product");
    }

    [Fact]
    public void Accuracy_IsReportedPerFileAndFamily()
    {
        foreach (var group in CorpusReplyTests.All.GroupBy(r => r.File + " " + r.Family).OrderBy(g => g.Key))
        {
            var right = 0;
            var named = 0;
            var nameable = 0;
            foreach (var row in group)
            {
                var r = SmtpErrorResolver.Resolve(row.Input, English);
                right += r.ReplyCode == row.Code && r.EnhancedStatusCode == row.Esc && r.IsTransient == row.Transient && r.Category == row.Category ? 1 : 0;
                if (row.Server.Length > 0)
                {
                    nameable++;
                    named += r.ServerSoftware == row.Server ? 1 : 0;
                }
            }

            _output.WriteLine($"{group.Key}: {right}/{group.Count()} right on code, enhanced code, transient and category; product named in {named}/{nameable}");
        }
    }
}
