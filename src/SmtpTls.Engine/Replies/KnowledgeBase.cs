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
/// The reply knowledge, read once from the embedded files <c>Replies/Knowledge/*.xml</c>: one file per
/// family of replies (root <c>&lt;knowledge&gt;</c>: categories, server signatures, causes, steps,
/// rules) and <c>EnhancedStatusCodes.xml</c> (root <c>&lt;enhancedStatusCodes&gt;</c>: the meanings of
/// RFC 3463 / IANA enhanced status codes).
/// </summary>
/// <remarks>
/// Causes and steps are shared across files: every file is read before any rule is checked, so a
/// rule may name a cause or step defined in another family's file. Identifiers must be unique across
/// all files. Rules are tried highest priority first; equal priorities keep file order (files sorted
/// by name, then position in the file).
/// </remarks>
internal sealed class KnowledgeBase
{
    /// <summary>The prefix of the embedded knowledge files' resource names.</summary>
    public const string ResourcePrefix = "SmtpTls.Replies.Knowledge.";

    private const string RulesRoot = "knowledge";
    private const string CodesRoot = "enhancedStatusCodes";
    private const string MeaningsRoot = "meanings";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly Lazy<KnowledgeBase> Shared = new(LoadEmbedded);

    private KnowledgeBase()
    {
    }

    /// <summary>The knowledge shipped in the assembly.</summary>
    public static KnowledgeBase Instance => Shared.Value;

    /// <summary>The names of the files the knowledge was read from, in reading order.</summary>
    public IReadOnlyList<string> Files { get; private set; } = Array.Empty<string>();

    /// <summary>Rules, highest priority first (file order between equal priorities).</summary>
    public IReadOnlyList<KnowledgeRule> Rules { get; private set; } = Array.Empty<KnowledgeRule>();

    /// <summary>Likely causes by id, which rules name in their <c>causes</c>.</summary>
    public IReadOnlyDictionary<string, KnowledgeText> Causes { get; private set; } = new Dictionary<string, KnowledgeText>();

    /// <summary>Remediation steps by id, which rules name in their <c>steps</c>.</summary>
    public IReadOnlyDictionary<string, KnowledgeStep> Steps { get; private set; } = new Dictionary<string, KnowledgeStep>();

    /// <summary>The summary of each category, used when a rule has no summary of its own.</summary>
    public IReadOnlyDictionary<SmtpErrorCategory, KnowledgeText> Categories { get; private set; } = new Dictionary<SmtpErrorCategory, KnowledgeText>();

    /// <summary>Patterns that give away the server software, most telling first.</summary>
    public IReadOnlyList<ServerSignature> Servers { get; private set; } = Array.Empty<ServerSignature>();

    /// <summary>Enhanced code details keyed "subject.detail" (e.g. "7.3").</summary>
    public IReadOnlyDictionary<string, EnhancedCodeDetail> EnhancedDetails { get; private set; } = new Dictionary<string, EnhancedCodeDetail>();

    /// <summary>Enhanced code subjects keyed by number (e.g. "7").</summary>
    public IReadOnlyDictionary<string, KnowledgeText> EnhancedSubjects { get; private set; } = new Dictionary<string, KnowledgeText>();

    /// <summary>Every text of the knowledge with a name, for completeness tests.</summary>
    public IReadOnlyList<(string Name, KnowledgeText Text)> AllTexts { get; private set; } = Array.Empty<(string, KnowledgeText)>();

    /// <summary>The rules that explain a failure the engine detected itself, by failure key (<see cref="KnowledgeRule.Failures"/>).</summary>
    public IReadOnlyDictionary<string, KnowledgeRule> RulesByFailure { get; private set; } = new Dictionary<string, KnowledgeRule>();

    /// <summary>Every rule (meanings included) by its id.</summary>
    public IReadOnlyDictionary<string, KnowledgeRule> RulesById { get; private set; } = new Dictionary<string, KnowledgeRule>();

    /// <summary>
    /// The rule for a failure the engine detected: of the rules keyed by one of its <c>Id/Detail</c> keys the one
    /// tried first (priority, then order), else the rule keyed by the bare id; null when none is.
    /// </summary>
    public KnowledgeRule? MatchFailure(SmtpFailure failure)
    {
        KnowledgeRule? best = null;
        foreach (var detail in failure.Details)
        {
            if (RulesByFailure.TryGetValue(failure.Id + "/" + detail, out var rule)
                && (best is null || rule.Priority > best.Priority || (rule.Priority == best.Priority && rule.Order < best.Order)))
            {
                best = rule;
            }
        }

        return best ?? (RulesByFailure.TryGetValue(failure.Id, out var general) ? general : null);
    }

