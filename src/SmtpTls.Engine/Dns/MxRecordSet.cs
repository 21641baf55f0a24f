using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace SmtpTls.Dns;

/// <summary>
/// The MX records of one domain, read the way a checker needs them: null MX recognised, duplicates
/// folded, hosts in the order a sender tries them.
/// </summary>
/// <remarks>
/// RFC 5321 section 5.1 asks senders to randomise hosts of equal preference to spread load. A checker
/// reports instead, and reports are compared run against run, so ties are broken by host name
/// (ordinal, case-insensitive): the same DNS data always gives the same order.
/// </remarks>
internal sealed class MxRecordSet
{
    private MxRecordSet(bool isNullMx, IReadOnlyList<MxHostEntry> hosts, IReadOnlyList<SmtpDnsNote> notes)
    {
        IsNullMx = isNullMx;
        Hosts = hosts;
        Notes = notes;
    }

    /// <summary>True when the only MX targets are the root (<c>.</c>): the domain accepts no mail (RFC 7505).</summary>
    public bool IsNullMx { get; }

    /// <summary>The MX hosts to use, by preference then name, each once at its lowest preference.</summary>
    public IReadOnlyList<MxHostEntry> Hosts { get; }

    /// <summary>Oddities found on the way.</summary>
    public IReadOnlyList<SmtpDnsNote> Notes { get; }

    /// <summary>Analyses raw MX records (preference, exchange as it came from DNS, with or without trailing dot).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or <paramref name="domain"/> is null.</exception>
    public static MxRecordSet From(string domain, IEnumerable<(int Preference, string Exchange)> records)
    {
        if (domain is null)
        {
            throw new ArgumentNullException(nameof(domain));
        }

        if (records is null)
        {
            throw new ArgumentNullException(nameof(records));
        }

        var notes = new List<SmtpDnsNote>();
        var nullMx = new List<int>();
        var real = new List<(int Preference, string Name)>();
        foreach (var (preference, exchange) in records)
        {
            var name = exchange.Trim();
            if (name.Length == 0 || name == ".")
            {
                nullMx.Add(preference);
                continue;
            }

            real.Add((preference, DnsNames.FromWire(name)));
        }

        if (nullMx.Count > 0 && real.Count > 0)
        {
            notes.Add(new SmtpDnsNote(
                SmtpDnsNote.NullMxWithOtherRecords,
                domain,
                "The domain publishes a null MX ('.') beside other MX records; RFC 7505 says a null MX must be alone. The null MX is ignored and the other hosts are used."));
        }
        else if (nullMx.Count > 0 && nullMx.Any(p => p != 0))
        {
            notes.Add(new SmtpDnsNote(
                SmtpDnsNote.NullMxNonZeroPreference,
                domain,
                "The null MX has a preference other than 0; RFC 7505 asks for '0 .'."));
        }

        var hosts = new List<MxHostEntry>();
        foreach (var group in real.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
        {
            var best = group.Min(r => r.Preference);
            if (group.Count() > 1)
            {
                notes.Add(new SmtpDnsNote(
                    SmtpDnsNote.DuplicateMxHost,
                    group.Key,
                    $"{group.Key} appears in {group.Count()} MX records; it is tested once, at preference {best}."));
            }

            if (IPAddress.TryParse(group.Key, out _))
            {
                notes.Add(new SmtpDnsNote(
                    SmtpDnsNote.MxIsIpLiteral,
                    group.Key,
                    $"The MX record names {group.Key}, an IP address; an MX must name a host, and senders look it up as a name (which normally fails)."));
            }

            hosts.Add(new MxHostEntry(group.Key, best));
        }

        var ordered = hosts
            .OrderBy(h => h.Preference)
            .ThenBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return new MxRecordSet(nullMx.Count > 0 && real.Count == 0, ordered, notes);
    }
}
