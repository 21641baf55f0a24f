using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls;

/// <summary>
/// The records of one name and type (TXT, TLSA) together with how the query went and whether the
/// resolver set the AD bit. Used for MTA-STS, TLS-RPT and DANE.
/// </summary>
/// <typeparam name="TRecord">The record type: <see cref="string"/> for TXT, <see cref="SmtpTlsaRecord"/> for TLSA.</typeparam>
public sealed class SmtpDnsRecordLookup<TRecord>
{
    /// <summary>Creates a lookup result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="query"/> is null.</exception>
    public SmtpDnsRecordLookup(string name, SmtpDnsQuery query, IEnumerable<TRecord>? records)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Query = query ?? throw new ArgumentNullException(nameof(query));
        Records = (records ?? Enumerable.Empty<TRecord>()).ToArray();
    }

    /// <summary>The name as asked (ASCII form when it was valid).</summary>
    public string Name { get; }

    /// <summary>How the query ended; <see cref="SmtpDnsStatus.Ok"/> means at least one record.</summary>
    public SmtpDnsStatus Status => Query.Status;

    /// <summary>Whether the resolver set the AD bit (claims DNSSEC validation; SmtpTls does not validate itself).</summary>
    public bool AuthenticatedData => Query.AuthenticatedData;

    /// <summary>
    /// The records. For TXT, each record's character-strings joined without separator, as
    /// RFC 8461 and RFC 8460 read them.
    /// </summary>
    public IReadOnlyList<TRecord> Records { get; }

    /// <summary>The query behind this result.</summary>
    public SmtpDnsQuery Query { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Query.Type}: {Status}, {Records.Count} record(s)";
}
