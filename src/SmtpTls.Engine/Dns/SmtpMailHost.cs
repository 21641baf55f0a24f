using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls;

/// <summary>One mail host of a domain (an MX target, or the domain itself as implicit MX) and its addresses.</summary>
public sealed class SmtpMailHost
{
    /// <summary>Creates a mail host.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public SmtpMailHost(
        string name,
        int preference,
        bool isImplicitMx,
        SmtpDnsStatus status,
        string? canonicalName,
        IEnumerable<string>? addresses,
        IEnumerable<SmtpDnsQuery>? queries,
        string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A mail host needs a name.", nameof(name));
        }

        Name = name;
        Preference = preference;
        IsImplicitMx = isImplicitMx;
        Status = status;
        CanonicalName = canonicalName;
        Addresses = (addresses ?? Enumerable.Empty<string>()).ToArray();
        Queries = (queries ?? Enumerable.Empty<SmtpDnsQuery>()).ToArray();
        Error = error;
    }

    /// <summary>The host name in ASCII (punycode) form, as the MX record names it.</summary>
    public string Name { get; }

    /// <summary>The MX preference (lower is tried first); 0 for an implicit MX or a host resolved on its own.</summary>
    public int Preference { get; }

    /// <summary>True when this is the domain itself standing in for a missing MX (RFC 5321 section 5.1).</summary>
    public bool IsImplicitMx { get; }

    /// <summary>
    /// <see cref="SmtpDnsStatus.Ok"/> when the host has at least one address of the requested family;
    /// otherwise why not (<see cref="SmtpDnsStatus.NoRecords"/>: the name exists without such an address).
    /// </summary>
    public SmtpDnsStatus Status { get; }

    /// <summary>The name the host is an alias of (CNAME target at the end of the chain), or null when it is no alias.</summary>
    public string? CanonicalName { get; }

    /// <summary>Whether the host name is an alias (CNAME).</summary>
    public bool IsAlias => CanonicalName is not null;

    /// <summary>The addresses (IPv4 first, then IPv6, each in ascending order), as text.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The A/AAAA queries made for this host.</summary>
    public IReadOnlyList<SmtpDnsQuery> Queries { get; }

    /// <summary>Whether every query for this host came back with the AD bit set.</summary>
    public bool IsAuthenticated => Queries.Count > 0 && Queries.All(q => q.AuthenticatedData);

    /// <summary>Why the host has no address, in English, or null when it has one.</summary>
    public string? Error { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Preference} {Name} [{string.Join(", ", Addresses)}] {Status}";
}
