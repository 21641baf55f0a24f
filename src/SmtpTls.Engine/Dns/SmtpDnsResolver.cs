using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace SmtpTls.Dns;

/// <summary>
/// Looks up what a mail checker needs from DNS: a domain's MX hosts and their addresses, and TXT
/// and TLSA records for MTA-STS, TLS-RPT and DANE. It asks one explicitly named server, or the
/// system's resolvers when none is named. Every DNS outcome is returned as data; only invalid
/// arguments and cancellation throw.
/// </summary>
/// <remarks>Thread-safe: one instance can serve many concurrent lookups (DnsClient's client is).</remarks>
public sealed class SmtpDnsResolver
{
    private readonly DnsQueryRunner _runner;

    /// <summary>Creates a resolver with default options that asks the system's resolvers.</summary>
    /// <exception cref="InvalidOperationException">The system has no DNS server configured.</exception>
    public SmtpDnsResolver()
        : this(new SmtpDnsResolverOptions())
    {
    }

    /// <summary>Creates a resolver that asks <paramref name="server"/> (<c>ip[:port]</c>), or the system's resolvers when it is null.</summary>
    /// <exception cref="ArgumentException"><paramref name="server"/> is not an IP address with an optional port.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="server"/> is null and the system has no DNS server configured.</exception>
    public SmtpDnsResolver(string? server)
        : this(new SmtpDnsResolverOptions { Server = server })
    {
    }

    /// <summary>Creates a resolver with the given options.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No server is named and the system has no DNS server configured.</exception>
    public SmtpDnsResolver(SmtpDnsResolverOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        IReadOnlyCollection<NameServer> servers;
        if (options.ServerEndpoint is { } endpoint)
        {
            servers = new[] { new NameServer(endpoint.ToIPEndPoint()) };
            UsesSystemResolver = false;
        }
        else
        {
            // Ask for the system's servers ourselves: DnsClient would otherwise fall back to a public
            // resolver on the internet when it finds none, and a checker must never do that silently.
            try
            {
                servers = NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // DnsClient reads the platform's network configuration and reports trouble with it in many ways.
                throw new InvalidOperationException("The system's DNS servers could not be read (" + exception.Message + "); name one explicitly (ip[:port]).", exception);
            }

            if (servers.Count == 0)
            {
                throw new InvalidOperationException("No DNS server is configured on this system; name one explicitly (ip[:port]).");
            }

            UsesSystemResolver = true;
        }

        Servers = servers
            .Select(s => IPAddress.TryParse(s.Address, out var a) ? new DnsServerEndpoint(a, s.Port).ToString() : s.ToString())
            .ToArray();
        var clientOptions = new LookupClientOptions(servers.ToArray())
        {
            Timeout = options.Timeout,
            Retries = options.Retries,
            UseCache = options.UseCache,
            CacheFailedResults = false,
            ThrowDnsErrors = false,
            // With several system resolvers, the first real answer counts, as for a stub resolver.
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true,
            // The DO bit: validating resolvers only report the AD bit to clients that ask (RFC 6840 section 5.7).
            RequestDnsSecRecords = true,
        };
        _runner = new DnsQueryRunner(new LookupClient(clientOptions), string.Join(", ", Servers), options.MaxQueriesInFlight);
        Options = options;
    }

    /// <summary>The options the resolver was made with; changing them afterwards has no effect on it.</summary>
    public SmtpDnsResolverOptions Options { get; }

    /// <summary>The servers asked, as <c>ip:port</c>.</summary>
    public IReadOnlyList<string> Servers { get; }

    /// <summary>Whether the servers come from the system's configuration rather than an explicit choice.</summary>
    public bool UsesSystemResolver { get; }