    /// <summary>Finds the first rule that matches, or null.</summary>
    /// <exception cref="RegexMatchTimeoutException">A rule's pattern timed out twice in a row.</exception>
    public KnowledgeRule? Match(ParsedInput input)
    {
        foreach (var rule in Rules)
        {
            if (MatchesWithRetry(rule, input))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// Tries <paramref name="rule"/>, once more when its pattern times out: the first match of a compiled
    /// pattern includes compiling it to machine code, which on a busy machine can take longer than the timeout
    /// by itself; a pattern that really runs away times out again and the exception goes to the caller.
    /// </summary>
    private static bool MatchesWithRetry(KnowledgeRule rule, ParsedInput input)
    {
        try
        {
            return rule.Matches(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return rule.Matches(input);
        }
    }

    /// <summary>Runs a regex test once more when it times out, for the same reason as <see cref="MatchesWithRetry"/>.</summary>
    public static bool Retried(Func<bool> test)
    {
        try
        {
            return test();
        }
        catch (RegexMatchTimeoutException)
        {
            return test();
        }
    }

    /// <summary>
    /// Reads knowledge from named XML streams (rule files and one enhanced-code file, told apart by
    /// their root element); throws <see cref="InvalidDataException"/> naming the file and the first fault.
    /// </summary>
    public static KnowledgeBase Load(IEnumerable<(string Name, Stream Content)> files)
    {
        if (files is null)
        {
            throw new ArgumentNullException(nameof(files));
        }

        var ruleFiles = new List<(string Name, XElement Root)>();
        var codeFiles = new List<(string Name, XElement Root)>();
        var meaningFiles = new List<(string Name, XElement Root)>();
        foreach (var (name, content) in files)
        {
            if (content is null)
            {
                throw new ArgumentException($"The knowledge file {name} has no content.", nameof(files));
            }

            var root = Read(name, content);
            switch (root.Name.LocalName)
            {
                case RulesRoot:
                    ruleFiles.Add((name, root));
                    break;
                case CodesRoot:
                    codeFiles.Add((name, root));
                    break;
                case MeaningsRoot:
                    meaningFiles.Add((name, root));
                    break;
                default:
                    throw new InvalidDataException($"{name}: the root element <{root.Name.LocalName}> is not <{RulesRoot}>, <{CodesRoot}> or <{MeaningsRoot}>.");
            }
        }

        if (ruleFiles.Count == 0)
        {
            throw new InvalidDataException($"No knowledge file with a <{RulesRoot}> root was found.");
        }

        var kb = new KnowledgeBase();
        var texts = new List<(string, KnowledgeText)>();
        var categories = new Dictionary<SmtpErrorCategory, KnowledgeText>();
        var servers = new List<ServerSignature>();
        var causes = new Dictionary<string, KnowledgeText>(StringComparer.Ordinal);
        var steps = new Dictionary<string, KnowledgeStep>(StringComparer.Ordinal);

        // Pass 1: everything rules refer to, from every file.
        foreach (var (file, root) in ruleFiles)
        {
            ReadCategories(file, root, categories, texts);
            foreach (var e in Section(root, "servers", "server"))
            {
                var name = Required(file, e, "name");
                var tierText = (string?)e.Attribute("tier") ?? "1";
                if (!int.TryParse(tierText, NumberStyles.None, CultureInfo.InvariantCulture, out var tier) || tier is < 1 or > 3)
                {
                    throw new InvalidDataException($"{file}: server '{name}' has a tier that is not 1, 2 or 3.");
                }

                servers.Add(new ServerSignature(name, Compile(file, Required(file, e, "pattern"), "server " + name), Required(file, e, "source"), tier));
            }

            foreach (var e in Section(root, "causes", "cause"))
            {
                var id = Required(file, e, "id");
                if (causes.ContainsKey(id))
                {
                    throw new InvalidDataException($"{file}: cause '{id}' is defined twice.");
                }

                causes[id] = ReadText(e);
                texts.Add(("cause " + id, causes[id]));
            }

            foreach (var e in Section(root, "steps", "step"))
            {
                var id = Required(file, e, "id");
                if (steps.ContainsKey(id))
                {
                    throw new InvalidDataException($"{file}: step '{id}' is defined twice.");
                }

                if (!Enum.TryParse<SmtpRemediationAudience>(Required(file, e, "audience"), false, out var audience))
                {
                    throw new InvalidDataException($"{file}: step '{id}' has an unknown audience.");
                }

                var text = ReadText(e);
                var variants = new List<StepVariant>();
                foreach (var v in e.Elements("for"))
                {
                    var variantText = ReadText(v);
                    variants.Add(new StepVariant(Split(Required(file, v, "server"), '|'), (string?)v.Attribute("command") ?? string.Empty, variantText));
                    texts.Add(("step " + id + " for " + (string?)v.Attribute("server"), variantText));
                }

                steps[id] = new KnowledgeStep(id, audience, (string?)e.Attribute("command") ?? string.Empty, text, variants);
                texts.Add(("step " + id, text));
            }
        }

        // Pass 2: the rules, which may name causes and steps of any file.
        var rules = new List<KnowledgeRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var order = 0;
        foreach (var (file, root) in ruleFiles)
        {
            foreach (var e in Section(root, "rules", "rule"))
            {
                var rule = ReadRule(file, e, order++, causes, steps, texts);
                if (!ids.Add(rule.Id))
                {
                    throw new InvalidDataException($"{file}: rule '{rule.Id}' is defined twice.");
                }

                rules.Add(rule);
            }
        }

        // Pass 3: meanings, the keyword rules tried after every specific rule and before the fallbacks.
        foreach (var (file, root) in meaningFiles)
        {
            foreach (var rule in MeaningClassifier.Read(file, root, ref order, causes, steps, texts))
            {
                if (!ids.Add(rule.Id))
                {
                    throw new InvalidDataException($"{file}: meaning '{rule.Id}' is defined twice.");
                }

                rules.Add(rule);
            }
        }

        var subjects = new Dictionary<string, KnowledgeText>(StringComparer.Ordinal);
        var details = new Dictionary<string, EnhancedCodeDetail>(StringComparer.Ordinal);
        foreach (var (file, root) in codeFiles)
        {
            ReadCodes(file, root, subjects, details, texts);
        }

        kb.Files = ruleFiles.Select(f => f.Name).Concat(meaningFiles.Select(f => f.Name)).Concat(codeFiles.Select(f => f.Name)).ToArray();
        kb.Categories = categories;
        kb.Servers = servers.Select((server, index) => (server, index)).OrderBy(x => x.server.Tier).ThenBy(x => x.index).Select(x => x.server).ToArray();
        kb.Causes = causes;
        kb.Steps = steps;
        kb.Rules = rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Order).ToArray();
        var byFailure = new Dictionary<string, KnowledgeRule>(StringComparer.Ordinal);
        foreach (var rule in kb.Rules)
        {
            foreach (var key in rule.Failures)
            {
                if (byFailure.TryGetValue(key, out var other))
                {
                    throw new InvalidDataException($"The failure key '{key}' names two rules: '{other.Id}' and '{rule.Id}'.");
                }

                byFailure[key] = rule;
            }
        }

        kb.RulesByFailure = byFailure;
        kb.RulesById = kb.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        kb.EnhancedSubjects = subjects;
        kb.EnhancedDetails = details;
        kb.AllTexts = texts;
        return kb;
    }

    private static KnowledgeBase LoadEmbedded()
    {
        var assembly = typeof(KnowledgeBase).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        if (names.Length == 0)
        {
            throw new InvalidDataException("The embedded reply knowledge (Replies/Knowledge/*.xml) is missing.");
        }

        var streams = new List<(string, Stream)>();
        try
        {
            foreach (var name in names)
            {
                streams.Add((name.Substring(ResourcePrefix.Length), assembly.GetManifestResourceStream(name)!));
            }

            return Load(streams);
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                stream?.Dispose();
            }
        }
    }

    private static XElement Read(string file, Stream content)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(content, settings);
            return XDocument.Load(reader).Root ?? throw new InvalidDataException($"{file} has no root element.");
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{file} is not well-formed XML: {ex.Message}", ex);
        }
    }

    private static void ReadCategories(string file, XElement root, Dictionary<SmtpErrorCategory, KnowledgeText> categories, List<(string, KnowledgeText)> texts)
    {
        foreach (var e in Section(root, "categories", "category"))
        {
            var name = Required(file, e, "name");
            if (!Enum.TryParse<SmtpErrorCategory>(name, false, out var category))
            {
                throw new InvalidDataException($"{file}: unknown category '{name}'.");
            }

            if (categories.ContainsKey(category))
            {
                throw new InvalidDataException($"{file}: category '{name}' is described twice.");
            }

            categories[category] = ReadText(e);
            texts.Add(("category " + name, categories[category]));
        }
    }

    private static KnowledgeRule ReadRule(string file, XElement e, int order, Dictionary<string, KnowledgeText> causes, Dictionary<string, KnowledgeStep> steps, List<(string, KnowledgeText)> texts)
    {
        var id = Required(file, e, "id");
        var categoryName = Required(file, e, "category");
        if (!Enum.TryParse<SmtpErrorCategory>(categoryName, false, out var category))
        {
            throw new InvalidDataException($"{file}: rule '{id}' has the unknown category '{categoryName}'.");
        }

        if (!Enum.TryParse<SmtpResolutionConfidence>(Required(file, e, "confidence"), false, out var confidence))
        {
            throw new InvalidDataException($"{file}: rule '{id}' has an unknown confidence.");
        }

        if (!int.TryParse(Required(file, e, "priority"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority))
        {
            throw new InvalidDataException($"{file}: rule '{id}' has a priority that is not a number.");
        }

        var causeIds = Split((string?)e.Attribute("causes"), ' ');
        var stepIds = Split((string?)e.Attribute("steps"), ' ');
        foreach (var c in causeIds)
        {
            if (!causes.ContainsKey(c))
            {
                throw new InvalidDataException($"{file}: rule '{id}' names the unknown cause '{c}'.");
            }
        }

        foreach (var s in stepIds)
        {
            if (!steps.ContainsKey(s))
            {
                throw new InvalidDataException($"{file}: rule '{id}' names the unknown step '{s}'.");
            }
        }

        KnowledgeText? summary = null;
        var summaryElement = e.Element("summary");
        if (summaryElement is not null)
        {
            summary = ReadText(summaryElement);
            texts.Add(("summary of rule " + id, summary));
        }

        var pattern = (string?)e.Attribute("text");
        try
        {
            return new KnowledgeRule(
                id,
                priority,
                order,
                (string?)e.Attribute("code"),
                (string?)e.Attribute("esc"),
                string.IsNullOrEmpty(pattern) ? null : Compile(file, pattern!, "rule " + id),
                Split((string?)e.Attribute("hint"), '|'),
                category,
                confidence,
                (string?)e.Attribute("server") ?? string.Empty,
                causeIds,
                stepIds,
                Split((string?)e.Attribute("refs"), ';'),
                Split((string?)e.Attribute("warn"), ' '),
                Required(file, e, "source"),
                summary,
                failures: ReadFailureKeys(file, id, (string?)e.Attribute("failure")));
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{file}: {ex.Message}", ex);
        }
    }

    private static void ReadCodes(string file, XElement root, Dictionary<string, KnowledgeText> subjects, Dictionary<string, EnhancedCodeDetail> details, List<(string, KnowledgeText)> texts)
    {
        foreach (var e in root.Elements("subject"))
        {
            var code = Required(file, e, "code");
            if (subjects.ContainsKey(code))
            {
                throw new InvalidDataException($"{file}: subject '{code}' is defined twice.");
            }

            subjects[code] = ReadText(e);
            texts.Add(("enhanced subject " + code, subjects[code]));
        }

        foreach (var e in root.Elements("detail"))
        {
            var code = Required(file, e, "code");
            if (details.ContainsKey(code))
            {
                throw new InvalidDataException($"{file}: detail '{code}' is defined twice.");
            }

            var text = ReadText(e);
            details[code] = new EnhancedCodeDetail(text, Required(file, e, "source"), (string?)e.Attribute("warn") ?? string.Empty);
            texts.Add(("enhanced detail " + code, text));
        }
    }

    /// <summary>The <c>failure</c> keys of a rule: <c>Id</c> or <c>Id/Detail</c>, letters and digits, separated by blanks.</summary>
    private static IReadOnlyList<string> ReadFailureKeys(string file, string ruleId, string? value)
    {
        var keys = Split(value, ' ');
        foreach (var key in keys)
        {
            var parts = key.Split('/');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0 || !p.All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9')))
            {
                throw new InvalidDataException($"{file}: rule '{ruleId}' has the failure key '{key}' (use Id or Id/Detail).");
            }
        }

        return keys;
    }

    private static IEnumerable<XElement> Section(XElement root, string section, string item)
    {
        return root.Elements(section).SelectMany(s => s.Elements(item));
    }

    internal static string Required(string file, XElement e, string attribute)
    {
        var value = (string?)e.Attribute(attribute);
        if (string.IsNullOrWhiteSpace(value))
        {
            var id = (string?)e.Attribute("id") ?? (string?)e.Attribute("name") ?? (string?)e.Attribute("code") ?? "?";
            throw new InvalidDataException($"{file}: <{e.Name.LocalName}> '{id}' has no '{attribute}' attribute.");
        }

        return value!.Trim();
    }

    internal static KnowledgeText ReadText(XElement e)
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

    private static string Normalize(string value) => KnowledgeWhitespace.Collapse(value);

    private static Regex Compile(string file, string pattern, string owner)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{file}: the pattern of {owner} is not a valid regular expression: {ex.Message}", ex);
        }
    }

    internal static IReadOnlyList<string> Split(string? value, char separator)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Array.Empty<string>();
        }

        return value!.Split(separator).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
    }
}
