using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SmtpTls.Localization;
using Xunit;

namespace SmtpTls.Tests.Localization;

/// <summary>
/// The engine's texts name its options or the concept, never a cmdlet parameter; the cmdlets' own tables
/// (src/SmtpTls/Localization, layered over the engine's when the module is imported) say it in their users'
/// words and keep the engine text's placeholders.
/// </summary>
[Trait("Against", "Unit")]
public class EngineWordingTests
{
    // A cmdlet parameter as advice writes it: " -TrustedRootPath", "(-TlsMode"; not "{0}-Hash" or "https:-URL".
    private static readonly Regex Parameter = new(@"(?<=^|[\s(„""])-[A-Z][A-Za-z]+", RegexOptions.CultureInvariant);

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public void NoEngineTextNamesACmdletParameter(string language)
    {
        var offenders = LocalizedText.Keys(language)
            .Select(key => (key, text: LocalizedText.Get(key, System.Globalization.CultureInfo.GetCultureInfo(language))))
            .Where(t => Parameter.IsMatch(t.text))
            .Select(t => t.key + ": " + t.text)
            .ToList();

        Assert.True(offenders.Count == 0, "Engine texts name cmdlet parameters (move the wording to src/SmtpTls/Localization):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheCmdletTablesHaveTheSameKeysInBothLanguages()
    {
        var english = CmdletTable("en");
        var german = CmdletTable("de");

        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(german.Keys));
        Assert.Empty(german.Keys.Except(english.Keys));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public void ACmdletTextThatReplacesAnEngineTextKeepsItsPlaceholders(string language)
    {
        var engine = LocalizedText.Keys(language).ToHashSet(StringComparer.Ordinal);
        var culture = System.Globalization.CultureInfo.GetCultureInfo(language);
        foreach (var (key, text) in CmdletTable(language).Where(t => engine.Contains(t.Key)))
        {
            Assert.True(
                Placeholders(text).SetEquals(Placeholders(LocalizedText.Get(key, culture))),
                $"{key} ({language}): the cmdlet text and the engine text use different placeholders");
        }
    }

    [Fact]
    public void TheCmdletTablesReplaceTheEngineAdviceThatNamedParameters()
    {
        // Users of the cmdlets keep the parameter hints: every cmdlet text that replaces an engine text names one.
        var engine = LocalizedText.Keys("en").ToHashSet(StringComparer.Ordinal);
        var replacing = CmdletTable("en").Where(t => engine.Contains(t.Key)).ToList();

        Assert.True(replacing.Count >= 30, $"{replacing.Count} replaced texts");
        Assert.All(replacing, t => Assert.Matches(Parameter, t.Value));
    }

    private static HashSet<string> Placeholders(string text) =>
        new(Regex.Matches(text, @"\{(\d+)(?:[,:][^}]*)?\}").Cast<Match>().Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    private static Dictionary<string, string> CmdletTable(string language)
    {
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !Directory.Exists(Path.Combine(folder, "src", "SmtpTls", "Localization")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        Assert.NotNull(folder);
        var document = XDocument.Load(Path.Combine(folder!, "src", "SmtpTls", "Localization", "Texts." + language + ".xml"));
        return document.Descendants("text").ToDictionary(t => (string)t.Attribute("key")!, t => t.Value.Trim(), StringComparer.Ordinal);
    }
}
