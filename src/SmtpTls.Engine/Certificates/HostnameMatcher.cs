using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Certificates;

/// <summary>
/// Checks whether a certificate names a server, following RFC 6125 (and its successor RFC 9525):
/// <list type="bullet">
/// <item>DNS names of the subject alternative name extension are used; the subject's CN only when the certificate has no SAN DNS name.</item>
/// <item>A wildcard counts only as the whole left-most label (<c>*.example.org</c>) and matches exactly one non-empty label; partial wildcards (<c>f*.example.org</c>, <c>*x.example.org</c>) never match.</item>
/// <item>No wildcard covering a bare top-level domain (<c>*.com</c>, <c>*.local</c>): the part after <c>*.</c> needs two labels.
/// (Public suffixes of two labels such as <c>*.co.uk</c> are not detected: that would need the public suffix list.)</item>
/// <item>No wildcard inside an internationalized label (RFC 6125 6.4.3): as partial wildcards never match, <c>xn--*</c> is refused;
/// a whole-label <c>*</c> matches an A-label (<c>xn--...</c>) like any other label, as Mozilla's and OpenSSL's checks do.</item>
/// <item>Comparison is case-insensitive (ASCII), a trailing dot on either side is ignored, and a reference name in Unicode is converted to its A-label form first.</item>
/// <item>An IP address (<c>192.0.2.1</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]</c>) matches only an IP address entry of the SAN, never a DNS name or CN.</item>
/// </list>
/// </summary>
public static class HostnameMatcher
{
    /// <summary>Whether <paramref name="certificate"/> is valid for the host name or IP address <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or blank.</exception>
    public static bool Matches(X509Certificate2 certificate, string name)
    {
        if (certificate is null)
        {
            throw new ArgumentNullException(nameof(certificate));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A host name or IP address is required.", nameof(name));
        }

        var (dnsNames, addresses) = CertificateFacts.SubjectAlternativeNames(certificate);
        return Matches(dnsNames, addresses, () => CertificateFacts.CommonNames(certificate), name);
    }

    /// <summary>As <see cref="Matches(X509Certificate2, string)"/>, on names the caller has read from the certificate already.</summary>
    internal static bool Matches(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, Func<IEnumerable<string>> commonNames, string name)
    {
        // Indexed loops rather than LINQ: this runs on every check (and per name), and in a fresh
        // session the JIT compiles LINQ's generic code and its tiers again.
        if (TryParseAddress(name, out var address))
        {
            for (var i = 0; i < addresses.Count; i++)
            {
                if (addresses[i].Equals(address))
                {
                    return true;
                }
            }

            return false;
        }

        if (dnsNames.Count > 0)
        {
            for (var i = 0; i < dnsNames.Count; i++)
            {
                if (MatchesDnsName(dnsNames[i], name))
                {
                    return true;
                }
            }

            return false;
        }

        // RFC 6125 6.4.4: the CN is a fallback only for certificates without DNS names in the SAN.
        foreach (var commonName in commonNames())
        {
            if (MatchesDnsName(commonName, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether one presented identifier (a SAN DNS entry or CN, possibly <c>*.example.org</c>) matches
    /// the reference host name a client wants to reach.
    /// </summary>
    /// <param name="presented">The identifier from the certificate.</param>
    /// <param name="referenceName">The name the client connects to (no wildcard).</param>
    /// <returns>False for anything malformed rather than an exception: a certificate must not match by accident.</returns>
    public static bool MatchesDnsName(string? presented, string? referenceName)
    {
        var reference = NormalizeReference(referenceName);
        var pattern = NormalizePresented(presented);
        if (reference is null || pattern is null)
        {
            return false;
        }

        if (pattern.IndexOf('*') < 0)
        {
            return string.Equals(pattern, reference, StringComparison.OrdinalIgnoreCase);
        }

        // The only wildcard form accepted: "*." followed by at least two labels, no other '*'.
        if (!pattern.StartsWith("*.", StringComparison.Ordinal) || pattern.IndexOf('*', 1) >= 0)
        {
            return false;
        }

        var patternRest = pattern.Substring(2);
        if (patternRest.IndexOf('.') < 0)
        {
            return false;
        }

        var dot = reference.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        return string.Equals(reference.Substring(dot + 1), patternRest, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="name"/> is an IPv4 or IPv6 literal (IPv6 optionally in brackets).</summary>
    internal static bool TryParseAddress(string name, out IPAddress? address)
    {
        address = null;
        var text = name.Trim();
        if (text.Length > 1 && text[0] == '[' && text[text.Length - 1] == ']')
        {
            text = text.Substring(1, text.Length - 2);
        }

        // IPAddress.TryParse also takes "1" or "127.1"; only the dotted quad and IPv6 count as literals here.
        var looksLikeAddress = text.IndexOf(':') >= 0 || IsDottedQuadShape(text);
        if (!looksLikeAddress || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && parsed.ScopeId != 0)
        {
            // A zone index ("fe80::1%eth0") is local to this host; certificates carry the bare address.
            parsed = new IPAddress(parsed.GetAddressBytes());
        }

        address = parsed;
        return true;
    }

    /// <summary>Three dots and otherwise only digits (what <c>Split('.').Length == 4</c> and an all-digits test said, without the arrays).</summary>
    private static bool IsDottedQuadShape(string text)
    {
        var dots = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return dots == 3;
    }

    private static bool HasNonAscii(string text, bool orWhiteSpace)
    {
        foreach (var c in text)
        {
            if (c > 0x7F || (orWhiteSpace && char.IsWhiteSpace(c)))
            {
                return true;
            }
        }

        return false;
    }

    private static string? NormalizeReference(string? name)
    {
        var text = TrimDot(name);
        if (text is null || text.IndexOf('*') >= 0)
        {
            return null;
        }

        if (HasNonAscii(text, orWhiteSpace: false))
        {
            try
            {
                text = new IdnMapping().GetAscii(text);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return HasEmptyLabel(text) ? null : text;
    }

    private static string? NormalizePresented(string? name)
    {
        var text = TrimDot(name);

        // Certificates carry A-labels (RFC 5280 4.2.1.6); raw Unicode there is malformed and matches nothing.
        if (text is null || HasNonAscii(text, orWhiteSpace: true) || HasEmptyLabel(text))
        {
            return null;
        }

        return text;
    }

    private static string? TrimDot(string? name)
    {
        var text = name?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text![text.Length - 1] == '.')
        {
            text = text.Substring(0, text.Length - 1);
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>An empty name, a leading or trailing dot, or two dots in a row (what splitting at '.' would show as an empty label).</summary>
    private static bool HasEmptyLabel(string name)
    {
        if (name.Length == 0 || name[0] == '.' || name[name.Length - 1] == '.')
        {
            return true;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (name[i] == '.' && name[i - 1] == '.')
            {
                return true;
            }
        }

        return false;
    }
}
