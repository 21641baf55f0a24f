using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SmtpTls.Replies;

/// <summary>
/// "Meaning before Other": turns the keyword sets of <c>Knowledge/Meanings.xml</c> (root <c>&lt;meanings&gt;</c>)
/// into rules that classify a TLS, AUTH or policy text no specific rule knows by what it says
/// (certificate + expired, STARTTLS + not supported, handshake, authentication + failed, relay + denied, …),
/// always with <see cref="SmtpResolutionConfidence.Low"/>.
/// </summary>
/// <remarks>
/// A meaning matches when every one of its <c>&lt;all&gt;</c> term lists has a term in the text and no term of
/// its <c>&lt;none&gt;</c> lists occurs. Terms are literals separated by <c>|</c>, case-insensitive, matched at the
/// start of a word; a term that starts with <c>~</c> also matches inside a word (for compounds such as German
/// "Serverzertifikat"). The meanings become ordinary rules at the file's <c>priority</c>: below every specific
/// rule, above the fallbacks by reply class. The format is described in <c>Knowledge/README.md</c>.
/// </remarks>
internal static class MeaningClassifier
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>Reads one meanings file into rules; <paramref name="order"/> continues the rules' file order.</summary>
    public static List<KnowledgeRule> Read(string file, XElement root, ref int order, IReadOnlyDictionary<string, KnowledgeText> causes, IReadOnlyDictionary<string, KnowledgeStep> steps, List<(string, KnowledgeText)> texts)
    {
        if (!int.TryParse(KnowledgeBase.Required(file, root, "priority"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority))
        {
            throw new InvalidDataException($"{file}: the priority of <meanings> is not a number.");
        }

        var rules = new List<KnowledgeRule>();
        foreach (var e in root.Elements("meaning"))
        {
            var id = "meaning." + KnowledgeBase.Required(file, e, "id");
            var categoryName = KnowledgeBase.Required(file, e, "category");
            if (!Enum.TryParse<SmtpErrorCategory>(categoryName, false, out var category))
            {
                throw new InvalidDataException($"{file}: {id} has the unknown category '{categoryName}'.");
            }

            var required = e.Elements("all").Select(a => Terms(file, id, a.Value)).ToList();
            var excluded = e.Elements("none").SelectMany(a => Terms(file, id, a.Value)).ToList();
            if (required.Count == 0)
            {
                throw new InvalidDataException($"{file}: {id} has no <all> term list.");
            }

            var causeIds = KnowledgeBase.Split((string?)e.Attribute("causes"), ' ');
            var stepIds = KnowledgeBase.Split((string?)e.Attribute("steps"), ' ');
            foreach (var c in causeIds.Where(c => !causes.ContainsKey(c)))
            {
                throw new InvalidDataException($"{file}: {id} names the unknown cause '{c}'.");
            }

            foreach (var s in stepIds.Where(s => !steps.ContainsKey(s)))
            {
                throw new InvalidDataException($"{file}: {id} names the unknown step '{s}'.");
            }

            KnowledgeText? summary = null;
            var summaryElement = e.Element("summary");
            if (summaryElement is not null)
            {
                summary = KnowledgeBase.ReadText(summaryElement);
                texts.Add(("summary of " + id, summary));
            }

            // The first word of each term of the first list is the cheap pre-filter of the rule (a blank in a
            // term also matches a hyphen, so the whole term is not a literal of the text).
            var hints = required[0].Select(t => t.TrimStart('~').Split(' ')[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            rules.Add(new KnowledgeRule(
                id,
                priority,
                order++,
                (string?)e.Attribute("code"),
                (string?)e.Attribute("esc"),
                null,
                hints,
                category,
                SmtpResolutionConfidence.Low,
                string.Empty,
                causeIds,
                stepIds,
                KnowledgeBase.Split((string?)e.Attribute("refs"), ';'),
                Array.Empty<string>(),
                KnowledgeBase.Required(file, e, "source"),
                summary,
                required.Select(Compile).ToArray(),
                excluded.Count > 0 ? Compile(excluded) : null));
        }

        return rules;
    }

    private static List<string> Terms(string file, string id, string list)
    {
        var terms = list.Split('|').Select(KnowledgeWhitespace.Collapse).Where(t => t.Length > 0 && t != "~").ToList();
        if (terms.Count == 0)
        {
            throw new InvalidDataException($"{file}: {id} has an empty term list.");
        }

        return terms;
    }

    /// <summary>
    /// One pattern per term list, <c>\b(?:t1|t2)</c>: it starts with the terms themselves, so that the regex
    /// engine can look for their first letters instead of trying every position.
    /// </summary>
    private static Regex Compile(List<string> terms)
    {
        var pattern = string.Join("|", terms.Select(t => t.StartsWith("~", StringComparison.Ordinal) ? Literal(t.Substring(1)) : @"\b" + Literal(t)));
        return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture, RegexTimeout);
    }

    // A blank in a term matches any run of blanks or hyphens ("wrong version number", "wrong-version").
    private static string Literal(string term) => string.Join(@"[\s-]+", term.Split(' ').Select(Regex.Escape));
}
