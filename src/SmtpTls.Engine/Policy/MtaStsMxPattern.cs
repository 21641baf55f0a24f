using System;
using System.Globalization;
using SmtpTls.Dns;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// The <c>mx</c> patterns of an MTA-STS policy (RFC 8461 sections 3.2 and 4.1): a host name, or
/// <c>*.</c> followed by one, where the wildcard stands for exactly one left-most label.
/// </summary>
public static class MtaStsMxPattern
{
    /// <summary>
    /// Whether <paramref name="mxHost"/> is covered by <paramref name="pattern"/>: equal names
    /// (case-insensitive, trailing dot and IDN form ignored on the host side), or a wildcard
    /// <c>*.example.net</c> that covers <c>mail.example.net</c> but neither <c>example.net</c> nor
    /// <c>a.mail.example.net</c>.
    /// </summary>
    /// <param name="pattern">The pattern from the policy.</param>
    /// <param name="mxHost">The MX host name (Unicode or ASCII).</param>
    /// <returns>False for malformed input rather than an exception: an MX must not be covered by accident.</returns>
    public static bool Matches(string? pattern, string? mxHost)
    {
        if (pattern is null || mxHost is null || !IsValid(pattern, out _) || !DnsNames.TryToAscii(mxHost, out var host, out _))
        {
            return false;
        }

        var p = pattern.ToLowerInvariant();
        if (!p.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(p, host, StringComparison.Ordinal);
        }

        var dot = host!.IndexOf('.');
        return dot > 0 && string.Equals(host.Substring(dot + 1), p.Substring(2), StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="pattern"/> follows <c>["*."] Domain</c> (RFC 5321 Domain: LDH labels, no trailing dot).</summary>
    /// <param name="pattern">The pattern from the policy.</param>
    /// <param name="problemKey">The localization key of the reason when it is not valid (see <see cref="Describe"/>).</param>
    public static bool IsValid(string? pattern, out string? problemKey)
    {
        problemKey = null;
        if (string.IsNullOrEmpty(pattern))
        {
            problemKey = "Policy.Syntax.Mx.Label";
            return false;
        }

        var name = pattern!;
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            name = name.Substring(2);
        }

        if (name.IndexOf('*') >= 0)
        {
            problemKey = "Policy.Syntax.Mx.Wildcard";
            return false;
        }

        if (name.EndsWith(".", StringComparison.Ordinal) && name.Length > 1)
        {
            problemKey = "Policy.Syntax.Mx.TrailingDot";
            return false;
        }

        foreach (var c in name)
        {
            if (c > 0x7F)
            {
                problemKey = "Policy.Syntax.Mx.NonAscii";
                return false;
            }
        }

        if (name.Length > DnsNames.MaxNameLength)
        {
            problemKey = "Policy.Syntax.Mx.TooLong";
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (!IsLdhLabel(label))
            {
                problemKey = "Policy.Syntax.Mx.Label";
                return false;
            }
        }

        return true;
    }

    /// <summary>The localized reason for an invalid pattern; for non-ASCII names it names the A-label form to write instead.</summary>
    public static string Describe(string pattern, string problemKey, CultureInfo? culture)
    {
        if (problemKey == "Policy.Syntax.Mx.NonAscii")
        {
            var suggestion = DnsNames.TryToAscii(pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern.Substring(2) : pattern, out var ascii, out _)
                ? (pattern.StartsWith("*.", StringComparison.Ordinal) ? "*." : string.Empty) + ascii
                : pattern;
            return LocalizedText.Format(problemKey, culture, suggestion);
        }

        return LocalizedText.Get(problemKey, culture);
    }

    // RFC 5321 sub-domain: Let-dig [Ldh-str]; at most 63 characters.
    private static bool IsLdhLabel(string label)
    {
        if (label.Length == 0 || label.Length > DnsNames.MaxLabelLength || label[0] == '-' || label[label.Length - 1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!PolicySyntax.IsAlphaDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
