using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SmtpTls.Replies.LogShapes;

namespace SmtpTls.Replies;

/// <summary>
/// Finds the SMTP reply in a text: a bare reply (single- or multi-line), or one embedded in a
/// Postfix, Exim, Sendmail, OpenSMTPD or Exchange log line or NDR, plus the log line's context (dsn= code,
/// delivery status, remote host and port). Bounded: it reads at most
/// <see cref="SmtpErrorResolver.MaxInputChars"/> characters and <see cref="MaxLines"/> lines, and
/// joins at most <see cref="MaxReplyLines"/> continuation lines; it notes every cut.
/// </summary>
/// <remarks>
/// This is parsing, not knowledge: what a reply means is decided by the rules in
/// <c>Knowledge/*.xml</c>. All regexes are anchored or start with a literal, are compiled once
/// and run with a timeout.
/// </remarks>
internal static class ReplyParser
{
    /// <summary>The most lines of input that are looked at.</summary>
    public const int MaxLines = 1000;

    /// <summary>The most lines of one multi-line reply that are joined into the reply text.</summary>
    public const int MaxReplyLines = 100;

    /// <summary>The most characters of reply text kept.</summary>
    public const int MaxReplyTextChars = 4096;

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture;

    // "454-..." / "454 4.7.0 text" / "454" at the start of a line (RFC 5321 §4.2: Reply-line).
    private static readonly Regex ReplyLine = new(@"^(?<code>[2-5][0-5][0-9])(?:(?<sep>[ -])(?<rest>.*))?$", Options, Timeout);

    // The enhanced status code at the start of a reply's text (RFC 2034 §4, RFC 3463 §2).
    private static readonly Regex LeadingEnhanced = new(@"^(?<esc>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?=[\s,;:]|$)[\s,;:]*", Options, Timeout);

    // A reply inside a longer text with both codes: "said: 454 4.7.0 ...", "[Message=451 5.7.3 ...".
    private static readonly Regex EmbeddedWithEnhanced = new(@"(?<![0-9.])(?<code>[2-5][0-5][0-9])[ -](?<esc>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9]|\.[0-9])[\s,;:]*(?<text>[^\n]*)", Options, Timeout);

    // A reply inside a longer text with only the basic code, after a delimiter: ": 454 TLS ...", "'550 ...", "reply=454 ...".
    // A "[123]" right after a word is a syslog process id ("postfix/smtpd[421]:"), not a reply.
    private static readonly Regex EmbeddedCode = new(@"(?:[:=#'""(]|(?<![\w/])\[|\bsaid|\breturned|\bresponse|\breply)\s*(?<code>[2-5][0-5][0-9])(?:[ -](?<text>[^\n]*)|$|(?=[)\]'""\n]))", Options | RegexOptions.IgnoreCase, Timeout);

    // Enhanced codes in log fields: Postfix/Sendmail "dsn=4.7.5", "Status: 5.7.1", Exchange "#5.7.1".
    // System.Net.Mail's SmtpException: "... The server response was: 5.7.0 Must issue a STARTTLS command first";
    // an exception logged as "Type: message": "MailKit.Net.Smtp.SmtpCommandException: 4.7.0 TLS not available ...".
    private static readonly Regex LogEnhanced = new(@"(?:\bdsn=|\bstatus:\s*|#|\bresponse was:\s*|Exception:\s*)(?<esc>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9]|\.[0-9])", Options | RegexOptions.IgnoreCase, Timeout);

    // Exchange Online's three-digit details (5.7.321, 4.4.317), specific enough to take anywhere.
    private static readonly Regex ExchangeEnhanced = new(@"(?<![\w.])(?<esc>[245]\.[0-9]{1,2}\.[0-9]{3})(?![\w]|\.[0-9])", Options, Timeout);

    private static readonly Regex InReplyTo = new(@"\s*\(in reply to [^()]*\)\s*", Options | RegexOptions.IgnoreCase, Timeout);
    private static readonly Regex PostfixStatusText = new(@"\bstatus=[a-z]+ \((?<text>.*)\)\s*$", Options | RegexOptions.IgnoreCase, Timeout);
    private static readonly Regex SendmailStatText = new(@"\bstat=(?<text>.*)$", Options | RegexOptions.IgnoreCase, Timeout);

    private static readonly Regex PortHint = new(@"\bport (?<p>[0-9]{1,5}) is typically reserved\b", Options | RegexOptions.IgnoreCase, Timeout);

