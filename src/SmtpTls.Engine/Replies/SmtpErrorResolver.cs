using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using SmtpTls.Diagnostics;
using SmtpTls.Localization;

namespace SmtpTls.Replies;

/// <summary>
/// Translates SMTP replies (e.g. <c>454 4.7.0 TLS not available due to local problem</c>), mail-log
/// lines (Postfix, Exim, Sendmail, Exchange), NDR texts, client error messages and exceptions into
/// <see cref="SmtpErrorResolution"/> objects: category, transient or not, likely causes and
/// remediation steps for senders, administrators and developers. No network access.
/// </summary>
/// <remarks>
/// The meaning of replies is data, not code: the embedded knowledge files
/// <c>Replies/Knowledge/*.xml</c> hold the rules (each with its source), the causes and steps in
/// English and German, and the meanings of the enhanced status codes. Inputs are capped (<see cref="MaxInputChars"/> characters, 1000 lines,
/// 100 continuation lines, 32 exceptions per chain); cuts are reported in
/// <see cref="SmtpErrorResolution.Warnings"/>. Thread-safe.
/// </remarks>
public static partial class SmtpErrorResolver
{
    /// <summary>The most characters of input that are read.</summary>
    public const int MaxInputChars = 64 * 1024;

    /// <summary>
    /// The key under which other cmdlets attach an <see cref="SmtpErrorResolution"/> to an
    /// exception's <see cref="Exception.Data"/>; <see cref="Resolve(Exception, CultureInfo?)"/> uses it.
    /// </summary>
    public const string ResolutionDataKey = "SmtpTls.Resolution";

    private const string PlaceholderPattern = @"\{(?<name>server|port)(?::(?<default>[0-9]{1,5}))?\}";
    private const RegexOptions PlaceholderOptions = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Every remediation step with a {server} or {port} goes through this pattern, so a failed check does too: on .NET 8+
    // it is source-generated, which keeps the regex interpreter (JIT-compiled and tiered up for this one pattern) out of
    // the process.
#if NET8_0_OR_GREATER
    private static Regex Placeholder => PlaceholderRegex();

    [GeneratedRegex(PlaceholderPattern, PlaceholderOptions)]
    private static partial Regex PlaceholderRegex();
#else
    private static readonly Regex Placeholder = new(PlaceholderPattern, PlaceholderOptions);
#endif

    private static readonly object CultureSync = new();
    private static HashSet<string>? _cultureNames;

