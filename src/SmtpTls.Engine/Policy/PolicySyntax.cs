namespace SmtpTls.Policy;

/// <summary>
/// The character classes the ABNF of RFC 8461 (MTA-STS) and RFC 8460 (TLS-RPT) share, written out
/// once so that both parsers read the grammar the same way.
/// </summary>
internal static class PolicySyntax
{
    /// <summary>WSP: space or horizontal tab (RFC 5234).</summary>
    public static bool IsWsp(char c) => c == ' ' || c == '\t';

    /// <summary>ALPHA / DIGIT, ASCII only.</summary>
    public static bool IsAlphaDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    /// <summary>An extension name: <c>(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")</c>.</summary>
    public static bool IsExtensionName(string name)
    {
        if (name.Length == 0 || name.Length > 32 || !IsAlphaDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsAlphaDigit(c) && c != '_' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A TXT-record extension value: <c>1*(%x21-3A / %x3C / %x3E-7E)</c>, i.e. visible ASCII without ';' and '='.</summary>
    public static bool IsRecordExtensionValue(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < 0x21 || c > 0x7E || c == ';' || c == '=')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A policy-file extension value: visible characters (ASCII or any non-ASCII UTF-8) with single
    /// spaces inside, no control characters (<c>sts-policy-ext-value</c>).
    /// </summary>
    public static bool IsPolicyExtensionValue(string value)
    {
        if (value.Length == 0 || value[0] == ' ' || value[value.Length - 1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text without leading and trailing WSP (not other whitespace: CR or NUL stay visible to the checks).</summary>
    public static string TrimWsp(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsWsp(text[start]))
        {
            start++;
        }

        while (end > start && IsWsp(text[end - 1]))
        {
            end--;
        }

        return text.Substring(start, end - start);
    }
}