    /// <summary>Parses <paramref name="input"/>; never throws for any string.</summary>
    public static ParsedInput Parse(string input)
    {
        var parsed = new ParsedInput();
        input ??= string.Empty;

        var original = input;
        if (original.Length > SmtpErrorResolver.MaxInputChars)
        {
            var cut = SmtpErrorResolver.MaxInputChars;
            if (char.IsHighSurrogate(original[cut - 1]))
            {
                cut--;
            }

            original = original.Substring(0, cut);
            parsed.Notes.Add(Note("Resolve.Warning.InputTruncated", SmtpErrorResolver.MaxInputChars, input.Length));
        }

        parsed.Original = original;
        var lines = SplitLines(original, parsed);
        parsed.Text = string.Join("\n", lines);

        // A pasted OAuth failure carries its reason base64-encoded in a 334 line: the rules read it decoded.
        parsed.Text += SmtpTls.Sending.OAuthErrorChallenge.DecodedLines(lines);

        // Codes are looked for where no log field is: see LogShape. A timeout is retried once, because the
        // first use of a compiled pattern includes its JIT compilation (KnowledgeBase.Retried).
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            try
            {
                var masked = LogShapeSet.Mask(parsed.Text);
                FindReply(lines, masked, parsed);
                FindLogContext(masked, parsed);
                break;
            }
            catch (RegexMatchTimeoutException)
            {
                if (attempt == 2)
                {
                    parsed.Notes.Add(Note("Resolve.Warning.ParseTimeout"));
                }
            }
        }

