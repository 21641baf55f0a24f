using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// Validates DNS answers from a trust anchor (RFC 4035 section 5), asking one resolver for every
/// record it needs with CD=1. The chain of trust is walked top-down, label by label, from the root:
/// for each name it asks the DS question, which either continues the chain (a signed DS RRset and the
/// child's DNSKEY RRset it authenticates), proves an unsigned delegation (NSEC/NSEC3 without DS: the
/// rest is Insecure), or proves that the name is no zone cut. The final answer is then checked with
/// the keys of the zone that holds it, negative answers with their NSEC/NSEC3 proofs.
/// </summary>
/// <remarks>
/// One instance serves one check (a domain and its MX hosts): it caches answers and zone keys for
/// that check and enforces the bounds on queries. Thread-safe. Every network and parse failure is a
/// result (<see cref="DnssecSecurity.Indeterminate"/>), never an exception; only cancellation throws.
/// </remarks>
internal sealed class DnssecValidator
{
    /// <summary>The most queries one instance sends (all names of one domain check together).</summary>
    public const int DefaultMaxQueries = 300;

    /// <summary>How long one instance may keep asking (all names of one check); queries after that are not sent.</summary>
    public static readonly TimeSpan DefaultTimeBudget = TimeSpan.FromSeconds(30);

    /// <summary>The most CNAMEs followed from a question to its answer.</summary>
    public const int MaxCnameHops = 8;

    private readonly DnssecQueryClient _client;
    private readonly SmtpDnssecTrustAnchor _anchor;
    private readonly Func<DateTimeOffset> _now;
    private readonly int _maxQueries;
    private readonly ConcurrentDictionary<(WireName, ushort), Lazy<Task<(WireMessage?, string?)>>> _responses = new();
    private readonly ConcurrentDictionary<WireName, Lazy<Task<DnssecZone>>> _zones = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly TimeSpan _timeBudget;
    private int _queries;

    /// <summary>A validator asking one resolver, from one trust anchor.</summary>
    /// <param name="client">The resolver to ask (queries go out with CD set).</param>
    /// <param name="anchor">The root trust anchor the chain must reach.</param>
    /// <param name="now">The clock signatures are checked against; null: the system clock (tests pass their own).</param>
    /// <param name="maxQueries">The most queries this instance sends.</param>
    /// <param name="timeBudget">How long this instance may keep asking; null: <see cref="DefaultTimeBudget"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="anchor"/> is null.</exception>
    public DnssecValidator(DnssecQueryClient client, SmtpDnssecTrustAnchor anchor, Func<DateTimeOffset>? now = null, int maxQueries = DefaultMaxQueries, TimeSpan? timeBudget = null)
    {
        _timeBudget = timeBudget ?? DefaultTimeBudget;
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _anchor = anchor ?? throw new ArgumentNullException(nameof(anchor));
        _now = now ?? (() => DateTimeOffset.UtcNow);
        _maxQueries = maxQueries;
    }

    /// <summary>The questions asked so far (cache hits not counted).</summary>
    public int QueriesAsked => Volatile.Read(ref _queries);

    /// <summary>The resolver asked.</summary>
    public string ServerText => _client.ServerText;

