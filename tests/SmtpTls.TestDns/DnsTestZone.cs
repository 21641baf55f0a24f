using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// Test DNS data written like zone-file lines (<c>name TYPE data</c>) and turned into dnsmasq
/// options. Names under the zone's top-level domains that no line defines answer NXDOMAIN.
/// </summary>
/// <remarks>
/// Supported: A, AAAA (dnsmasq host-record), MX (mx-host, <c>0 .</c> for a null MX), TXT (one or
/// more quoted strings), CNAME, TLSA (<c>usage selector matching hex</c>) and TYPEnnn with hex
/// RDATA (both dns-rr). tests/Dns/DnsTestServer.psm1 hands its zone lines to this class.
/// </remarks>
public sealed class DnsTestZone
{
    private readonly List<string> _lines = new();
    private readonly List<string> _servFailDomains = new();
    private readonly List<string> _silentDomains = new();

    /// <summary>Adds records, one zone line each.</summary>
    public DnsTestZone Add(params string[] lines)
    {
        foreach (var line in lines)
        {
            // Parse now, so a typo fails where it is written rather than when dnsmasq starts.
            _ = ToOption(line);
            _lines.Add(line);
        }

        return this;
    }

    /// <summary>Every name under <paramref name="domain"/> answers SERVFAIL (through a second, DNSSEC-bogus dnsmasq).</summary>
    public DnsTestZone ServFail(string domain)
    {
        _servFailDomains.Add(domain.Trim('.').ToLowerInvariant());
        return this;
    }

    /// <summary>Queries for names under <paramref name="domain"/> are forwarded to a socket that never answers: clients time out.</summary>
    public DnsTestZone Silent(string domain)
    {
        _silentDomains.Add(domain.Trim('.').ToLowerInvariant());
        return this;
    }

    public IReadOnlyList<string> Lines => _lines;

    public IReadOnlyList<string> ServFailDomains => _servFailDomains;

    public IReadOnlyList<string> SilentDomains => _silentDomains;

    /// <summary>The domains answered only from local data: every top-level label the zone uses.</summary>
    public IEnumerable<string> LocalDomains =>
        _lines.Select(l => Split(l)[0].TrimEnd('.').Split('.').Last().ToLowerInvariant())
            .Concat(_servFailDomains.Select(d => d.Split('.').Last()))
            .Concat(_silentDomains.Select(d => d.Split('.').Last()))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The dnsmasq configuration lines for the records and local domains.</summary>
    public IEnumerable<string> ToDnsmasqOptions()
    {
        foreach (var domain in LocalDomains)
        {
            yield return "local=/" + domain + "/";
        }

        foreach (var line in _lines)
        {
            yield return ToOption(line);
        }
    }

    /// <summary>Translates one zone line into one dnsmasq option.</summary>
    public static string ToOption(string line)
    {
        var parts = Split(line);
        if (parts.Count < 3)
        {
            throw new FormatException($"'{line}' is not 'name TYPE data'.");
        }

        var name = parts[0].TrimEnd('.');
        var type = parts[1].ToUpperInvariant();
        var data = parts.Skip(2).ToList();
        switch (type)
        {
            case "A":
            case "AAAA":
                return $"host-record={name},{data[0]}";
            case "MX":
                if (data.Count != 2)
                {
                    throw new FormatException($"'{line}': MX needs 'preference target'.");
                }

                var target = data[1] == "." ? "." : data[1].TrimEnd('.');
                return $"mx-host={name},{target},{int.Parse(data[0], CultureInfo.InvariantCulture)}";
            case "CNAME":
                return $"cname={name},{data[0].TrimEnd('.')}";
            case "TXT":
                return $"txt-record={name}," + string.Join(",", data.Select(s => "\"" + s + "\""));
            case "TLSA":
                if (data.Count < 4)
                {
                    throw new FormatException($"'{line}': TLSA needs 'usage selector matching-type hex'.");
                }

                var rdata = new StringBuilder();
                foreach (var field in data.Take(3))
                {
                    rdata.Append(byte.Parse(field, CultureInfo.InvariantCulture).ToString("X2", CultureInfo.InvariantCulture));
                }

                rdata.Append(string.Concat(data.Skip(3)));
                return $"dns-rr={name},52,{rdata}";
            default:
                if (type.StartsWith("TYPE", StringComparison.Ordinal) && int.TryParse(type.Substring(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return $"dns-rr={name},{number},{string.Concat(data)}";
                }

                throw new FormatException($"'{line}': record type {type} is not supported by the test zone.");
        }
    }

    /// <summary>Splits on blanks, keeping "quoted strings" (without their quotes) together.</summary>
    private static List<string> Split(string line)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var hadQuotes = false;
        foreach (var c in line.Trim())
        {
            if (c == '"')
            {
                quoted = !quoted;
                hadQuotes = true;
                continue;
            }

            if (!quoted && char.IsWhiteSpace(c))
            {
                if (current.Length > 0 || hadQuotes)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                    hadQuotes = false;
                }

                continue;
            }

            if (c == '\\')
            {
                throw new FormatException($"'{line}': backslashes are not supported in test records.");
            }

            current.Append(c);
        }

        if (quoted)
        {
            throw new FormatException($"'{line}' has an unclosed quote.");
        }

        if (current.Length > 0 || hadQuotes)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }
}
