using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace SmtpTls.Replies;

/// <summary>
/// The reply knowledge, read once from the embedded files <c>Knowledge/Rules.xml</c> (categories,
/// server signatures, causes, steps, rules) and <c>Knowledge/EnhancedStatusCodes.xml</c> (the
/// meanings of RFC 3463 / IANA enhanced status codes).
/// </summary>
internal sealed class KnowledgeBase
{
    private const string ResourcePrefix = "SmtpTls.Replies.Knowledge.";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly Lazy<KnowledgeBase> Shared = new(() => Load(Open("Rules.xml"), Open("EnhancedStatusCodes.xml")));

    private KnowledgeBase()
    {
    }

    /// <summary>The knowledge shipped in the assembly.</summary>
    public static KnowledgeBase Instance => Shared.Value;

    /// <summary>Rules, highest priority first (file order between equal priorities).</summary>
    public IReadOnlyList<KnowledgeRule> Rules { get; private set; } = Array.Empty<KnowledgeRule>();

    public IReadOnlyDictionary<string, KnowledgeText> Causes { get; private set; } = new Dictionary<string, KnowledgeText>();

    public IReadOnlyDictionary<string, KnowledgeStep> Steps { get; private set; } = new Dictionary<string, KnowledgeStep>();

    public IReadOnlyDictionary<SmtpErrorCategory, KnowledgeText> Categories { get; private set; } = new Dictionary<SmtpErrorCategory, KnowledgeText>();

    public IReadOnlyList<ServerSignature> Servers { get; private set; } = Array.Empty<ServerSignature>();

    /// <summary>Enhanced code details keyed "subject.detail" (e.g. "7.3"), with the source of each.</summary>
    public IReadOnlyDictionary<string, (KnowledgeText Text, string Source)> EnhancedDetails { get; private set; } = new Dictionary<string, (KnowledgeText, string)>();

    /// <summary>Enhanced code subjects keyed by number (e.g. "7").</summary>
    public IReadOnlyDictionary<string, KnowledgeText> EnhancedSubjects { get; private set; } = new Dictionary<string, KnowledgeText>();

    /// <summary>Every text of the knowledge with a name, for completeness tests.</summary>
    public IReadOnlyList<(string Name, KnowledgeText Text)> AllTexts { get; private set; } = Array.Empty<(string, KnowledgeText)>();

