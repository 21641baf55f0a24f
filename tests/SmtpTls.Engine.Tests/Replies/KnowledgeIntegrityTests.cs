using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SmtpTls.Localization;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>The shipped knowledge files are complete, sourced, bilingual and consistent.</summary>
[Trait("Against", "Unit")]
public class KnowledgeIntegrityTests
{
    private static readonly KnowledgeBase Kb = KnowledgeBase.Instance;

    [Fact]
    public void AllKnowledgeFilesAreEmbeddedAndRead()
    {
        // Every XML file of the source folder, so that a new knowledge file that is not embedded fails here.
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !System.IO.Directory.Exists(System.IO.Path.Combine(folder, "src", "SmtpTls.Engine", "Replies", "Knowledge")))
        {
            folder = System.IO.Path.GetDirectoryName(folder);
        }

        Assert.NotNull(folder);
        var expected = System.IO.Directory.GetFiles(System.IO.Path.Combine(folder!, "src", "SmtpTls.Engine", "Replies", "Knowledge"), "*.xml")
            .Select(System.IO.Path.GetFileName)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
        Assert.Contains("Common.xml", expected);

        Assert.Equal(expected, Kb.Files.OrderBy(f => f, StringComparer.Ordinal));
        Assert.True(Kb.Rules.Count >= 100, $"{Kb.Rules.Count} rules");
    }

    [Fact]
    public void EveryRuleNamesItsSourceAndReferences()
    {
        Assert.All(Kb.Rules, r =>
        {
            Assert.True(r.Source.Length >= 10, $"rule {r.Id} has no real source");
            Assert.NotEmpty(r.References);
            Assert.NotEmpty(r.Causes);
            Assert.NotEmpty(r.Steps);
        });
    }

    [Fact]
    public void EveryTextExistsInEnglishAndGerman_AndTheGermanIsATranslation()
    {
        Assert.NotEmpty(Kb.AllTexts);
        Assert.All(Kb.AllTexts, t =>
        {
            Assert.True(t.Text.Has("en"), t.Name + " has no English text");
            Assert.True(t.Text.Has("de"), t.Name + " has no German text");
            Assert.Equal(new[] { "de", "en" }, t.Text.Languages.OrderBy(l => l, StringComparer.Ordinal));
            Assert.NotEqual(t.Text.Get(System.Globalization.CultureInfo.GetCultureInfo("en")), t.Text.Get(System.Globalization.CultureInfo.GetCultureInfo("de")));
        });
    }

    [Fact]
    public void EveryCategoryHasASummary()
    {
        foreach (SmtpErrorCategory category in Enum.GetValues(typeof(SmtpErrorCategory)))
        {
            Assert.True(Kb.Categories.ContainsKey(category), category + " has no summary");
        }
    }

    [Fact]
    public void EveryCauseAndStepIsUsed()
    {
        var causes = Kb.Rules.SelectMany(r => r.Causes).ToHashSet();
        var steps = Kb.Rules.SelectMany(r => r.Steps).ToHashSet();

        Assert.DoesNotContain(Kb.Causes.Keys, c => !causes.Contains(c));
        Assert.DoesNotContain(Kb.Steps.Keys, s => !steps.Contains(s));
    }

    [Fact]
    public void StepIdsNameTheirAudience_AndEveryAudienceHasSteps()
    {
        Assert.All(Kb.Steps.Values, s => Assert.StartsWith(s.Audience == SmtpRemediationAudience.Administrator ? "Admin." : s.Audience == SmtpRemediationAudience.Developer ? "Dev." : "Sender.", s.Id));
        foreach (SmtpRemediationAudience audience in Enum.GetValues(typeof(SmtpRemediationAudience)))
        {
            Assert.Contains(Kb.Steps.Values, s => s.Audience == audience);
        }
    }

    [Fact]
    public void CommandsAndTextsUseOnlyKnownPlaceholders()
    {
        var placeholder = new Regex(@"\{[^}]*\}");
        var allowed = new Regex(@"^\{(?:server|port:[0-9]{1,5})\}$");
        var texts = Kb.Steps.Values.Select(s => ("step command " + s.Id, s.Command))
            .Concat(Kb.Steps.Values.SelectMany(s => s.Variants.Select(v => ("step command " + s.Id + " for " + string.Join("|", v.Servers), v.Command))))
            .Concat(Kb.AllTexts.SelectMany(t => new[] { (t.Name, t.Text.Get(System.Globalization.CultureInfo.GetCultureInfo("en"))), (t.Name, t.Text.Get(System.Globalization.CultureInfo.GetCultureInfo("de"))) }));

        Assert.All(texts, t =>
        {
            foreach (Match m in placeholder.Matches(t.Item2))
            {
                Assert.True(allowed.IsMatch(m.Value), $"{t.Item1}: unknown placeholder {m.Value}");
            }
        });
    }

    [Fact]
    public void EveryWarningKeyHasRuntimeTextsInBothLanguages()
    {
        var keys = Kb.Rules.SelectMany(r => r.Warnings).Concat(Kb.EnhancedDetails.Values.Select(d => d.Warning).Where(w => w.Length > 0)).Distinct().ToList();
        var german = LocalizedText.Keys("de").ToHashSet();

        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.True(LocalizedText.Contains(k), k + " is missing in Texts.en.xml");
            Assert.Contains(k, german);
        });
    }

    [Fact]
    public void RuleServersAreKnownSignatures()
    {
        var names = Kb.Servers.Select(s => s.Name).ToHashSet();

        Assert.All(Kb.Rules.Where(r => r.Server.Length > 0), r => Assert.Contains(r.Server, names));
        Assert.All(Kb.Servers, s => Assert.False(string.IsNullOrWhiteSpace(s.Source)));
    }

    [Fact]
    public void EnhancedCodesHaveSourcesAndTheX73Warning()
    {
        Assert.All(Kb.EnhancedDetails, d => Assert.False(string.IsNullOrWhiteSpace(d.Value.Source), d.Key));
        Assert.Equal("Resolve.Warning.SecurityConversion", Kb.EnhancedDetails["7.3"].Warning);
        Assert.Equal(8, Kb.EnhancedSubjects.Count);
    }

    [Fact]
    public void EveryRuleIsReachable_NoHigherRuleShadowsItForItsOwnSourceText()
    {
        // Rules whose text is a plain phrase must win for that phrase (not be shadowed by a broader rule above).
        foreach (var rule in Kb.Rules.Where(r => r.Text is not null && Regex.IsMatch(r.Text.ToString(), @"^[A-Za-z ,.'/-]+$") && r.CodeCondition.Length == 0 && r.EscCondition.Length == 0))
        {
            var parsed = ReplyParser.Parse(rule.Text!.ToString());
            Assert.True(Kb.Match(parsed)?.Id == rule.Id, $"'{rule.Text}' resolves to {Kb.Match(parsed)?.Id}, not to {rule.Id}");
        }
    }

    [Fact]
    public void Load_RejectsBrokenKnowledge_NamingTheFileAndTheFault()
    {
        const string Codes = "<enhancedStatusCodes/>";
        const string Good = "<knowledge><causes><cause id='c'><en>e</en><de>d</de></cause></causes><steps><step id='Sender.S' audience='Sender'><en>e</en><de>d</de></step></steps>"
            + "<rules><rule id='r' priority='1' code='454' category='TlsNotAvailable' confidence='High' causes='c' steps='Sender.S' source='RFC 3207'/></rules></knowledge>";

        Assert.Single(Load(("a.xml", Good), ("codes.xml", Codes)).Rules);
        Assert.Contains("b.xml", Fault(("a.xml", Good), ("b.xml", "<knowledge><rules><rule id='r2' priority='1' category='Other' confidence='Low' source='x' causes='nope'/></rules></knowledge>")));
        Assert.Contains("source", Fault(("a.xml", Good.Replace(" source='RFC 3207'", string.Empty))));
        Assert.Contains("regular expression", Fault(("a.xml", Good.Replace("code='454'", "text='(unclosed'"))));
        Assert.Contains("defined twice", Fault(("a.xml", Good), ("b.xml", Good)));
        Assert.Contains("unknown category", Fault(("a.xml", Good.Replace("TlsNotAvailable", "Nonsense"))));
        Assert.Contains("reply code condition", Fault(("a.xml", Good.Replace("code='454'", "code='45'"))));
        Assert.Contains("not well-formed", Fault(("a.xml", "<knowledge>")));
        Assert.Contains("root element", Fault(("a.xml", "<other/>")));
        Assert.Contains("No knowledge file", Fault(("codes.xml", Codes)));
        Assert.Throws<InvalidDataException>(() => Load(("a.xml", "<!DOCTYPE knowledge [<!ENTITY x 'y'>]><knowledge/>")));
    }

    private static KnowledgeBase Load(params (string Name, string Xml)[] files)
    {
        return KnowledgeBase.Load(files.Select(f => (f.Name, (Stream)new MemoryStream(Encoding.UTF8.GetBytes(f.Xml)))).ToList());
    }

    private static string Fault(params (string Name, string Xml)[] files)
    {
        return Assert.Throws<InvalidDataException>(() => Load(files)).Message;
    }
}