        return parsed;
    }

    private static List<string> SplitLines(string text, ParsedInput parsed)
    {
        var lines = new List<string>();
        var line = new StringBuilder(Math.Min(text.Length, 1024));
        var dropped = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (!AddLine(lines, line, parsed))
                {
                    dropped = true;
                    break;
                }

                continue;
            }

            line.Append(c < ' ' || c == '\u007f' ? ' ' : c);
        }

        if (!dropped)
        {
            AddLine(lines, line, parsed);
        }

        // Drop trailing empty lines but keep at least one line.
        while (lines.Count > 1 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            lines.Add(string.Empty);
        }

        return lines;
    }

    private static bool AddLine(List<string> lines, StringBuilder line, ParsedInput parsed)
    {
        if (lines.Count >= MaxLines)
        {
            parsed.Notes.Add(Note("Resolve.Warning.LinesTruncated", MaxLines));
            return false;
        }

        var text = line.ToString().Trim();
        line.Clear();
        if (text.Length > 0 || lines.Count > 0)
        {
            lines.Add(text);
        }

        return true;
    }

    private static void FindReply(List<string> lines, string masked, ParsedInput parsed)
    {
        // 1. A reply at the start of a line, once the line's log prefix is blanked out: the input is the
        //    reply, a transcript holding it, or a log line whose message is a bare reply.
        var maskedLines = masked.Split('\n');
        var replyLines = new List<string>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var m = i < maskedLines.Length ? maskedLines[i] : lines[i];
            var start = 0;
            while (start < m.Length && m[start] == ' ')
            {
                start++;
            }

            replyLines.Add(start > 0 && start <= lines[i].Length ? lines[i].Substring(start) : lines[i]);
        }

        // In a transcript the failure is what is asked about: the first negative reply wins over the
        // greeting and the positive replies before it ("220 ... ESMTP", "STARTTLS", "454 ...").
        // A line right after a "250-" continuation line belongs to that reply, so it starts none.
        var first = -1;
        Match? firstMatch = null;
        var continues = false;
        for (var i = 0; i < replyLines.Count; i++)
        {
            var match = ReplyLine.Match(replyLines[i]);
            var starts = match.Success && !continues;
            continues = match.Success && match.Groups["sep"].Value == "-";
            if (!starts)
            {
                continue;
            }

            if (first < 0)
            {
                first = i;
                firstMatch = match;
            }

            if (match.Groups["code"].Value[0] >= '4')
            {
                ReadMultiLineReply(replyLines, i, match, parsed);
                return;
            }
        }

        if (firstMatch is not null)
        {
            ReadMultiLineReply(replyLines, first, firstMatch, parsed);
            return;
        }

        // 2. A reply embedded in a log line or message, with both codes.
        var embedded = EmbeddedWithEnhanced.Match(masked);
        if (embedded.Success)
        {
            parsed.ReplyCode = int.Parse(embedded.Groups["code"].Value, CultureInfo.InvariantCulture);
            SetEnhanced(parsed, embedded.Groups["esc"].Value, fromReply: true);
            var group = embedded.Groups["text"];
            parsed.ReplyText = CleanText(Enclosed(parsed.Text, embedded.Index, parsed.Text.Substring(group.Index, group.Length)));
            return;
        }

        // 2b. A client library's rendering with punctuation between the codes: "(535, b'5.7.8 ...')", "535: 5.7.8 ...".
        if (ClientReplyShapes.TryFindCodeThenEnhanced(parsed.Text, out var clientCode, out _, out var clientText))
        {
            parsed.ReplyCode = clientCode;
            var leadingEsc = LeadingEnhanced.Match(clientText);
            if (leadingEsc.Success)
            {
                SetEnhanced(parsed, leadingEsc.Groups["esc"].Value, fromReply: true);
                clientText = clientText.Substring(leadingEsc.Length);
            }

            parsed.ReplyText = CleanText(clientText);
            return;
        }

        // 3. A reply embedded with the basic code only.
        var code = EmbeddedCode.Match(masked);
        if (code.Success)
        {
            parsed.ReplyCode = int.Parse(code.Groups["code"].Value, CultureInfo.InvariantCulture);
            var group = code.Groups["text"];
            var text = Enclosed(parsed.Text, code.Groups["code"].Index, group.Success ? parsed.Text.Substring(group.Index, group.Length) : string.Empty);
            var leading = LeadingEnhanced.Match(text);
            if (leading.Success)
            {
                SetEnhanced(parsed, leading.Groups["esc"].Value, fromReply: true);
                text = text.Substring(leading.Length);
            }

            parsed.ReplyText = CleanText(text);
            return;
        }

        // 4. No reply code: the message text of the line (Postfix "status=deferred (...)", Sendmail "stat=...").
        var line = FirstNonEmpty(replyLines);
        var status = PostfixStatusText.Match(line);
        if (status.Success)
        {
            parsed.ReplyText = CleanText(status.Groups["text"].Value);
        }
        else
        {
            var stat = SendmailStatText.Match(line);
            var message = stat.Success ? stat.Groups["text"].Value : line;
            var leading = LeadingEnhanced.Match(message);
            if (leading.Success)
            {
                SetEnhanced(parsed, leading.Groups["esc"].Value, fromReply: true);
                message = message.Substring(leading.Length);
            }

            parsed.ReplyText = CleanText(message);
        }
    }

    private static void ReadMultiLineReply(List<string> lines, int start, Match first, ParsedInput parsed)
    {
        var code = first.Groups["code"].Value;
        parsed.ReplyCode = int.Parse(code, CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        var joined = 0;
        var i = start;
        var match = first;
        while (true)
        {
            var rest = match.Groups["rest"].Value;
            var leading = LeadingEnhanced.Match(rest);
            if (leading.Success)
            {
                if (parsed.Enhanced.Length == 0)
                {
                    SetEnhanced(parsed, leading.Groups["esc"].Value, fromReply: true);
                }

                rest = rest.Substring(leading.Length);
            }

            if (joined < MaxReplyLines)
            {
                if (text.Length > 0 && rest.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(rest.Trim());
                joined++;
            }

            var isLast = match.Groups["sep"].Value != "-";
            if (isLast || i + 1 >= lines.Count)
            {
                break;
            }

            var next = ReplyLine.Match(lines[i + 1]);
            if (!next.Success)
            {
                break;
            }

            if (next.Groups["code"].Value != code)
            {
                parsed.Notes.Add(Note("Resolve.Warning.MixedCodes", code, next.Groups["code"].Value));
                break;
            }

            i++;
            match = next;
        }

        var total = i - start + 1;
        if (total > joined)
        {
            parsed.Notes.Add(Note("Resolve.Warning.ReplyLinesTruncated", MaxReplyLines, total));
        }

        parsed.ReplyText = Cap(text.ToString());
        if (joined > 1)
        {
            parsed.MatchText = parsed.Text + "\n" + parsed.ReplyText;
        }
    }

    private static void FindLogContext(string masked, ParsedInput parsed)
    {
        var text = parsed.Text;

        if (parsed.Enhanced.Length == 0)
        {
            var log = LogEnhanced.Match(masked);
            if (!log.Success)
            {
                log = ExchangeEnhanced.Match(masked);
            }

            if (log.Success)
            {
                SetEnhanced(parsed, log.Groups["esc"].Value, fromReply: false);
            }
            else if (ClientReplyShapes.FindLocalizedEnhanced(text) is { Length: > 0 } localized)
            {
                SetEnhanced(parsed, localized, fromReply: false);
            }
        }

        foreach (var shape in LogShapeSet.All)
        {
            if (shape.Applies(text))
            {
                shape.ReadContext(text, parsed);
            }
        }

        if (parsed.Port == 0)
        {
            var hint = PortHint.Match(text);
            if (hint.Success && TryPort(hint.Groups["p"].Value, out var port))
            {
                parsed.Port = port;
            }
        }
    }

    private static void SetEnhanced(ParsedInput parsed, string esc, bool fromReply)
    {
        var parts = esc.Split('.');
        parsed.Enhanced = esc;
        parsed.EnhancedClass = parts[0][0] - '0';
        parsed.EnhancedSubject = int.Parse(parts[1], CultureInfo.InvariantCulture);
        parsed.EnhancedDetail = int.Parse(parts[2], CultureInfo.InvariantCulture);
        parsed.EnhancedFromReply = fromReply;
    }

    private static bool TryPort(string value, out int port)
    {
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }

    private static string FirstNonEmpty(List<string> lines)
    {
        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                return line;
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> (which runs to the end of the line) at the bracket, brace or quote
    /// that encloses the reply: "[Message=451 5.7.3 ...] [Last...]", "{LED=550 ...};{MSG=}", "returned '550 ...'", "result=\"530 ...\"".
    /// </summary>
    private static string Enclosed(string all, int index, string text)
    {
        var lineStart = index > 0 ? all.LastIndexOf('\n', index - 1) + 1 : 0;
        // The innermost bracket or brace opened before the reply and not closed: "[Message=451 ...]",
        // Exchange Online's message trace "[{LED=550 5.7.1 ...};{MSG=};{FQDN=...}]".
        var squares = 0;
        var braces = 0;
        var quotes = 0;
        var doubleQuotes = 0;
        var closer = '\0';
        for (var i = index - 1; i >= lineStart && closer == '\0'; i--)
        {
            switch (all[i])
            {
                case ']':
                    squares++;
                    break;
                case '[':
                    if (squares == 0)
                    {
                        closer = ']';
                    }
                    else
                    {
                        squares--;
                    }

                    break;
                case '}':
                    braces++;
                    break;
                case '{':
                    if (braces == 0)
                    {
                        closer = '}';
                    }
                    else
                    {
                        braces--;
                    }

                    break;
            }
        }

        if (closer != '\0')
        {
            var close = text.IndexOf(closer);
            return close >= 0 ? text.Substring(0, close) : text;
        }

        for (var i = index - 1; i >= lineStart; i--)
        {
            if (all[i] == '\'')
            {
                quotes++;
            }
            else if (all[i] == '"')
            {
                doubleQuotes++;
            }
        }

        // OpenSMTPD result="530 ..." and quoted exception messages.
        if (doubleQuotes % 2 == 1)
        {
            var close = text.IndexOf('"');
            return close >= 0 ? text.Substring(0, close) : text;
        }

        if (quotes % 2 == 1)
        {
            var close = text.LastIndexOf('\'');
            return close >= 0 ? text.Substring(0, close) : text;
        }

        return text;
    }

    /// <summary>Removes Postfix's "(in reply to X command)", unbalanced closing brackets and quotes.</summary>
    private static string CleanText(string text)
    {
        text = Cap(text);
        text = InReplyTo.Replace(text, " ").Trim();
        while (text.Length > 0)
        {
            var last = text[text.Length - 1];
            if ((last == ')' && Count(text, '(') < Count(text, ')'))
                || (last == ']' && Count(text, '[') < Count(text, ']'))
                || (last == '\'' && Count(text, '\'') % 2 == 1)
                || (last == '"' && Count(text, '"') % 2 == 1))
            {
                text = text.Substring(0, text.Length - 1).TrimEnd();
                continue;
            }

            break;
        }

        return text;
    }

    private static string Cap(string text)
    {
        if (text.Length <= MaxReplyTextChars)
        {
            return text;
        }

        var cut = MaxReplyTextChars;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text.Substring(0, cut);
    }

    private static int Count(string text, char c)
    {
        var n = 0;
        foreach (var x in text)
        {
            if (x == c)
            {
                n++;
            }
        }

        return n;
    }

    private static KeyValuePair<string, object[]> Note(string key, params object[] args) => new(key, args);
}