    /// <summary>Finds the first rule that matches, or null.</summary>
    public KnowledgeRule? Match(ParsedInput input)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(input))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>Reads knowledge from the two XML streams; throws <see cref="InvalidDataException"/> naming the first fault.</summary>
    public static KnowledgeBase Load(Stream rules, Stream enhancedCodes)
    {
        if (rules is null)
        {
            throw new ArgumentNullException(nameof(rules));
        }

        if (enhancedCodes is null)
        {
            throw new ArgumentNullException(nameof(enhancedCodes));
        }

        var kb = new KnowledgeBase();
        var texts = new List<(string, KnowledgeText)>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true };

        XDocument doc;
        using (var reader = XmlReader.Create(rules, settings))
        {
            doc = XDocument.Load(reader);
        }

        var root = doc.Root ?? throw new InvalidDataException("Rules.xml has no root element.");

        var categories = new Dictionary<SmtpErrorCategory, KnowledgeText>();
        foreach (var e in Section(root, "categories", "category"))
        {
            var name = Required(e, "name");
            if (!Enum.TryParse<SmtpErrorCategory>(name, false, out var category))
            {
                throw new InvalidDataException($"Rules.xml: unknown category '{name}'.");
            }

            categories[category] = ReadText(e);
            texts.Add(("category " + name, categories[category]));
        }

        var servers = new List<ServerSignature>();
        foreach (var e in Section(root, "servers", "server"))
        {
            var name = Required(e, "name");
            servers.Add(new ServerSignature(name, Compile(Required(e, "pattern"), "server " + name), Required(e, "source")));
        }

        var causes = new Dictionary<string, KnowledgeText>(StringComparer.Ordinal);
        foreach (var e in Section(root, "causes", "cause"))
        {
            var id = Required(e, "id");
            if (causes.ContainsKey(id))
            {
                throw new InvalidDataException($"Rules.xml: cause '{id}' is defined twice.");
            }

            causes[id] = ReadText(e);
            texts.Add(("cause " + id, causes[id]));
        }

        var steps = new Dictionary<string, KnowledgeStep>(StringComparer.Ordinal);
        foreach (var e in Section(root, "steps", "step"))
        {
            var id = Required(e, "id");
            if (steps.ContainsKey(id))
            {
                throw new InvalidDataException($"Rules.xml: step '{id}' is defined twice.");
            }

            if (!Enum.TryParse<SmtpRemediationAudience>(Required(e, "audience"), false, out var audience))
            {
                throw new InvalidDataException($"Rules.xml: step '{id}' has an unknown audience.");
            }

            var text = ReadText(e);
            steps[id] = new KnowledgeStep(id, audience, (string?)e.Attribute("command") ?? string.Empty, text);
            texts.Add(("step " + id, text));
        }

        var list = new List<KnowledgeRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var order = 0;
        foreach (var e in Section(root, "rules", "rule"))
        {
            var id = Required(e, "id");
            if (!ids.Add(id))
            {
                throw new InvalidDataException($"Rules.xml: rule '{id}' is defined twice.");
            }

            var categoryName = Required(e, "category");
            if (!Enum.TryParse<SmtpErrorCategory>(categoryName, false, out var category))
            {
                throw new InvalidDataException($"Rules.xml: rule '{id}' has the unknown category '{categoryName}'.");
            }

            if (!Enum.TryParse<SmtpResolutionConfidence>(Required(e, "confidence"), false, out var confidence))
            {
                throw new InvalidDataException($"Rules.xml: rule '{id}' has an unknown confidence.");
            }

            var priority = int.Parse(Required(e, "priority"), NumberStyles.Integer, CultureInfo.InvariantCulture);
            var pattern = (string?)e.Attribute("text");
            var causeIds = Split((string?)e.Attribute("causes"), ' ');
            var stepIds = Split((string?)e.Attribute("steps"), ' ');
            foreach (var c in causeIds)
            {
                if (!causes.ContainsKey(c))
                {
                    throw new InvalidDataException($"Rules.xml: rule '{id}' names the unknown cause '{c}'.");
                }
            }

            foreach (var s in stepIds)
            {
                if (!steps.ContainsKey(s))
                {
                    throw new InvalidDataException($"Rules.xml: rule '{id}' names the unknown step '{s}'.");
                }
            }

            var summaryElement = e.Element("summary");
            KnowledgeText? summary = null;
            if (summaryElement is not null)
            {
                summary = ReadText(summaryElement);
                texts.Add(("summary of rule " + id, summary));
            }

            var rule = new KnowledgeRule(
                id,
                priority,
                order++,
                (string?)e.Attribute("code"),
                (string?)e.Attribute("esc"),
                string.IsNullOrEmpty(pattern) ? null : Compile(pattern!, "rule " + id),
                category,
                confidence,
                (string?)e.Attribute("server") ?? string.Empty,
                causeIds,
                stepIds,
                Split((string?)e.Attribute("refs"), ';'),
                Split((string?)e.Attribute("warn"), ' '),
                Required(e, "source"),
                summary);
            list.Add(rule);
        }

        XDocument codes;
        using (var reader = XmlReader.Create(enhancedCodes, settings))
        {
            codes = XDocument.Load(reader);
        }

        var subjects = new Dictionary<string, KnowledgeText>(StringComparer.Ordinal);
        var details = new Dictionary<string, (KnowledgeText, string)>(StringComparer.Ordinal);
        foreach (var e in codes.Root?.Elements("subject") ?? Enumerable.Empty<XElement>())
        {
            var code = Required(e, "code");
            subjects[code] = ReadText(e);
            texts.Add(("enhanced subject " + code, subjects[code]));
        }

        foreach (var e in codes.Root?.Elements("detail") ?? Enumerable.Empty<XElement>())
        {
            var code = Required(e, "code");
            var text = ReadText(e);
            details[code] = (text, Required(e, "source"));
            texts.Add(("enhanced detail " + code, text));
        }

        kb.Categories = categories;
        kb.Servers = servers;
        kb.Causes = causes;
        kb.Steps = steps;
        kb.Rules = list.OrderByDescending(r => r.Priority).ThenBy(r => r.Order).ToArray();
        kb.EnhancedSubjects = subjects;
        kb.EnhancedDetails = details;
        kb.AllTexts = texts;
        return kb;
    }

    private static Stream Open(string file)
    {
        return typeof(KnowledgeBase).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidDataException($"The embedded knowledge file {file} is missing.");
    }

    private static IEnumerable<XElement> Section(XElement root, string section, string item)
    {
        return root.Element(section)?.Elements(item) ?? Enumerable.Empty<XElement>();
    }

    private static string Required(XElement e, string attribute)
    {
        var value = (string?)e.Attribute(attribute);
        if (string.IsNullOrWhiteSpace(value))
        {
            var id = (string?)e.Attribute("id") ?? (string?)e.Attribute("name") ?? (string?)e.Attribute("code") ?? "?";
            throw new InvalidDataException($"Knowledge: <{e.Name.LocalName}> '{id}' has no '{attribute}' attribute.");
        }

        return value!.Trim();
    }

    private static KnowledgeText ReadText(XElement e)
    {
        var text = new KnowledgeText();
        foreach (var child in e.Elements())
        {
            var name = child.Name.LocalName;
            if (name.Length == 2)
            {
                text.Add(name, Normalize(child.Value));
            }
        }

        return text;
    }

    private static string Normalize(string value)
    {
        return Regex.Replace(value.Trim(), @"\s+", " ");
    }

    private static Regex Compile(string pattern, string owner)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"Knowledge: the pattern of {owner} is not a valid regular expression: {ex.Message}", ex);
        }
    }

    private static IReadOnlyList<string> Split(string? value, char separator)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Array.Empty<string>();
        }

        return value!.Split(separator).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
    }
}
