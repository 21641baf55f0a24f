using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpTls.Replies;

/// <summary>
/// Turns a value taken from untrusted input (a host name quoted in a pasted log line or a server's
/// reply) into an argument of a suggested command, or refuses it. Only a valid host name or address
/// literal is ever put into a command; anything else is named in prose instead, so a pasted
/// suggestion can never run code the input smuggled in.
/// </summary>
internal static class CommandArgument
{
    // Every character PowerShell's tokenizer takes as a single quote: ' and U+2018-U+201B.
    private static readonly char[] SingleQuotes = { '\'', '\u2018', '\u2019', '\u201a', '\u201b' };

    /// <summary>
    /// Whether <paramref name="value"/> is a host name (RFC 1123 labels of letters, digits and inner
    /// hyphens, up to 253 characters; an internationalized name in its ASCII form), an IPv4 address in
    /// dotted form or an IPv6 address (bare, in brackets, or as <c>IPv6:</c>); if so, <paramref name="argument"/>
    /// is the form to put into a command: bare where PowerShell reads the bare word as that very string
    /// (a name that starts with a letter, a dotted-quad IPv4 address), else single-quoted (a name that
    /// starts with a digit, which PowerShell could read as a number such as <c>1kb</c> or <c>1.5</c>;
    /// an IPv6 address). Bare forms keep commands usable in a POSIX shell too.
    /// </summary>
    public static bool TryHost(string? value, out string argument)
    {
        argument = string.Empty;
        if (string.IsNullOrEmpty(value) || value!.Length > 300)
        {
            return false;
        }

        var text = value;
        if (text.StartsWith("[", StringComparison.Ordinal) && text.EndsWith("]", StringComparison.Ordinal))
        {
            text = text.Substring(1, text.Length - 2);
        }

        if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            text = text.Substring(5);
        }

        if (text.IndexOf(':') >= 0)
        {
            // Hex digits, colons and an embedded IPv4 tail only: no zone index, no brackets left.
            foreach (var c in text)
            {
                if (!(c is ':' or '.' || Uri.IsHexDigit(c)))
                {
                    return false;
                }
            }

            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            argument = SingleQuoted(v6.ToString());
            return true;
        }

        var ascii = text;
        foreach (var c in text)
        {
            if (c > '\u007f')
            {
                try
                {
                    ascii = new IdnMapping().GetAscii(text);
                }
                catch (ArgumentException)
                {
                    return false;
                }

                break;
            }
        }

        if (IsDottedQuad(ascii))
        {
            argument = ascii;
            return true;
        }

        if (!IsHostName(ascii))
        {
            return false;
        }

        argument = ascii[0] is >= 'a' and <= 'z' or >= 'A' and <= 'Z' ? ascii : SingleQuoted(ascii);
        return true;
    }

    /// <summary>
    /// <paramref name="value"/> as a PowerShell single-quoted string: every quote character PowerShell
    /// recognises (<c>'</c> and U+2018-U+201B) doubled, so none of them can end the string early.
    /// </summary>
    public static string SingleQuoted(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            builder.Append(c);
            if (Array.IndexOf(SingleQuotes, c) >= 0)
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHostName(string name)
    {
        var text = name.EndsWith(".", StringComparison.Ordinal) ? name.Substring(0, name.Length - 1) : name;
        if (text.Length == 0 || text.Length > 253)
        {
            return false;
        }

        foreach (var label in text.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
