using System;
using System.Globalization;
using System.Text;

namespace SmtpTls.Diagnostics;

/// <summary>
/// Makes text from a server safe to show on a terminal and to keep: every control character is
/// written out as an escape (<c>\x1b</c> for ESC, <c>\x9b</c> for the one-byte CSI, <c>\u202e</c>
/// for a bidirectional override), so a reply can neither retitle the window, clear the screen,
/// move the cursor nor reorder what is shown, and the reader still sees that it tried.
/// </summary>
/// <remarks>
/// Escaped: C0 controls (U+0000-U+001F, tab and line breaks included: callers keep line structure
/// themselves), DEL, C1 controls (U+0080-U+009F, where the 8-bit CSI and OSC live), the Unicode
/// bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the line and
/// paragraph separators (U+2028, U+2029) and lone surrogates. A backslash already in the text is left
/// as it is, so Windows paths stay readable; the escape is for the eye, not a reversible encoding.
/// </remarks>
public static class VisibleText
{
    /// <summary>Returns <paramref name="text"/> with every control character escaped; null stays null.</summary>
    public static string? Escape(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }

            if (!IsUnsafe(c))
            {
                builder.Append(c);
            }
            else if (c <= '\u00ff')
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Escapes each line of <paramref name="text"/> but keeps its line feeds (a CR before them is dropped),
    /// for multi-line replies that are shown line by line.
    /// </summary>
    public static string? EscapeLines(string? text)
    {
        if (text is null || IndexOfUnsafe(text) < 0)
        {
            return text;
        }

        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = Escape(lines[i])!;
        }

        return string.Join("\n", lines);
    }

    /// <summary>Whether <paramref name="text"/> holds a character <see cref="Escape"/> would change.</summary>
    public static bool HasUnsafe(string? text) => text is not null && IndexOfUnsafe(text) >= 0;

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) =>
        c < ' '
        || c is >= '\u007f' and <= '\u009f'
        || c is '\u061c' or '\u200e' or '\u200f' or '\u2028' or '\u2029'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069'
        || char.IsSurrogate(c);
}