    /// <summary>Asks (<paramref name="name"/>, <paramref name="type"/>) and validates the answer.</summary>
    public async Task<DnssecAnswer> QueryAsync(WireName name, ushort type, CancellationToken cancellationToken)
    {
        var current = name;
        var worst = DnssecSecurity.Secure;
        var worstFailure = DnssecFailure.None;
        var worstDetail = string.Empty;
        DateTimeOffset? expiration = null;
        var (response, error) = await AskAsync(current, type, cancellationToken).ConfigureAwait(false);
        for (var hop = 0; ; hop++)
        {
            if (response is null)
            {
                return Final(name, type, DnssecSecurity.Indeterminate, FailureOf(error), error ?? "no answer", error is not null && error.StartsWith("no answer", StringComparison.Ordinal) ? SmtpDnsStatus.Timeout : SmtpDnsStatus.Error);
            }

            var zone = await ZoneForAsync(current, cancellationToken).ConfigureAwait(false);
            var records = response.Answers.Where(r => r.Type == type && r.Owner.Equals(current)).ToList();
            var cnames = type == RecordType.Cname ? new List<WireRecord>() : response.Answers.Where(r => r.Type == RecordType.Cname && r.Owner.Equals(current)).ToList();
            var rrset = records.Count > 0 ? records : cnames;
            if (rrset.Count > 0)
            {
                var (security, failure, detail, signature) = CheckRrset(rrset, response, zone);
                Combine(ref worst, ref worstFailure, ref worstDetail, security, failure, detail);
                if (signature is not null && security == DnssecSecurity.Secure)
                {
                    var expires = signature.ExpirationNear(_now());
                    expiration = records.Count > 0 ? expires : expiration;
                }

                if (records.Count > 0)
                {
                    var answer = Final(name, type, worst, worstFailure, worstDetail, SmtpDnsStatus.Ok);
                    answer.Records = records;
                    answer.SignatureExpiration = worst == DnssecSecurity.Secure ? expiration : null;
                    answer.Signer = worst == DnssecSecurity.Secure ? zone.Name : null;
                    return answer;
                }

                // Follow the CNAME, within bounds; the resolver usually sent the rest of the chain along.
                if (hop >= MaxCnameHops || cnames.Count != 1)
                {
                    return Final(name, type, DnssecSecurity.Bogus, DnssecFailure.CnameChain, "the CNAME chain from " + name + " is longer than " + MaxCnameHops + " or branches", SmtpDnsStatus.Error);
                }

                var offset = 0;
                current = WireMessage.ReadName(cnames[0].Rdata, cnames[0].Rdata.Length, ref offset);
                if (!response.Answers.Any(r => r.Owner.Equals(current)))
                {
                    (response, error) = await AskAsync(current, type, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            var status = response.ResponseCode switch
            {
                0 => SmtpDnsStatus.NoRecords,
                3 => SmtpDnsStatus.NxDomain,
                2 => SmtpDnsStatus.ServerFailure,
                5 => SmtpDnsStatus.Refused,
                _ => SmtpDnsStatus.Error,
            };
            if (status != SmtpDnsStatus.NoRecords && status != SmtpDnsStatus.NxDomain)
            {
                return Final(name, type, DnssecSecurity.Indeterminate, DnssecFailure.LookupFailed, _client.ServerText + " answered " + status + " to " + current + " " + RecordType.Name(type), status);
            }

            if (zone.Security == DnssecSecurity.Secure)
            {
                var proof = DenialProof.Prove(current, type, zone, response.Authority, _now());
                var (security, failure) = proof.Kind switch
                {
                    DenialProof.Kind.NoData or DenialProof.Kind.NameError or DenialProof.Kind.InsecureDelegation => (DnssecSecurity.Secure, DnssecFailure.None),
                    DenialProof.Kind.OptOut or DenialProof.Kind.TooManyIterations => (DnssecSecurity.Insecure, DnssecFailure.None),
                    _ => (DnssecSecurity.Bogus, DnssecFailure.DenialMissing),
                };
                Combine(ref worst, ref worstFailure, ref worstDetail, security, failure, proof.Detail);
            }
            else
            {
                Combine(ref worst, ref worstFailure, ref worstDetail, zone.Security, zone.Failure, zone.Detail);
            }

            return Final(name, type, worst, worstFailure, worstDetail, status);
        }
    }

    /// <summary>The zone that holds <paramref name="name"/>, as far as the chain of trust reaches.</summary>
    internal async Task<DnssecZone> ZoneForAsync(WireName name, CancellationToken cancellationToken)
    {
        var zone = await CachedZoneAsync(WireName.Root, null, cancellationToken).ConfigureAwait(false);
        for (var depth = 1; depth <= name.LabelCount && zone.Security == DnssecSecurity.Secure; depth++)
        {
            zone = await CachedZoneAsync(name.Suffix(depth), zone, cancellationToken).ConfigureAwait(false);
        }

        return zone;
    }

    private Task<DnssecZone> CachedZoneAsync(WireName name, DnssecZone? parent, CancellationToken cancellationToken) =>
        _zones.GetOrAdd(name, n => new Lazy<Task<DnssecZone>>(() => parent is null ? RootAsync(cancellationToken) : ChildAsync(parent, n, cancellationToken))).Value;

    private async Task<DnssecZone> RootAsync(CancellationToken cancellationToken)
    {
        var digests = _anchor.DsRecords.Where(d => DnssecCrypto.SupportsAlgorithm(d.Algorithm) && DnssecCrypto.SupportsDigest(d.DigestType)).ToList();
        var keys = _anchor.KeyRecords.Where(k => k.Length > 4 && DnssecCrypto.SupportsAlgorithm(k[3])).ToList();
        if (digests.Count == 0 && keys.Count == 0)
        {
            return DnssecZone.Indeterminate(WireName.Root, DnssecFailure.UnsupportedAlgorithm, "the trust anchor (" + _anchor.Source + ") uses no supported algorithm");
        }

        // A resolver that passes no DNSKEY or no RRSIG for the root passes no DNSSEC data at all: nothing can be
        // judged (NotValidated). Below the root the same absence, behind a DS record, is a broken chain (Bogus).
        var (response, _) = await AskAsync(WireName.Root, RecordType.Dnskey, cancellationToken).ConfigureAwait(false);
        if (response is not null && response.ResponseCode == 0 &&
            (!response.Answers.Any(r => r.Type == RecordType.Dnskey && r.Owner.Equals(WireName.Root)) ||
             !response.Answers.Any(r => r.Type == RecordType.Rrsig && r.Owner.Equals(WireName.Root))))
        {
            return DnssecZone.Indeterminate(WireName.Root, DnssecFailure.LookupFailed, _client.ServerText + " returned no DNSKEY records with signatures for the root: it passes no DNSSEC data");
        }

        return await KeysFromAsync(WireName.Root, digests, keys, "the trust anchor (" + _anchor.Source + ")", cancellationToken).ConfigureAwait(false);
    }

    private async Task<DnssecZone> ChildAsync(DnssecZone parent, WireName child, CancellationToken cancellationToken)
    {
        var (response, error) = await AskAsync(child, RecordType.Ds, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return DnssecZone.Indeterminate(child, FailureOf(error), "DS " + child + ": " + error);
        }

        if (response.ResponseCode != 0 && response.ResponseCode != 3)
        {
            return DnssecZone.Indeterminate(child, DnssecFailure.LookupFailed, _client.ServerText + " answered RCODE " + response.ResponseCode + " to " + child + " DS");
        }

        var ds = response.Answers.Where(r => r.Type == RecordType.Ds && r.Owner.Equals(child)).ToList();
        if (ds.Count > 0)
        {
            var outcome = RrsetVerifier.Verify(ds, response.Answers, parent.Name, parent.Keys, _now());
            if (!outcome.IsValid)
            {
                return DnssecZone.Bogus(child, outcome.Failure, outcome.Detail);
            }

            var digests = ds.Select(DsData.TryRead).Where(d => d is not null && DnssecCrypto.SupportsAlgorithm(d.Algorithm) && DnssecCrypto.SupportsDigest(d.DigestType)).Cast<DsData>().ToList();
            if (digests.Count == 0)
            {
                // RFC 4035 section 5.2: a DS set with only unknown algorithms or digests makes the child unsigned for this validator.
                return DnssecZone.Insecure(child, "the DS records of " + child + " use only algorithms or digests this validator does not support");
            }

            return await KeysFromAsync(child, digests, new List<byte[]>(), "the DS records of " + child, cancellationToken).ConfigureAwait(false);
        }

        if (response.Answers.Any(r => r.Type == RecordType.Cname && r.Owner.Equals(child)))
        {
            return parent;
        }

        var proof = DenialProof.Prove(child, RecordType.Ds, parent, response.Authority, _now());
        return proof.Kind switch
        {
            DenialProof.Kind.NoData or DenialProof.Kind.NameError => parent,
            DenialProof.Kind.InsecureDelegation or DenialProof.Kind.OptOut or DenialProof.Kind.TooManyIterations => DnssecZone.Insecure(child, proof.Detail),
            _ => DnssecZone.Bogus(child, DnssecFailure.DenialMissing, proof.Detail),
        };
    }

    /// <summary>Fetches the zone's DNSKEY RRset and authenticates it with a key that a DS (or anchor key) vouches for.</summary>
    private async Task<DnssecZone> KeysFromAsync(WireName zone, IReadOnlyList<DsData> digests, IReadOnlyList<byte[]> anchorKeys, string vouchedBy, CancellationToken cancellationToken)
    {
        var (response, error) = await AskAsync(zone, RecordType.Dnskey, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return DnssecZone.Indeterminate(zone, FailureOf(error), "DNSKEY " + zone + ": " + error);
        }

        if (response.ResponseCode != 0)
        {
            return DnssecZone.Indeterminate(zone, DnssecFailure.LookupFailed, _client.ServerText + " answered RCODE " + response.ResponseCode + " to " + zone + " DNSKEY");
        }

        var records = response.Answers.Where(r => r.Type == RecordType.Dnskey && r.Owner.Equals(zone)).ToList();
        var keys = records.Select(DnskeyData.TryRead).Where(k => k is not null).Cast<DnskeyData>().ToList();
        if (keys.Count == 0)
        {
            return DnssecZone.Bogus(zone, DnssecFailure.DsMismatch, zone + " has no DNSKEY records although " + vouchedBy + " say it is signed");
        }

        var trusted = keys.Where(k => k.IsZoneKey && !k.IsRevoked && (
                anchorKeys.Any(a => a.AsSpan().SequenceEqual(k.Record.Rdata)) ||
                digests.Any(d => d.KeyTag == k.KeyTag && d.Algorithm == k.Algorithm && (DnssecCrypto.DsDigest(d.DigestType, zone, k.Record.Rdata)?.AsSpan().SequenceEqual(d.Digest) ?? false))))
            .ToList();
        if (trusted.Count == 0)
        {
            return DnssecZone.Bogus(zone, DnssecFailure.DsMismatch, "no DNSKEY of " + zone + " matches " + vouchedBy);
        }

        var outcome = RrsetVerifier.Verify(records, response.Answers, zone, trusted, _now());
        if (!outcome.IsValid)
        {
            return DnssecZone.Bogus(zone, outcome.Failure, outcome.Detail + " (DNSKEY RRset of " + zone + ")");
        }

        return DnssecZone.Secure(zone, keys.Where(k => k.IsZoneKey && !k.IsRevoked && k.Protocol == 3).ToList());
    }

    private (DnssecSecurity, DnssecFailure, string, RrsigData?) CheckRrset(List<WireRecord> rrset, WireMessage response, DnssecZone zone)
    {
        if (zone.Security != DnssecSecurity.Secure)
        {
            return (zone.Security, zone.Failure, zone.Detail, null);
        }

        var outcome = RrsetVerifier.Verify(rrset, response.Answers, zone.Name, zone.Keys, _now());
        if (!outcome.IsValid)
        {
            return (DnssecSecurity.Bogus, outcome.Failure, outcome.Detail, null);
        }

        var owner = rrset[0].Owner;
        if (outcome.Signature!.Labels < owner.LabelCount && !DenialProof.ProvesWildcardExpansion(owner, outcome.Signature.Labels, zone, response.Authority, _now()))
        {
            return (DnssecSecurity.Bogus, DnssecFailure.DenialMissing, owner + " was answered from a wildcard without proof that the name itself does not exist", null);
        }

        return (DnssecSecurity.Secure, DnssecFailure.None, string.Empty, outcome.Signature);
    }

    private async Task<(WireMessage?, string?)> AskAsync(WireName name, ushort type, CancellationToken cancellationToken)
    {
        var lazy = _responses.GetOrAdd((name, type), key => new Lazy<Task<(WireMessage?, string?)>>(() =>
        {
            if (Interlocked.Increment(ref _queries) > _maxQueries)
            {
                return Task.FromResult<(WireMessage?, string?)>((null, LimitPrefix + " of " + _maxQueries + " DNS queries per check was reached"));
            }

            if (_clock.Elapsed > _timeBudget)
            {
                return Task.FromResult<(WireMessage?, string?)>((null, LimitPrefix + " of " + _timeBudget.TotalSeconds + " s for DNSSEC validation per check was reached"));
            }

            return _client.QueryAsync(key.Item1, key.Item2, cancellationToken);
        }));
        return await lazy.Value.ConfigureAwait(false);
    }

    private const string LimitPrefix = "the limit";

    /// <summary>Why no answer came: a bound of this validator, or the resolver.</summary>
    private static DnssecFailure FailureOf(string? error) =>
        error is not null && error.StartsWith(LimitPrefix, StringComparison.Ordinal) ? DnssecFailure.LimitReached : DnssecFailure.LookupFailed;

    private static DnssecAnswer Final(WireName name, ushort type, DnssecSecurity security, DnssecFailure failure, string detail, SmtpDnsStatus status) =>
        new(name, type, security, failure, detail) { Status = status };

    /// <summary>The chain is as strong as its weakest link: Bogus over Indeterminate over Insecure over Secure.</summary>
    private static void Combine(ref DnssecSecurity worst, ref DnssecFailure failure, ref string detail, DnssecSecurity security, DnssecFailure newFailure, string newDetail)
    {
        if (security.Weakness() > worst.Weakness())
        {
            worst = security;
            failure = newFailure;
            detail = newDetail;
        }
    }
}
