using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// What one family of log lines looks like: which of its fields can never hold the reply (queue ids,
/// process ids, addresses, sizes, cipher fields), and where it names the delivery status and the remote host.
/// </summary>
/// <remarks>
/// <see cref="ReplyParser"/> looks for reply codes in a copy of the text in which every field that a shape
/// masks is blanked out, so that <c>[2001:db8::311]</c>, <c>postfix/smtpd[421]</c> or Exim's
/// <c>X=TLS1.3:…:256</c> are never read as reply codes; the reply text itself is then taken from the
/// unmasked text at the same position.
/// </remarks>
internal abstract class LogShape
{
    /// <summary>The bound on each pattern match: a pasted log is untrusted text.</summary>
    protected static readonly System.TimeSpan Timeout = System.TimeSpan.FromMilliseconds(250);
    /// <summary>The options every shape's pattern is compiled with.</summary>
    protected const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture;

    /// <summary>
    /// Literals of which at least one occurs in every line of this shape; empty = the shape applies to every
    /// text. A cheap test that spares the shape's patterns on lines of other families.
    /// </summary>
    protected virtual string[] Markers => System.Array.Empty<string>();

    /// <summary>Whether <paramref name="text"/> may be a line of this shape (one of its <see cref="Markers"/> occurs).</summary>
    public bool Applies(string text)
    {
        var markers = Markers;
        if (markers.Length == 0)
        {
            return true;
        }

        foreach (var marker in markers)
        {
            if (text.IndexOf(marker, System.StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Blanks, in <paramref name="masked"/> (a copy of <paramref name="text"/>), the fields that are never a reply.</summary>
    public abstract void Mask(string text, char[] masked);

    /// <summary>Sets the delivery status, remote host and port the line names, where <paramref name="parsed"/> has none yet.</summary>
    public virtual void ReadContext(string text, ParsedInput parsed)
    {
    }

    /// <summary>Blanks every match of <paramref name="pattern"/> (or only its group <c>f</c>, when it has one).</summary>
    protected static void Blank(Regex pattern, string text, char[] masked)
    {
        var field = pattern.GroupNumberFromName("f");
        for (var m = pattern.Match(text); m.Success; m = m.NextMatch())
        {
            var g = field >= 0 && m.Groups[field].Success ? (Capture)m.Groups[field] : m;
            for (var i = g.Index; i < g.Index + g.Length; i++)
            {
                if (masked[i] != '\n')
                {
                    masked[i] = ' ';
                }
            }

            if (m.Length == 0)
            {
                break;
            }
        }
    }

    /// <summary>Sets the host and port of a match with groups h (name), ip and p (port) unless a host is already known.</summary>
    protected static bool SetHost(Match host, ParsedInput parsed)
    {
        if (!host.Success || parsed.Server.Length > 0)
        {
            return false;
        }

        var name = host.Groups["h"].Success ? host.Groups["h"].Value.TrimEnd('.') : string.Empty;
        var ip = host.Groups["ip"].Success ? host.Groups["ip"].Value : string.Empty;
        if (name.Length == 0 || string.Equals(name, "unknown", System.StringComparison.OrdinalIgnoreCase) || string.Equals(name, "none", System.StringComparison.OrdinalIgnoreCase))
        {
            name = ip.StartsWith("IPv6:", System.StringComparison.OrdinalIgnoreCase) ? ip.Substring(5) : ip;
        }

        if (name.Length == 0 || name.Length > 253)
        {
            return false;
        }

        parsed.Server = name;
        if (host.Groups["p"].Success && TryPort(host.Groups["p"].Value, out var port))
        {
            parsed.Port = port;
        }

        return true;
    }

    /// <summary>Reads a TCP port (1-65535) from a captured field.</summary>
    protected static bool TryPort(string value, out int port)
    {
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }

    /// <summary>Sets the log status unless one is known.</summary>
    protected static void SetStatus(ParsedInput parsed, string status)
    {
        if (parsed.LogStatus.Length == 0)
        {
            parsed.LogStatus = status;
        }
    }
}
