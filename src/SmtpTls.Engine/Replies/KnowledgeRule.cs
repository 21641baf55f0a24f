using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>
/// One rule of the reply knowledge (<c>Replies/Knowledge/*.xml</c>): conditions on the reply code,
/// the enhanced status code and the text, and what a match means (category, causes, steps,
/// references). The format is described in <c>Replies/Knowledge/README.md</c>.
/// </summary>
internal sealed class KnowledgeRule
{
    private readonly int[] _codes;
    private readonly int[] _codeClasses;
    private readonly bool _codeNone;
    private readonly bool _codeAny;
    private readonly EscPattern[] _escs;
    private readonly bool _escNone;
    private readonly bool _escAny;
    private readonly IReadOnlyList<Regex> _required;
    private readonly Regex? _excluded;

    /// <summary>One rule of the knowledge files, with its patterns compiled; the loader checks the references first.</summary>
    public KnowledgeRule(
        string id,
        int priority,
        int order,
        string? code,
        string? esc,
        Regex? text,
        IReadOnlyList<string> hints,
        SmtpErrorCategory category,
        SmtpResolutionConfidence confidence,
        string server,
        IReadOnlyList<string> causes,
        IReadOnlyList<string> steps,
        IReadOnlyList<string> references,
        IReadOnlyList<string> warnings,
        string source,
        KnowledgeText? summary,
        IReadOnlyList<Regex>? required = null,
        Regex? excluded = null,
        IReadOnlyList<string>? failures = null)
    {
        Failures = failures ?? Array.Empty<string>();
        _required = required ?? Array.Empty<Regex>();
        _excluded = excluded;
        Id = id;
        Priority = priority;
        Order = order;
        Text = text;
        Hints = hints;
        Category = category;
        Confidence = confidence;
        Server = server;
        Causes = causes;
        Steps = steps;
        References = references;
        Warnings = warnings;
        Source = source;
        Summary = summary;
        CodeCondition = code ?? string.Empty;
        EscCondition = esc ?? string.Empty;

        var codes = new List<int>();
        var classes = new List<int>();
        _codeAny = string.IsNullOrWhiteSpace(code);
        foreach (var token in Tokens(code))
        {
            if (token == "none")
            {
                _codeNone = true;
            }
            else if (token.Length == 3 && token.EndsWith("xx", StringComparison.Ordinal) && char.IsDigit(token[0]))
            {
                classes.Add(token[0] - '0');
            }
            else if (token.Length == 3 && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                codes.Add(value);
            }
            else
            {
                throw new FormatException($"Rule '{id}': '{token}' is not a reply code condition (use 454, 4xx or none).");
            }
        }

        _codes = codes.ToArray();
        _codeClasses = classes.ToArray();

        var escs = new List<EscPattern>();
        _escAny = string.IsNullOrWhiteSpace(esc);
        foreach (var token in Tokens(esc))
        {
            if (token == "none")
            {
                _escNone = true;
            }
            else
            {
                escs.Add(EscPattern.Parse(id, token));
            }
        }

        _escs = escs.ToArray();
    }

    /// <summary>The rule's identifier, e.g. <c>starttls.454.postfix</c>.</summary>
    public string Id { get; }

    /// <summary>Higher priorities are tried first; the first match wins.</summary>
    public int Priority { get; }

    /// <summary>The position in the file, breaking ties between equal priorities.</summary>
    public int Order { get; }

    /// <summary>The reply code condition as written (for tests and diagnostics).</summary>
    public string CodeCondition { get; }

    /// <summary>The enhanced code condition as written.</summary>
    public string EscCondition { get; }

    /// <summary>The text condition, or null.</summary>
    public Regex? Text { get; }

    /// <summary>
    /// Literals of which at least one must occur in the text (case-insensitive) before the regex runs:
    /// a cheap pre-filter, because most lines of a mail log match no rule at all.
    /// </summary>
    public IReadOnlyList<string> Hints { get; }

    /// <summary>What the matched reply means.</summary>
    public SmtpErrorCategory Category { get; }

    /// <summary>How sure a match is: a code and a specific text count more than a keyword.</summary>
    public SmtpResolutionConfidence Confidence { get; }

    /// <summary>The server software the matched text belongs to, or empty.</summary>
    public string Server { get; }

    /// <summary>Cause identifiers, most likely first.</summary>
    public IReadOnlyList<string> Causes { get; }

