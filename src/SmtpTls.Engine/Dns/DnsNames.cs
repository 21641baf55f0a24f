using System;
using SmtpTls.Localization;
using System.Globalization;
using System.Net;

namespace SmtpTls.Dns;

/// <summary>
/// Turns a domain name as a user writes it (Unicode, mixed case, trailing dot) into the ASCII
/// form DNS queries and certificate checks use: IDNA/punycode, lower case, no trailing dot.
/// </summary>
public static class DnsNames
{
    /// <summary>The longest presentation-form name DNS can carry (RFC 1035: 255 octets on the wire).</summary>
    public const int MaxNameLength = 253;

    /// <summary>The longest label (RFC 1035).</summary>
    public const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new()
    {
        // Service names such as _25._tcp or _mta-sts carry underscores, which STD3 rules forbid.
        UseStd3AsciiRules = false,
        AllowUnassigned = false,
    };

    /// <summary>Returns the ASCII (punycode) form of <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a usable domain name; the message says why.</exception>
    public static string ToAscii(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (!TryToAscii(name, out var ascii, out var error))
        {
            throw new ArgumentException(error, nameof(name));
        }

        return ascii!;
    }

    /// <summary>Converts <paramref name="name"/> to its ASCII form without throwing.</summary>
    /// <param name="name">A domain name, Unicode or ASCII, with or without the trailing dot.</param>
    /// <param name="ascii">The lower-case ASCII form without trailing dot, or null.</param>
    /// <param name="error">Why the name is unusable, or null.</param>
    /// <returns>Whether the name is usable.</returns>
    public static bool TryToAscii(string? name, out string? ascii, out string? error)
    {
        ascii = null;
        error = null;
        var value = name?.Trim() ?? string.Empty;
        if (value.EndsWith(".", StringComparison.Ordinal))
        {
            value = value.Substring(0, value.Length - 1);
        }

        if (value.Length == 0)
        {
            error = "A domain name is required.";
            return false;
        }

        if (IPAddress.TryParse(value, out _) && (value.IndexOf(':') >= 0 || IsDottedNumbers(value)))
        {
            error = LocalizedText.Format("DnsName.IsAddress", null, value);
            return false;
        }

        string converted;
        if (IsAscii(value))
        {
            converted = value.ToLowerInvariant();
        }
        else
        {
            try
            {
                converted = Idn.GetAscii(value).ToLowerInvariant();
            }
            catch (ArgumentException exception)
            {
                error = LocalizedText.Format("DnsName.InvalidIdn", null, value, exception.Message);
                return false;
            }
        }

        if (converted.Length > MaxNameLength)
        {
            error = LocalizedText.Format("DnsName.TooLong", null, value, MaxNameLength);
            return false;
        }

        foreach (var label in converted.Split('.'))
        {
            if (label.Length == 0)
            {
                error = LocalizedText.Format("DnsName.EmptyLabel", null, value);
                return false;
            }

            if (label.Length > MaxLabelLength)
            {
                error = LocalizedText.Format("DnsName.LabelTooLong", null, value, MaxLabelLength);
                return false;
            }

            foreach (var c in label)
            {
                var allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!allowed)
                {
                    error = LocalizedText.Format("DnsName.InvalidCharacter", null, value, c);
                    return false;
                }
            }
        }

        ascii = converted;
        return true;
    }

    /// <summary>The Unicode form of an ASCII name for display; the input when it is not valid punycode.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ascii"/> is null.</exception>
    public static string ToUnicode(string ascii)
    {
        if (ascii is null)
        {
            throw new ArgumentNullException(nameof(ascii));
        }

        if (ascii.IndexOf("xn--", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return ascii;
        }

        try
        {
            return Idn.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            // A display helper must never fail on a name the DNS handed us.
            return ascii;
        }
    }

    /// <summary>Removes the root dot DnsClient puts at the end of names and lower-cases them.</summary>
    internal static string FromWire(string name)
    {
        var value = name.EndsWith(".", StringComparison.Ordinal) && name.Length > 1 ? name.Substring(0, name.Length - 1) : name;
        return value.ToLowerInvariant();
    }

    private static bool IsAscii(string value)
    {
        foreach (var c in value)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDottedNumbers(string value)
    {
        foreach (var c in value)
        {
            if (c != '.' && (c < '0' || c > '9'))
            {
                return false;
            }
        }

        return true;
    }
}
