using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>
/// The corpus files <c>Replies/Corpus/*.tsv</c>: real inputs, each with its source, and what Resolve-SmtpError
/// must say about them. Columns: id, family, lang, input (\n, \t and \\ escaped), code, esc, transient, category,
/// server (empty = not checked), source. Every row is resolved with an English and a German output culture:
/// the classification is keyed by meaning and must not depend on the culture, and the remediation must be
/// there in both languages.
/// </summary>
[Trait("Against", "Unit")]
public class CorpusReplyTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");
    private static readonly string[] Header = { "id", "family", "lang", "input", "code", "esc", "transient", "category", "server", "source" };

    /// <summary>One corpus row.</summary>
    public sealed record Row(string File, string Id, string Family, string Lang, string Input, int Code, string Esc, bool Transient, SmtpErrorCategory Category, string Server, string Source);

    /// <summary>All rows of all corpus files.</summary>
    public static IReadOnlyList<Row> All { get; } = Load();

    /// <summary>The rows as theory data: file and id, so that each row is its own test case.</summary>
    public static IEnumerable<object[]> Rows => All.Select(r => new object[] { r.File, r.Id });

    [Fact]
    public void TheClientCorpusHasEnoughRealInputs_EachWithASource()
    {
        var clients = All.Where(r => r.File == "clients.tsv").ToList();

        Assert.True(clients.Count >= 120, $"only {clients.Count} client rows");
        Assert.True(clients.Count(r => r.Lang == "de") >= 60, $"only {clients.Count(r => r.Lang == "de")} German rows");
        Assert.True(clients.Select(r => r.Family).Distinct().Count() >= 12, "fewer than 12 families");
        Assert.All(All, r => Assert.True(r.Source.Length >= 10, $"{r.File}/{r.Id} has no real source"));
        Assert.Equal(All.Count, All.Select(r => r.File + "/" + r.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void CorpusInput_IsResolvedAsExpected_InBothLanguages(string file, string id)
    {
        var row = All.Single(r => r.File == file && r.Id == id);
        var en = SmtpErrorResolver.Resolve(row.Input, English);
        var de = SmtpErrorResolver.Resolve(row.Input, German);

        var context = $"{file}/{id} ({row.Source}): rule {en.RuleId}";
        Assert.True(row.Code == en.ReplyCode, $"{context}: ReplyCode {en.ReplyCode}, expected {row.Code}");
        Assert.True(row.Esc == en.EnhancedStatusCode, $"{context}: EnhancedStatusCode '{en.EnhancedStatusCode}', expected '{row.Esc}'");
        Assert.True(row.Transient == en.IsTransient, $"{context}: IsTransient {en.IsTransient}, expected {row.Transient}");
        Assert.True(row.Category == en.Category, $"{context}: Category {en.Category}, expected {row.Category}");
        if (row.Server.Length > 0)
        {
            Assert.True(row.Server == en.ServerSoftware, $"{context}: ServerSoftware '{en.ServerSoftware}', expected '{row.Server}'");
        }

        // Keyed by meaning: the output culture changes the words, never the classification.
        Assert.Equal(en.RuleId, de.RuleId);
        Assert.Equal(en.Category, de.Category);
        Assert.Equal(en.IsTransient, de.IsTransient);

        // The remediation is rendered in both languages, step for step.
        Assert.NotEqual(string.Empty, en.RuleId);
        Assert.NotEmpty(en.Remediation);
        Assert.Equal(en.Remediation.Select(s => s.Id), de.Remediation.Select(s => s.Id));
        Assert.All(en.Remediation.Zip(de.Remediation, (e, d) => (e, d)), p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.e.Action));
            Assert.False(string.IsNullOrWhiteSpace(p.d.Action));
            Assert.NotEqual(p.e.Action, p.d.Action);
        });
        Assert.Equal("en-US", en.Culture);
        Assert.Equal("de-DE", de.Culture);
        Assert.NotEqual(en.Summary, de.Summary);
    }

    private static List<Row> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Replies", "Corpus");
        var rows = new List<Row>();
        foreach (var path in Directory.GetFiles(folder, "*.tsv").OrderBy(p => p, StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            string[]? columns = null;
            foreach (var line in File.ReadAllLines(path, Encoding.UTF8))
            {
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line.Split('\t');
                if (columns is null)
                {
                    columns = fields;
                    Assert.Equal(Header, columns);
                    continue;
                }

                Assert.True(fields.Length == Header.Length, $"{file}: {fields.Length} columns in '{line}'");
                rows.Add(new Row(
                    file,
                    fields[0],
                    fields[1],
                    fields[2],
                    Unescape(fields[3]),
                    int.Parse(fields[4], CultureInfo.InvariantCulture),
                    fields[5],
                    bool.Parse(fields[6]),
                    (SmtpErrorCategory)Enum.Parse(typeof(SmtpErrorCategory), fields[7]),
                    fields[8],
                    fields[9]));
            }
        }

        return rows;
    }

    private static string Unescape(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                builder.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
                continue;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
    }
}
