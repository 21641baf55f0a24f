using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>
/// Finds the SMTP reply in a text: a bare reply (single- or multi-line), or one embedded in a
/// Postfix, Exim, Sendmail or Exchange log line or NDR, plus the log line's context (dsn= code,
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

    private static readonly Regex PostfixStatus = new(@"\bstatus=(?<s>sent|deferred|bounced|expired|undeliverable|deliverable|softbounce)\b", Options | RegexOptions.IgnoreCase, Timeout);
    private static readonly Regex SendmailStat = new(@"\bstat=(?<s>[a-z][a-z ]{0,40})", Options | RegexOptions.IgnoreCase, Timeout);
    private static readonly Regex EximStatus = new(@"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} (?<s>==|\*\*|=>|->) ", Options, Timeout);
    private static readonly Regex NdrStatus = new(@"(?<bounced>\bdelivery has failed\b|\bundeliverable\b|\bcouldn't be delivered\b)|(?<deferred>\bdelivery (?:has been |is )?delayed\b|\bhasn't been delivered yet\b)", Options | RegexOptions.IgnoreCase, Timeout);

    private static readonly Regex[] HostPatterns =
    {
        // Postfix: "host mx.example.net[192.0.2.10] said", "refused to start TLS", "was not offered by host ..."
        new(@"\bhost (?<h>[\w.-]+)\[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout),
        // Postfix: "relay=mx[ip]:25", "verification failed for mx[ip]:25", "SSL_connect error to mx[ip]:465"
        new(@"\b(?:relay=|for |to )(?<h>[\w.-]+)\[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout),
        // Exim: "H=mx.example.net [192.0.2.10]:25"
        new(@"\bH=(?<h>[\w.-]+) \[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout),
        // Sendmail: "relay=mx.example.net. [192.0.2.10]"
        new(@"\brelay=(?<h>[\w-]+(?:\.[\w-]+)+)\.? \[(?<ip>[^\]\s]+)\]", Options, Timeout),
        // Exchange: "[LastAttemptedServerName=mx.example.net] [LastAttemptedIP=192.0.2.10:25]"
        new(@"\bLastAttemptedServerName=(?<h>[\w.-]+)", Options, Timeout),
        new(@"\bLastAttemptedIP=(?<ip>[0-9a-fA-F.:]+?)(?::(?<p>[0-9]{1,5}))?\]", Options, Timeout),
        // Sendmail without address: "relay=mx.example.net."
        new(@"\brelay=(?<h>[\w-]+(?:\.[\w-]+)+)\.?(?=[,\s]|$)", Options, Timeout),
    };

    // The port of the remote server when the host pattern that matched first had none ("host X[ip] said" plus "relay=X[ip]:587").
    private static readonly Regex RelayPort = new(@"(?:\brelay=[\w.-]+\[[^\]\s]+\]|\bH=[\w.-]+ \[[^\]\s]+\]|\bLastAttemptedIP=[0-9a-fA-F.:]+?):(?<p>[0-9]{1,5})\b", Options, Timeout);

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

        try
        {
            FindReply(lines, parsed);
            FindLogContext(parsed);
        }
        catch (RegexMatchTimeoutException)
        {
            parsed.Notes.Add(Note("Resolve.Warning.ParseTimeout"));
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

    private static void FindReply(List<string> lines, ParsedInput parsed)
    {
        // 1. A reply at the start of a line: the input is the reply (or a transcript holding it).
        for (var i = 0; i < lines.Count; i++)
        {
            var match = ReplyLine.Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            ReadMultiLineReply(lines, i, match, parsed);
            return;
        }

        // 2. A reply embedded in a log line or message, with both codes.
        var embedded = EmbeddedWithEnhanced.Match(parsed.Text);
        if (embedded.Success)
        {
            parsed.ReplyCode = int.Parse(embedded.Groups["code"].Value, CultureInfo.InvariantCulture);
            SetEnhanced(parsed, embedded.Groups["esc"].Value, fromReply: true);
            parsed.ReplyText = CleanText(Enclosed(parsed.Text, embedded.Index, embedded.Groups["text"].Value));
            return;
        }

        // 3. A reply embedded with the basic code only.
        var code = EmbeddedCode.Match(parsed.Text);
        if (code.Success)
        {
            parsed.ReplyCode = int.Parse(code.Groups["code"].Value, CultureInfo.InvariantCulture);
            var text = Enclosed(parsed.Text, code.Groups["code"].Index, code.Groups["text"].Value);
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
        var first = FirstNonEmpty(lines);
        var status = PostfixStatusText.Match(first);
        if (status.Success)
        {
            parsed.ReplyText = CleanText(status.Groups["text"].Value);
        }
        else
        {
            var stat = SendmailStatText.Match(first);
            var message = stat.Success ? stat.Groups["text"].Value : first;
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

    private static void FindLogContext(ParsedInput parsed)
    {
        var text = parsed.Text;

        if (parsed.Enhanced.Length == 0)
        {
            var log = LogEnhanced.Match(text);
            if (!log.Success)
            {
                log = ExchangeEnhanced.Match(text);
            }

            if (log.Success)
            {
                SetEnhanced(parsed, log.Groups["esc"].Value, fromReply: false);
            }
        }

        var postfix = PostfixStatus.Match(text);
        if (postfix.Success)
        {
            parsed.LogStatus = postfix.Groups["s"].Value.ToLowerInvariant();
        }
        else
        {
            var stat = SendmailStat.Match(text);
            if (stat.Success)
            {
                var value = stat.Groups["s"].Value.Trim().ToLowerInvariant();
                parsed.LogStatus = value.StartsWith("sent", StringComparison.Ordinal) ? "sent"
                    : value.StartsWith("deferred", StringComparison.Ordinal) ? "deferred"
                    : value.StartsWith("queued", StringComparison.Ordinal) ? "queued"
                    : "bounced";
            }
            else
            {
                var exim = EximStatus.Match(text);
                if (exim.Success)
                {
                    var s = exim.Groups["s"].Value;
                    parsed.LogStatus = s == "==" ? "deferred" : s == "**" ? "bounced" : "sent";
                }
                else
                {
                    var ndr = NdrStatus.Match(text);
                    if (ndr.Success)
                    {
                        parsed.LogStatus = ndr.Groups["bounced"].Success ? "bounced" : "deferred";
                    }
                }
            }
        }

        foreach (var pattern in HostPatterns)
        {
            var host = pattern.Match(text);
            if (!host.Success)
            {
                continue;
            }

            var name = host.Groups["h"].Success ? host.Groups["h"].Value.TrimEnd('.') : string.Empty;
            var ip = host.Groups["ip"].Success ? host.Groups["ip"].Value : string.Empty;
            if (name.Length == 0 || string.Equals(name, "unknown", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "none", StringComparison.OrdinalIgnoreCase))
            {
                name = ip.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? ip.Substring(5) : ip;
            }

            if (name.Length == 0 || name.Length > 253)
            {
                continue;
            }

            parsed.Server = name;
            if (host.Groups["p"].Success && TryPort(host.Groups["p"].Value, out var port))
            {
                parsed.Port = port;
            }

            break;
        }

        if (parsed.Port == 0 && parsed.Server.Length > 0)
        {
            var relay = RelayPort.Match(text);
            if (relay.Success && TryPort(relay.Groups["p"].Value, out var port))
            {
                parsed.Port = port;
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
    /// Cuts <paramref name="text"/> (which runs to the end of the line) at the bracket or quote
    /// that encloses the reply: "[Message=451 5.7.3 ...] [Last...]", "returned '550 ...'".
    /// </summary>
    private static string Enclosed(string all, int index, string text)
    {
        var lineStart = index > 0 ? all.LastIndexOf('\n', index - 1) + 1 : 0;
        var depth = 0;
        var quotes = 0;
        for (var i = index - 1; i >= lineStart; i--)
        {
            var c = all[i];
            if (c == ']')
            {
                depth--;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == '\'')
            {
                quotes++;
            }
        }

        if (depth > 0)
        {
            var close = text.IndexOf(']');
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