    /// <summary>Resolves a reply, log line, NDR text or client error message.</summary>
    /// <param name="input">The text; single- or multi-line. Empty text yields a resolution of category Other with a warning.</param>
    /// <param name="culture">The language of the text fields; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public static SmtpErrorResolution Resolve(string input, CultureInfo? culture = null)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        return Build(ReplyParser.Parse(input), culture ?? CultureInfo.CurrentUICulture, null, 0);
    }

    /// <summary>
    /// Resolves an exception: a resolution attached in <c>Data["SmtpTls.Resolution"]</c> (re-resolved
    /// in <paramref name="culture"/>), else the reply of an SMTP exception (MailKit's
    /// SmtpCommandException or System.Net.Mail's SmtpException, read by duck typing) and the
    /// messages of the whole chain (inner and aggregated exceptions).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static SmtpErrorResolution Resolve(Exception exception, CultureInfo? culture = null)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return ResolveError(exception, null, culture);
    }

    /// <summary>
    /// Resolves an error made of an exception and/or an explanatory text (PowerShell's
    /// <c>ErrorRecord.ErrorDetails.Message</c>); the text is read before the exception's messages.
    /// </summary>
    /// <exception cref="ArgumentException">Both <paramref name="exception"/> and <paramref name="details"/> are null.</exception>
    public static SmtpErrorResolution ResolveError(Exception? exception, string? details, CultureInfo? culture = null)
    {
        if (exception is null && details is null)
        {
            throw new ArgumentException("An exception or a text is required.", nameof(exception));
        }

        var effective = culture ?? CultureInfo.CurrentUICulture;
        if (exception is null)
        {
            return Resolve(details!, effective);
        }

        var (text, attached, chainCut, textCut) = ExceptionReader.Read(exception);
        if (attached is not null)
        {
            return Relocalize(attached, effective);
        }

        if (!string.IsNullOrEmpty(details))
        {
            text = details + "\n" + text;
        }

        var parsed = ReplyParser.Parse(text);
        if (chainCut)
        {
            parsed.Notes.Add(new KeyValuePair<string, object[]>("Resolve.Warning.ExceptionsTruncated", new object[] { ExceptionReader.MaxExceptions }));
        }

        if (textCut)
        {
            parsed.Notes.Add(new KeyValuePair<string, object[]>("Resolve.Warning.ExceptionTextCut", new object[] { MaxInputChars }));
        }

        return Build(parsed, effective, null, 0);
    }

    /// <summary>
    /// Returns <paramref name="resolution"/> in <paramref name="culture"/>'s language: the same object
    /// when it already is, else a new resolution of its <see cref="SmtpErrorResolution.Input"/> that
    /// keeps the server and port it named.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="resolution"/> is null.</exception>
    public static SmtpErrorResolution Relocalize(SmtpErrorResolution resolution, CultureInfo? culture = null)
    {
        if (resolution is null)
        {
            throw new ArgumentNullException(nameof(resolution));
        }

        var effective = culture ?? CultureInfo.CurrentUICulture;
        if (string.Equals(resolution.Culture, EffectiveCultureName(effective), StringComparison.OrdinalIgnoreCase))
        {
            return resolution;
        }

        // A failure the engine resolved by its id has only the server's reply (often none) as input:
        // its rule, named by RuleId, is taken again rather than guessed from that reply.
        var failureRule = KnowledgeBase.Instance.RulesById.TryGetValue(resolution.RuleId ?? string.Empty, out var named) && named.Failures.Count > 0 ? named : null;
        if (failureRule is null && string.IsNullOrEmpty(resolution.Input))
        {
            return resolution;
        }

        return Build(ReplyParser.Parse(resolution.Input ?? string.Empty), effective, resolution.Server, resolution.Port, failureRule);
    }

    /// <summary>
    /// Resolves a failure the probe or the sender detected itself: a <see cref="SmtpFailure.Known"/> one by the rule
    /// keyed by its id (the reply only for codes and the server software), the others by the reply or the
    /// exception they carry, and by their id's rule when that text matches no rule. Null when nothing explains it.
    /// </summary>
    internal static SmtpErrorResolution? ResolveFailure(SmtpFailure failure, CultureInfo culture)
    {
        var kb = KnowledgeBase.Instance;
        if (failure.IsKnown)
        {
            var rule = kb.MatchFailure(failure);
            return rule is null ? null : Build(ReplyParser.Parse(failure.Reply ?? string.Empty), culture, null, 0, rule);
        }

        var resolution = failure.Exception is { } exception ? Resolve(exception, culture) : Resolve(failure.Text ?? failure.Reply ?? string.Empty, culture);
        if (resolution.RuleId.Length == 0 && kb.MatchFailure(failure) is { } fallback)
        {
            var input = failure.Exception is null ? failure.Text ?? failure.Reply ?? string.Empty : resolution.Input;
            return Build(ReplyParser.Parse(input), culture, null, 0, fallback);
        }

        return resolution;
    }

    /// <summary>
    /// Resolves any object, read by <see cref="ObjectReader"/>: a string, an exception, an
    /// <see cref="SmtpErrorResolution"/>, a dictionary or an object with a reply-like property
    /// (<see cref="ObjectReader.ReplyProperties"/>; a <c>Resolution</c> holding an SmtpErrorResolution wins),
    /// or a sequence of lines (joined as one multi-line reply).
    /// </summary>
    /// <param name="input">The object.</param>
    /// <param name="culture">The language of the text fields; default: the current UI culture.</param>
    /// <returns>The resolution; null for null, empty or whitespace-only input and for objects without such text.</returns>
    public static SmtpErrorResolution? ResolveObject(object? input, CultureInfo? culture = null)
    {
        return Resolve(ObjectReader.Read(input), culture);
    }

    /// <summary>Resolves what <see cref="ObjectReader.Read(object?, Func{object, object?}?)"/> found.</summary>
    /// <param name="reading">The reading.</param>
    /// <param name="culture">The language of the text fields; default: the current UI culture.</param>
    /// <returns>The resolution; null when the reading found nothing (see <see cref="ObjectReading.IsEmpty"/> for why).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reading"/> is null.</exception>
    public static SmtpErrorResolution? Resolve(ObjectReading reading, CultureInfo? culture = null)
    {
        if (reading is null)
        {
            throw new ArgumentNullException(nameof(reading));
        }

        var effective = culture ?? CultureInfo.CurrentUICulture;
        if (reading.Resolution is { } resolution)
        {
            return Relocalize(resolution, effective);
        }

        if (reading.Exception is { } exception)
        {
            return Resolve(exception, effective);
        }

        return reading.Text is { } text ? Resolve(text, effective) : null;
    }

    /// <summary>
    /// Gets the culture named <paramref name="name"/> if it is a culture this system knows
    /// (not a made-up name that .NET would accept as a custom culture).
    /// </summary>
    public static bool TryGetCulture(string? name, out CultureInfo? culture)
    {
        culture = null;
        if (name is null)
        {
            return false;
        }

        name = name.Trim();
        if (name.Length == 0)
        {
            culture = CultureInfo.InvariantCulture;
            return true;
        }

        lock (CultureSync)
        {
            _cultureNames ??= new HashSet<string>(CultureInfo.GetCultures(CultureTypes.AllCultures).Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        }

        if (!_cultureNames.Contains(name))
        {
            return false;
        }

        try
        {
            culture = CultureInfo.GetCultureInfo(name);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The culture name a resolution in <paramref name="culture"/> reports: the culture's own name
    /// when its language is shipped (de-DE, en-US), else the fallback language ("en").
    /// </summary>
    public static string EffectiveCultureName(CultureInfo culture)
    {
        if (culture is null)
        {
            throw new ArgumentNullException(nameof(culture));
        }

        var language = LocalizedText.EffectiveLanguage(culture);
        return string.Equals(language, culture.TwoLetterISOLanguageName, StringComparison.OrdinalIgnoreCase) && culture.Name.Length > 0
            ? culture.Name
            : language;
    }

    /// <param name="parsed">The input, parsed.</param>
    /// <param name="culture">The language of the texts.</param>
    /// <param name="serverHint">The server to name when the input names none.</param>
    /// <param name="portHint">The port to name when the input names none.</param>
    /// <param name="failureRule">The rule of a failure the engine detected itself, taken instead of matching the text; null to match.</param>
    private static SmtpErrorResolution Build(ParsedInput parsed, CultureInfo culture, string? serverHint, int portHint, KnowledgeRule? failureRule = null)
    {
        var kb = KnowledgeBase.Instance;
        var result = new SmtpErrorResolution
        {
            // Pasted logs and server replies may carry terminal escapes: kept visible, never raw.
            Input = VisibleText.EscapeLines(parsed.Original)!,
            ReplyCode = parsed.ReplyCode,
            EnhancedStatusCode = parsed.Enhanced,
            ReplyText = VisibleText.EscapeLines(parsed.ReplyText)!,
            LogStatus = parsed.LogStatus,
            Server = parsed.Server.Length > 0 ? parsed.Server : serverHint ?? string.Empty,
            Port = parsed.Port > 0 ? parsed.Port : portHint,
            Culture = EffectiveCultureName(culture),
        };

        SetClass(result, parsed);

        var warnings = new List<string>();
        foreach (var note in parsed.Notes)
        {
            warnings.Add(LocalizedText.Format(note.Key, culture, note.Value));
        }

        if (parsed.Text.Trim().Length == 0 && failureRule is null)
        {
            warnings.Add(LocalizedText.Get("Error.EmptyInput", culture));
        }

        KnowledgeRule? rule = failureRule;
        try
        {
            rule ??= kb.Match(parsed);
        }
        catch (RegexMatchTimeoutException)
        {
            rule = null;
            warnings.Add(LocalizedText.Get("Resolve.Warning.ParseTimeout", culture));
        }

        // The server software first: a step takes its product's own form (commands, paths) when it has one.
        result.ServerSoftware = DetectServer(kb, parsed, rule);
        var references = new List<string>();
        if (rule is not null)
        {
            result.RuleId = rule.Id;
            result.Category = rule.Category;
            result.Confidence = rule.Confidence;
            result.Summary = Fill((rule.Summary ?? Summary(kb, rule.Category))?.Get(culture) ?? string.Empty, result, inCommand: false);
            result.Causes = rule.Causes.Select(c => Fill(kb.Causes[c].Get(culture), result, inCommand: false)).ToArray();
            result.Remediation = rule.Steps.Select(s => Step(kb.Steps[s], culture, result)).ToArray();
            references.AddRange(rule.References);
            foreach (var key in rule.Warnings)
            {
                warnings.Add(LocalizedText.Format(key, culture, result.ReplyCode, result.EnhancedStatusCode));
            }
        }
        else
        {
            result.Summary = Summary(kb, SmtpErrorCategory.Other)?.Get(culture) ?? string.Empty;
        }

        if (parsed.Enhanced.Length > 0)
        {
            var key = parsed.EnhancedSubject.ToString(CultureInfo.InvariantCulture) + "." + parsed.EnhancedDetail.ToString(CultureInfo.InvariantCulture);
            if (kb.EnhancedDetails.TryGetValue(key, out var detail))
            {
                result.EnhancedStatusDescription = detail.Text.Get(culture);
                references.Add(detail.Source);
                if (detail.Warning.Length > 0)
                {
                    warnings.Add(LocalizedText.Format(detail.Warning, culture, result.ReplyCode, result.EnhancedStatusCode));
                }
            }
            else if (kb.EnhancedSubjects.TryGetValue(parsed.EnhancedSubject.ToString(CultureInfo.InvariantCulture), out var subject))
            {
                result.EnhancedStatusDescription = subject.Get(culture);
            }
        }

        var codeClass = parsed.ReplyCode / 100;
        if (parsed.ReplyCode > 0 && parsed.EnhancedClass > 0 && codeClass != parsed.EnhancedClass)
        {
            warnings.Add(LocalizedText.Format(
                "Resolve.Warning.ClassMismatch",
                culture,
                parsed.ReplyCode,
                parsed.Enhanced,
                codeClass,
                parsed.EnhancedClass,
                LocalizedText.Get(result.IsTransient ? "Resolve.Word.Transient" : "Resolve.Word.NotTransient", culture)));
            references.Add("RFC 3463 §2");
        }

        result.References = references.Distinct(StringComparer.Ordinal).ToArray();
        result.Warnings = warnings.Distinct(StringComparer.Ordinal).ToArray();

        // Escaped only now: the remediation steps judged the name as it was (see CommandArgument).
        result.Server = VisibleText.Escape(result.Server)!;
        return result;
    }

    private static void SetClass(SmtpErrorResolution result, ParsedInput parsed)
    {
        if (parsed.ReplyCode > 0)
        {
            result.Class = (SmtpReplyClass)(parsed.ReplyCode / 100);
            result.IsTransient = parsed.ReplyCode / 100 == 4;
        }
        else if (parsed.EnhancedClass > 0)
        {
            result.Class = (SmtpReplyClass)parsed.EnhancedClass;
            result.IsTransient = parsed.EnhancedClass == 4;
        }
        else
        {
            switch (parsed.LogStatus)
            {
                case "deferred":
                case "softbounce":
                    result.Class = SmtpReplyClass.TransientNegative;
                    result.IsTransient = true;
                    break;
                case "bounced":
                case "expired":
                case "undeliverable":
                    result.Class = SmtpReplyClass.PermanentNegative;
                    break;
                case "sent":
                case "deliverable":
                    result.Class = SmtpReplyClass.PositiveCompletion;
                    break;
                default:
                    result.Class = SmtpReplyClass.Unknown;
                    break;
            }
        }
    }

    private static KnowledgeText? Summary(KnowledgeBase kb, SmtpErrorCategory category)
    {
        return kb.Categories.TryGetValue(category, out var text) ? text : null;
    }

    private static string DetectServer(KnowledgeBase kb, ParsedInput parsed, KnowledgeRule? rule)
    {
        try
        {
            foreach (var server in kb.Servers)
            {
                if (KnowledgeBase.Retried(() => server.Pattern.IsMatch(parsed.Text)))
                {
                    return server.Name;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Fall back to what the rule knows.
        }

        return rule?.Server ?? string.Empty;
    }

    private static SmtpRemediationStep Step(KnowledgeStep step, CultureInfo culture, SmtpErrorResolution result)
    {
        var (command, text) = step.For(result.ServerSoftware);
        var action = Fill(text.Get(culture), result, inCommand: false);
        if (command.IndexOf("{server", StringComparison.Ordinal) >= 0 && result.Server.Length > 0 && !CommandArgument.TryHost(result.Server, out _))
        {
            // Never a command around a name that is not a host name or address: the step names it in prose.
            action += " " + LocalizedText.Format("Resolve.Step.HostNotUsable", culture, Quoted(result.Server));
            command = string.Empty;
        }

        return new SmtpRemediationStep
        {
            Id = step.Id,
            Audience = step.Audience,
            Action = action,
            Command = Fill(command, result, inCommand: true),
        };
    }

    /// <summary>A name for prose: control characters escaped, in typographic quotes.</summary>
    private static string Quoted(string name) => "\u201c" + VisibleText.Escape(name) + "\u201d";

    /// <summary>
    /// Replaces {server} and {port:default} with what the input named, else a placeholder or the default.
    /// In a command the server is only ever a validated host argument (see <see cref="CommandArgument"/>).
    /// </summary>
    private static string Fill(string template, SmtpErrorResolution result, bool inCommand)
    {
        if (template.IndexOf('{') < 0)
        {
            return template;
        }

        return Placeholder.Replace(template, m =>
        {
            if (m.Groups["name"].Value == "server")
            {
                if (result.Server.Length == 0)
                {
                    return "<server>";
                }

                if (CommandArgument.TryHost(result.Server, out var argument))
                {
                    return argument;
                }

                return inCommand ? "<server>" : Quoted(result.Server);
            }

            if (result.Port > 0)
            {
                return result.Port.ToString(CultureInfo.InvariantCulture);
            }

            return m.Groups["default"].Success ? m.Groups["default"].Value : "25";
        });
    }
}