    /// <summary>
    /// Resolves a mail domain: its MX records in preference order (ties by name), each MX host's
    /// A/AAAA addresses, and every (host, address) pair as a target. Without MX records the domain's
    /// own addresses stand in (implicit MX, RFC 5321 section 5.1); a null MX (RFC 7505) means the
    /// domain accepts no mail.
    /// </summary>
    /// <param name="domain">The mail domain, Unicode or ASCII.</param>
    /// <param name="addressFamily">Which address records to look up.</param>
    /// <param name="cancellationToken">Cancels the lookups in flight.</param>
    /// <returns>The resolution; failures such as NXDOMAIN, SERVFAIL or timeouts are in its status, never thrown.</returns>
    /// <exception cref="ArgumentException"><paramref name="domain"/> is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="addressFamily"/> is not a defined value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpDomainResolution> ResolveMailHostsAsync(
        string domain,
        AddressFamilyPreference addressFamily = AddressFamilyPreference.Any,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            throw new ArgumentException("A mail domain is required.", nameof(domain));
        }

        CheckFamily(addressFamily);
        cancellationToken.ThrowIfCancellationRequested();

        if (!DnsNames.TryToAscii(domain, out var ascii, out var nameError))
        {
            return new SmtpDomainResolution(domain, domain.Trim(), addressFamily, SmtpDomainResolutionStatus.InvalidName, null, null, null, null, nameError!);
        }

        var name = ascii!;
        var mx = await _runner.RunAsync(name, QueryType.MX, cancellationToken).ConfigureAwait(false);
        var queries = new List<SmtpDnsQuery> { mx.Query };
        switch (mx.Query.Status)
        {
            case SmtpDnsStatus.Ok:
                return await FromMxRecordsAsync(domain, name, addressFamily, mx, queries, cancellationToken).ConfigureAwait(false);
            case SmtpDnsStatus.NoRecords:
                return await FromImplicitMxAsync(domain, name, addressFamily, queries, cancellationToken).ConfigureAwait(false);
            case SmtpDnsStatus.NxDomain:
                return new SmtpDomainResolution(domain, name, addressFamily, SmtpDomainResolutionStatus.NxDomain, null, null, null, queries, $"{name} does not exist (NXDOMAIN): it cannot receive mail.");
            default:
                var status = DomainStatusOf(mx.Query.Status);
                return new SmtpDomainResolution(domain, name, addressFamily, status, null, null, null, queries, $"The MX query for {name} failed: {mx.Query.Error ?? mx.Query.Status.ToString()}");
        }
    }

    /// <summary>
    /// Resolves the addresses of one host (for a target given by name), through the same server
    /// and with the same reporting as the MX hosts of <see cref="ResolveMailHostsAsync"/>.
    /// </summary>
    /// <param name="hostName">The host name, Unicode or ASCII.</param>
    /// <param name="addressFamily">Which address records to look up.</param>
    /// <param name="cancellationToken">Cancels the lookups in flight.</param>
    /// <returns>The host with its addresses, or with a status saying why it has none; <see cref="SmtpMailHost.Preference"/> is 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="hostName"/> is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="addressFamily"/> is not a defined value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpMailHost> ResolveHostAsync(
        string hostName,
        AddressFamilyPreference addressFamily = AddressFamilyPreference.Any,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(hostName))
        {
            throw new ArgumentException("A host name is required.", nameof(hostName));
        }

        CheckFamily(addressFamily);
        cancellationToken.ThrowIfCancellationRequested();
        if (!DnsNames.TryToAscii(hostName, out var ascii, out var nameError))
        {
            return new SmtpMailHost(hostName.Trim(), 0, false, SmtpDnsStatus.InvalidName, null, null, null, nameError);
        }

        return await ResolveHostCoreAsync(ascii!, 0, isImplicitMx: false, addressFamily, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queries the TXT records of <paramref name="name"/> (for example <c>_mta-sts.example.net</c> or
    /// <c>_smtp._tls.example.net</c>). Each record's strings are joined without separator.
    /// </summary>
    /// <param name="name">The name to query, Unicode or ASCII.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The records with the query's status and AD bit; an invalid name gives <see cref="SmtpDnsStatus.InvalidName"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or blank.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpDnsRecordLookup<string>> QueryTxtAsync(string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A name to query is required.", nameof(name));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!DnsNames.TryToAscii(name, out var ascii, out var nameError))
        {
            return new SmtpDnsRecordLookup<string>(name.Trim(), InvalidNameQuery(name, "TXT", nameError!), null);
        }

        var outcome = await _runner.RunAsync(ascii!, QueryType.TXT, cancellationToken).ConfigureAwait(false);
        var records = outcome.Answers.OfType<TxtRecord>().Select(r => string.Concat(r.Text)).ToArray();
        return new SmtpDnsRecordLookup<string>(ascii!, outcome.Query, records);
    }

    /// <summary>Queries the TLSA records (type 52) of <paramref name="name"/>, for example <c>_25._tcp.mx1.example.net</c>.</summary>
    /// <param name="name">The name to query, Unicode or ASCII.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The records with the query's status and AD bit; an invalid name gives <see cref="SmtpDnsStatus.InvalidName"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or blank.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpDnsRecordLookup<SmtpTlsaRecord>> QueryTlsaAsync(string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A name to query is required.", nameof(name));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!DnsNames.TryToAscii(name, out var ascii, out var nameError))
        {
            return new SmtpDnsRecordLookup<SmtpTlsaRecord>(name.Trim(), InvalidNameQuery(name, "TLSA", nameError!), null);
        }

        var outcome = await _runner.RunAsync(ascii!, QueryType.TLSA, cancellationToken).ConfigureAwait(false);
        var records = outcome.Answers
            .OfType<TlsaRecord>()
            .Select(r => new SmtpTlsaRecord((int)r.CertificateUsage, (int)r.Selector, (int)r.MatchingType, r.CertificateAssociationData))
            .ToArray();
        return new SmtpDnsRecordLookup<SmtpTlsaRecord>(ascii!, outcome.Query, records);
    }

    private async Task<SmtpDomainResolution> FromMxRecordsAsync(
        string input,
        string domain,
        AddressFamilyPreference family,
        DnsQueryRunner.Outcome mx,
        List<SmtpDnsQuery> queries,
        CancellationToken cancellationToken)
    {
        var set = MxRecordSet.From(domain, mx.Answers.OfType<MxRecord>().Select(r => ((int)r.Preference, r.Exchange.Value)));
        var notes = new List<SmtpDnsNote>(set.Notes);
        if (set.IsNullMx)
        {
            return new SmtpDomainResolution(input, domain, family, SmtpDomainResolutionStatus.NullMx, null, null, notes, queries, $"{domain} publishes a null MX (RFC 7505): it does not accept mail.");
        }

        // All hosts at once: an MX set is small, and waiting host by host would add the timeouts up.
        var hosts = await Task.WhenAll(set.Hosts.Select(h => ResolveHostCoreAsync(h.Name, h.Preference, isImplicitMx: false, family, cancellationToken))).ConfigureAwait(false);
        foreach (var host in hosts)
        {
            queries.AddRange(host.Queries);
            if (host.IsAlias)
            {
                notes.Add(new SmtpDnsNote(
                    SmtpDnsNote.MxIsAlias,
                    host.Name,
                    $"The MX host {host.Name} is an alias (CNAME) of {host.CanonicalName}; an MX must name the host itself (RFC 2181 section 10.3), and some senders refuse it."));
            }
        }

        var targets = TargetsOf(domain, hosts);
        SmtpDomainResolutionStatus status;
        string detail;
        var failed = hosts.Where(h => h.Status != SmtpDnsStatus.Ok).ToArray();
        if (targets.Count == 0)
        {
            status = SmtpDomainResolutionStatus.NoAddresses;
            detail = $"None of the {hosts.Length} MX host(s) of {domain} has an {FamilyText(family)}: " + string.Join("; ", failed.Select(h => h.Name + " " + h.Status));
        }
        else if (failed.Length > 0)
        {
            status = SmtpDomainResolutionStatus.PartiallyResolved;
            detail = $"{targets.Count} address(es) to test; {failed.Length} of {hosts.Length} MX host(s) did not resolve: " + string.Join("; ", failed.Select(h => h.Name + " " + h.Status));
        }
        else
        {
            status = SmtpDomainResolutionStatus.Resolved;
            detail = $"{hosts.Length} MX host(s), {targets.Count} address(es) to test.";
        }

        return new SmtpDomainResolution(input, domain, family, status, hosts, targets, notes, queries, detail);
    }

    private async Task<SmtpDomainResolution> FromImplicitMxAsync(
        string input,
        string domain,
        AddressFamilyPreference family,
        List<SmtpDnsQuery> queries,
        CancellationToken cancellationToken)
    {
        var host = await ResolveHostCoreAsync(domain, 0, isImplicitMx: true, family, cancellationToken).ConfigureAwait(false);
        queries.AddRange(host.Queries);
        var notes = new List<SmtpDnsNote>();
        var targets = TargetsOf(domain, new[] { host });
        if (targets.Count > 0)
        {
            notes.Add(new SmtpDnsNote(
                SmtpDnsNote.ImplicitMx,
                domain,
                $"{domain} has no MX records; as RFC 5321 section 5.1 says, its own address records are used as an implicit MX with preference 0."));
            return new SmtpDomainResolution(input, domain, family, SmtpDomainResolutionStatus.Resolved, new[] { host }, targets, notes, queries, $"No MX records: {targets.Count} address(es) of {domain} itself to test (implicit MX).");
        }

        var status = host.Status switch
        {
            SmtpDnsStatus.NoRecords or SmtpDnsStatus.NxDomain => SmtpDomainResolutionStatus.NoMailHosts,
            var other => DomainStatusOf(other),
        };
        var detail = status == SmtpDomainResolutionStatus.NoMailHosts
            ? $"{domain} has neither MX records nor an {FamilyText(family)}: mail to it cannot be delivered."
            : $"{domain} has no MX records, and looking up its own addresses failed: {host.Error ?? host.Status.ToString()}";
        return new SmtpDomainResolution(input, domain, family, status, new[] { host }, null, notes, queries, detail);
    }

    private async Task<SmtpMailHost> ResolveHostCoreAsync(string name, int preference, bool isImplicitMx, AddressFamilyPreference family, CancellationToken cancellationToken)
    {
        var lookups = new List<Task<DnsQueryRunner.Outcome>>();
        if (family != AddressFamilyPreference.IPv6)
        {
            lookups.Add(_runner.RunAsync(name, QueryType.A, cancellationToken));
        }

        if (family != AddressFamilyPreference.IPv4)
        {
            lookups.Add(_runner.RunAsync(name, QueryType.AAAA, cancellationToken));
        }

        var outcomes = await Task.WhenAll(lookups).ConfigureAwait(false);
        var addresses = new List<IPAddress>();
        string? canonical = null;
        foreach (var outcome in outcomes)
        {
            addresses.AddRange(outcome.Answers.OfType<ARecord>().Select(r => r.Address));
            addresses.AddRange(outcome.Answers.OfType<AaaaRecord>().Select(r => r.Address));
            canonical ??= CanonicalNameOf(name, outcome.Answers);
        }

        var ordered = addresses
            .Distinct()
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ThenBy(a => a, AddressComparer.Instance)
            .Select(a => a.ToString())
            .ToArray();
        var queryRecords = outcomes.Select(o => o.Query).ToArray();
        if (ordered.Length > 0)
        {
            return new SmtpMailHost(name, preference, isImplicitMx, SmtpDnsStatus.Ok, canonical, ordered, queryRecords, null);
        }

        var status = HostFailureStatus(queryRecords);
        var error = status switch
        {
            SmtpDnsStatus.NoRecords => $"{name} exists but has no {FamilyText(family)}.",
            SmtpDnsStatus.NxDomain => $"{name} does not exist (NXDOMAIN).",
            _ => string.Join(" ", queryRecords.Where(q => q.Error is not null).Select(q => q.Type + ": " + q.Error)),
        };
        return new SmtpMailHost(name, preference, isImplicitMx, status, canonical, null, queryRecords, error);
    }

    /// <summary>Why a host without addresses has none: the most telling status among its queries.</summary>
    /// <remarks>
    /// A failure (timeout, SERVFAIL, ...) outranks "no records", because an address may well exist
    /// behind it; NXDOMAIN only counts when every query says so.
    /// </remarks>
    private static SmtpDnsStatus HostFailureStatus(IReadOnlyList<SmtpDnsQuery> queries)
    {
        foreach (var severe in new[] { SmtpDnsStatus.Timeout, SmtpDnsStatus.ServerFailure, SmtpDnsStatus.Refused, SmtpDnsStatus.Error })
        {
            if (queries.Any(q => q.Status == severe))
            {
                return severe;
            }
        }

        return queries.All(q => q.Status == SmtpDnsStatus.NxDomain) ? SmtpDnsStatus.NxDomain : SmtpDnsStatus.NoRecords;
    }

    private static string? CanonicalNameOf(string name, IReadOnlyList<DnsResourceRecord> answers)
    {
        var aliases = answers.OfType<CNameRecord>().ToDictionary(r => DnsNames.FromWire(r.DomainName.Value), r => DnsNames.FromWire(r.CanonicalName.Value), StringComparer.OrdinalIgnoreCase);
        if (!aliases.TryGetValue(name, out var current))
        {
            return null;
        }

        // Follow the chain; the bound stops a looping chain from a broken server.
        for (var hops = 0; hops < 16 && aliases.TryGetValue(current, out var next); hops++)
        {
            current = next;
        }

        return current;
    }

    private static IReadOnlyList<SmtpMailTarget> TargetsOf(string domain, IEnumerable<SmtpMailHost> hosts)
    {
        var targets = new List<SmtpMailTarget>();
        foreach (var host in hosts)
        {
            foreach (var address in host.Addresses)
            {
                var family = address.IndexOf(':') >= 0 ? SmtpAddressFamily.IPv6 : SmtpAddressFamily.IPv4;
                targets.Add(new SmtpMailTarget(domain, host.Name, host.Preference, address, family, host.IsImplicitMx));
            }
        }

        return targets;
    }

    private static SmtpDomainResolutionStatus DomainStatusOf(SmtpDnsStatus status) => status switch
    {
        SmtpDnsStatus.NxDomain => SmtpDomainResolutionStatus.NxDomain,
        SmtpDnsStatus.ServerFailure => SmtpDomainResolutionStatus.ServerFailure,
        SmtpDnsStatus.Refused => SmtpDomainResolutionStatus.Refused,
        SmtpDnsStatus.Timeout => SmtpDomainResolutionStatus.Timeout,
        SmtpDnsStatus.InvalidName => SmtpDomainResolutionStatus.InvalidName,
        _ => SmtpDomainResolutionStatus.Error,
    };

    private static string FamilyText(AddressFamilyPreference family) => family switch
    {
        AddressFamilyPreference.IPv4 => "IPv4 address (A record)",
        AddressFamilyPreference.IPv6 => "IPv6 address (AAAA record)",
        _ => "address (A or AAAA record)",
    };

    private static SmtpDnsQuery InvalidNameQuery(string name, string type, string error) =>
        new(name.Trim(), type, SmtpDnsStatus.InvalidName, null, false, 0, null, TimeSpan.Zero, error);

    private static void CheckFamily(AddressFamilyPreference family)
    {
        if (!Enum.IsDefined(typeof(AddressFamilyPreference), family))
        {
            throw new ArgumentOutOfRangeException(nameof(family), family, "The address family must be Any, IPv4 or IPv6.");
        }
    }

    /// <summary>Orders addresses by their bytes, so the same records always give the same target order.</summary>
    private sealed class AddressComparer : IComparer<IPAddress>
    {
        /// <summary>The one instance.</summary>
        public static readonly AddressComparer Instance = new();

        /// <summary>Compares by length (IPv4 first), then byte by byte.</summary>
        public int Compare(IPAddress? x, IPAddress? y)
        {
            var a = x!.GetAddressBytes();
            var b = y!.GetAddressBytes();
            if (a.Length != b.Length)
            {
                return a.Length.CompareTo(b.Length);
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i].CompareTo(b[i]);
                }
            }

            return 0;
        }
    }
}