    /// <summary>Step identifiers, in the order shown.</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>The sources a resolution cites (RFCs, vendor documentation).</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>Keys of runtime texts (Texts.*.xml) to add as warnings when the rule matches.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Where the knowledge comes from: an RFC, a server's source file or documentation.</summary>
    public string Source { get; }

    /// <summary>A summary that replaces the category's, or null.</summary>
    public KnowledgeText? Summary { get; }

    /// <summary>
    /// The failures the engine detects itself that this rule explains, by key: a finding or error id
    /// (<c>TlsNotOffered</c>), or an id with a refinement (<c>Timeout/Handshake</c>); see <see cref="SmtpFailure"/>.
    /// Empty for rules that only read text.
    /// </summary>
    public IReadOnlyList<string> Failures { get; }

    /// <summary>A rule with failure keys and no condition on the text: it explains those failures only and never matches text.</summary>
    public bool FailureOnly => Failures.Count > 0 && _codeAny && _escAny && Text is null && Hints.Count == 0 && _required.Count == 0;

    /// <summary>Whether the rule applies to <paramref name="input"/>; cheap conditions first, the regex last.</summary>
    public bool Matches(ParsedInput input)
    {
        if (FailureOnly)
        {
            return false;
        }

        if (!_codeAny && !MatchesCode(input.ReplyCode))
        {
            return false;
        }

        if (!_escAny && !MatchesEsc(input))
        {
            return false;
        }

        var text = input.MatchText;
        if (Hints.Count > 0 && !ContainsAnyHint(text))
        {
            return false;
        }

        if (Text is not null && !Text.IsMatch(text))
        {
            return false;
        }

        // Meanings (MeaningClassifier): every term list must occur, no excluded term may.
        foreach (var list in _required)
        {
            if (!list.IsMatch(text))
            {
                return false;
            }
        }

        return _excluded is null || !_excluded.IsMatch(text);
    }

    private bool ContainsAnyHint(string text)
    {
        foreach (var hint in Hints)
        {
            if (text.IndexOf(hint, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesCode(int code)
    {
        if (code == 0)
        {
            return _codeNone;
        }

        foreach (var c in _codes)
        {
            if (c == code)
            {
                return true;
            }
        }

        foreach (var c in _codeClasses)
        {
            if (c == code / 100)
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesEsc(ParsedInput input)
    {
        if (input.Enhanced.Length == 0)
        {
            return _escNone;
        }

        foreach (var e in _escs)
        {
            if (e.Matches(input.EnhancedClass, input.EnhancedSubject, input.EnhancedDetail))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Tokens(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield break;
        }

        foreach (var token in value!.Split(new[] { ' ', ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return token.Trim().ToLowerInvariant();
        }
    }

    /// <summary>An enhanced code condition such as <c>4.7.0</c>, <c>x.7.0</c> (any class) or <c>x.7.x</c>.</summary>
    private readonly struct EscPattern
    {
        private readonly int _class;
        private readonly int _subject;
        private readonly int _detail;

        private EscPattern(int @class, int subject, int detail)
        {
            _class = @class;
            _subject = subject;
            _detail = detail;
        }

        /// <summary>Parses <c>class.subject.detail</c>, where any part may be <c>x</c> (any value).</summary>
        /// <exception cref="FormatException">The token is not of that form (the message names the rule).</exception>
        public static EscPattern Parse(string rule, string token)
        {
            var parts = token.Split('.');
            if (parts.Length != 3)
            {
                throw new FormatException($"Rule '{rule}': '{token}' is not an enhanced code condition (use 4.7.0, x.7.0 or none).");
            }

            return new EscPattern(Part(rule, token, parts[0]), Part(rule, token, parts[1]), Part(rule, token, parts[2]));
        }

        /// <summary>Whether an enhanced status code fits the pattern.</summary>
        public bool Matches(int @class, int subject, int detail)
        {
            return (_class < 0 || _class == @class) && (_subject < 0 || _subject == subject) && (_detail < 0 || _detail == detail);
        }

        private static int Part(string rule, string token, string part)
        {
            if (part == "x")
            {
                return -1;
            }

            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value < 1000)
            {
                return value;
            }

            throw new FormatException($"Rule '{rule}': '{token}' is not an enhanced code condition.");
        }
    }
}
