using System;
using System.Collections.Generic;

namespace SmtpTls.Smtp;

/// <summary>Reads the EHLO answer: the keywords and the SASL mechanisms of the AUTH line.</summary>
internal static class SmtpCapabilities
{
    /// <summary>The keyword lines of an EHLO reply (every line after the greeting line).</summary>
    public static string[] Keywords(SmtpReply ehlo)
    {
        var keywords = new List<string>(ehlo.Lines.Count);
        for (var i = 1; i < ehlo.Lines.Count; i++)
        {
            var line = ehlo.Lines[i];
            if (line.Length > 4)
            {
                keywords.Add(line.Substring(4));
            }
        }

        return keywords.ToArray();
    }

    /// <summary>Whether an extension is advertised: the keyword alone or with parameters, compared without case (RFC 5321 §4.1.1.1).</summary>
    /// <remarks>Takes the array, not an interface, and splits by hand: this runs on every check (see issue 19).</remarks>
    public static bool Has(string[] keywords, string keyword)
    {
        foreach (var k in keywords)
        {
            var space = k.IndexOf(' ');
            var length = space < 0 ? k.Length : space;
            if (length == keyword.Length && string.Compare(k, 0, keyword, 0, length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The mechanisms of "AUTH ..." and of the pre-RFC "AUTH=..." form that old Outlook clients
    /// needed and some servers still send, upper-cased and without duplicates.
    /// </summary>
    public static string[] AuthMechanisms(string[] keywords)
    {
        var mechanisms = new List<string>();
        foreach (var keyword in keywords)
        {
            if (keyword.Length < 5 || !keyword.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) || (keyword[4] != ' ' && keyword[4] != '='))
            {
                continue;
            }

            // The words after "AUTH" / "AUTH=".
            var position = 5;
            while (NextWord(keyword, ref position) is { } mechanism)
            {
                var upper = mechanism.ToUpperInvariant();
                if (!mechanisms.Contains(upper))
                {
                    mechanisms.Add(upper);
                }
            }
        }

        return mechanisms.ToArray();
    }

    /// <summary>
    /// The next word of an EHLO keyword line, separated by spaces or tabs, from <paramref name="position"/> on
    /// (which it moves past the word); null at the end. By hand rather than Split: it runs for every EHLO line
    /// of every check (issue 19).
    /// </summary>
    internal static string? NextWord(string text, ref int position)
    {
        while (position < text.Length && (text[position] == ' ' || text[position] == '\t'))
        {
            position++;
        }

        var start = position;
        while (position < text.Length && text[position] != ' ' && text[position] != '\t')
        {
            position++;
        }

        return position > start ? text.Substring(start, position - start) : null;
    }
}
