using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// Authenticated denial of existence: whether the signed NSEC (RFC 4035 section 5.4) or NSEC3
/// (RFC 5155 section 8) records of a negative answer prove that <c>qname</c> has no <c>qtype</c>
/// records, that it does not exist, or that it lies under an unsigned delegation.
/// </summary>
internal static class DenialProof
{
    /// <summary>NSEC3 iterations above this make the proof count as insecure (RFC 9276 section 3.2; unbound's default limit).</summary>
    public const int MaxNsec3Iterations = 150;

    /// <summary>The most NSEC/NSEC3 records whose signatures are checked per answer.</summary>
    public const int MaxProofRecords = 16;

    /// <summary>What a proof showed.</summary>
    public enum Kind
    {
        /// <summary>No valid proof.</summary>
        Failed,

        /// <summary>The name exists, the type does not (or the name is an empty non-terminal).</summary>
        NoData,

        /// <summary>The name does not exist, and no wildcard could have produced it.</summary>
        NameError,

        /// <summary>For DS questions: the name is a delegation without DS, so the child zone is unsigned.</summary>
        InsecureDelegation,

        /// <summary>The proof rests on an NSEC3 Opt-Out span: an unsigned delegation may hide the name (RFC 5155 section 6).</summary>
        OptOut,

        /// <summary>NSEC3 iterations above <see cref="MaxNsec3Iterations"/>.</summary>
        TooManyIterations,
    }

    /// <summary>The outcome of checking one proof.</summary>
    public sealed class Result
    {
        /// <summary>Keeps the kind and the explanation.</summary>
        public Result(Kind kind, string detail)
        {
            Kind = kind;
            Detail = detail;
        }

        /// <summary>What the proof showed.</summary>
        public Kind Kind { get; }

        /// <summary>English: which records proved it, or why nothing did.</summary>
        public string Detail { get; }
    }

    /// <summary>Judges the authority section of a negative answer to (<paramref name="qname"/>, <paramref name="qtype"/>) from the secure zone <paramref name="zone"/>.</summary>
    public static Result Prove(WireName qname, ushort qtype, DnssecZone zone, IReadOnlyList<WireRecord> authority, DateTimeOffset now)
    {
        var signatures = authority.Where(r => r.Type == RecordType.Rrsig).ToList();
        var nsecs = Verified(authority, RecordType.Nsec, zone, signatures, now).Select(r => NsecData.TryRead(r)).Where(n => n is not null).Cast<NsecData>().ToList();
        if (nsecs.Count > 0)
        {
            return ProveWithNsec(qname, qtype, nsecs);
        }

        var nsec3s = VerifiedNsec3(authority, zone, signatures, now).ToList();
        if (nsec3s.Count > 0)
        {
            return ProveWithNsec3(qname, qtype, zone.Name, nsec3s);
        }

        var unsigned = authority.Any(r => r.Type == RecordType.Nsec || r.Type == RecordType.Nsec3);
        return new Result(Kind.Failed, unsigned
            ? "the NSEC/NSEC3 records denying " + qname + " " + RecordType.Name(qtype) + " do not verify with the keys of " + zone.Name
            : "no NSEC or NSEC3 record proves that " + qname + " " + RecordType.Name(qtype) + " does not exist");
    }

    /// <summary>Whether a positive answer synthesized from a wildcard is backed by proof that the exact name does not exist (RFC 4035 section 5.3.4).</summary>
    public static bool ProvesWildcardExpansion(WireName qname, int signatureLabels, DnssecZone zone, IReadOnlyList<WireRecord> authority, DateTimeOffset now)
    {
        var signatures = authority.Where(r => r.Type == RecordType.Rrsig).ToList();
        var nsecs = Verified(authority, RecordType.Nsec, zone, signatures, now).Select(r => NsecData.TryRead(r)).Where(n => n is not null).Cast<NsecData>();
        if (nsecs.Any(n => Covers(n, qname)))
        {
            return true;
        }

        var chain = OneChain(VerifiedNsec3(authority, zone, signatures, now).Where(n => n.Iterations <= MaxNsec3Iterations).ToList());
        if (chain.Count == 0)
        {
            return false;
        }

        var nextCloserHash = Hash(qname.Suffix(signatureLabels + 1), chain[0]);
        return chain.Any(n => Covers(n, nextCloserHash));
    }

    /// <summary>The signed NSEC3 records of <paramref name="zone"/> in the authority section (SHA-1, owner one label below the apex).</summary>
    private static IEnumerable<Nsec3Data> VerifiedNsec3(IReadOnlyList<WireRecord> authority, DnssecZone zone, IReadOnlyList<WireRecord> signatures, DateTimeOffset now) =>
        Verified(authority, RecordType.Nsec3, zone, signatures, now)
            .Select(r => Nsec3Data.TryRead(r))
            .Where(n => n is not null && n.HashAlgorithm == 1 && n.OwnerHash is not null && n.Record.Owner.Parent().Equals(zone.Name))
            .Cast<Nsec3Data>();

    /// <summary>
    /// The records of one NSEC3 chain: those with the salt and iterations of the first. A zone's chain has one
    /// set of parameters (RFC 5155 section 7.2), and a proof judged with one set hashes each name once: a hostile
    /// answer mixing many sets would otherwise multiply the hashing work (CVE-2023-50868, NSEC3 CPU exhaustion).
    /// </summary>
    private static List<Nsec3Data> OneChain(List<Nsec3Data> nsec3s) =>
        nsec3s.Count == 0
            ? nsec3s
            : nsec3s.Where(n => n.Iterations == nsec3s[0].Iterations && n.Salt.AsSpan().SequenceEqual(nsec3s[0].Salt)).ToList();

    private static IEnumerable<WireRecord> Verified(IReadOnlyList<WireRecord> authority, ushort type, DnssecZone zone, IReadOnlyList<WireRecord> signatures, DateTimeOffset now) =>
        authority
            .Where(r => r.Type == type && r.Owner.IsAtOrBelow(zone.Name))
            .Take(MaxProofRecords)
            .Where(r => RrsetVerifier.Verify(new[] { r }, signatures, zone.Name, zone.Keys, now).IsValid);

    private static Result ProveWithNsec(WireName qname, ushort qtype, List<NsecData> nsecs)
    {
        var what = qname + " " + RecordType.Name(qtype);
        var match = nsecs.FirstOrDefault(n => n.Record.Owner.Equals(qname));
        if (match is not null)
        {
            if (match.Types.Contains(qtype) || (qtype != RecordType.Cname && match.Types.Contains(RecordType.Cname)))
            {
                return new Result(Kind.Failed, "the NSEC record of " + qname + " lists the type it is said to deny");
            }

            if (qtype == RecordType.Ds && match.Types.Contains(RecordType.Ns) && !match.Types.Contains(RecordType.Soa))
            {
                return new Result(Kind.InsecureDelegation, qname + " is delegated without DS records (NSEC): its zone is unsigned");
            }

            return new Result(Kind.NoData, "NSEC proves " + what + " does not exist");
        }

        var covering = nsecs.FirstOrDefault(n => Covers(n, qname));
        if (covering is null)
        {
            return new Result(Kind.Failed, "no NSEC record matches or covers " + qname);
        }

        var encloserLabels = Math.Max(WireName.CommonSuffixLabels(qname, covering.Record.Owner), WireName.CommonSuffixLabels(qname, covering.Next));
        var closestEncloser = qname.Suffix(encloserLabels);
        if (closestEncloser.Equals(qname))
        {
            // An empty non-terminal: the next name lies below qname, so qname exists without records.
            return new Result(Kind.NoData, "NSEC proves " + qname + " is an empty non-terminal");
        }

        var wildcard = closestEncloser.WildcardChild();
        var wildcardMatch = nsecs.FirstOrDefault(n => n.Record.Owner.Equals(wildcard));
        if (wildcardMatch is not null)
        {
            return wildcardMatch.Types.Contains(qtype) || wildcardMatch.Types.Contains(RecordType.Cname)
                ? new Result(Kind.Failed, "a wildcard " + wildcard + " would answer " + what)
                : new Result(Kind.NoData, "NSEC proves the wildcard " + wildcard + " has no " + RecordType.Name(qtype));
        }

        return nsecs.Any(n => Covers(n, wildcard))
            ? new Result(Kind.NameError, "NSEC proves " + qname + " does not exist")
            : new Result(Kind.Failed, "no NSEC record proves the absence of the wildcard " + wildcard);
    }

    private static Result ProveWithNsec3(WireName qname, ushort qtype, WireName zone, List<Nsec3Data> nsec3s)
    {
        if (nsec3s.Any(n => n.Iterations > MaxNsec3Iterations))
        {
            return new Result(Kind.TooManyIterations, "the NSEC3 records of " + zone + " use more than " + MaxNsec3Iterations + " iterations (RFC 9276): treated as unsigned");
        }

        nsec3s = OneChain(nsec3s);
        var hashes = new Dictionary<WireName, byte[]>();
        byte[] HashOf(WireName name)
        {
            if (!hashes.TryGetValue(name, out var hash))
            {
                hash = Hash(name, nsec3s[0]);
                hashes.Add(name, hash);
            }

            return hash;
        }

        var what = qname + " " + RecordType.Name(qtype);
        var match = nsec3s.FirstOrDefault(n => Matches(n, HashOf(qname)));
        if (match is not null)
        {
            if (match.Types.Contains(qtype) || (qtype != RecordType.Cname && match.Types.Contains(RecordType.Cname)))
            {
                return new Result(Kind.Failed, "the NSEC3 record of " + qname + " lists the type it is said to deny");
            }

            if (qtype == RecordType.Ds && match.Types.Contains(RecordType.Ns) && !match.Types.Contains(RecordType.Soa))
            {
                return new Result(Kind.InsecureDelegation, qname + " is delegated without DS records (NSEC3): its zone is unsigned");
            }

            return new Result(Kind.NoData, "NSEC3 proves " + what + " does not exist");
        }

        // Closest encloser proof (RFC 5155 section 8.3): the nearest ancestor that exists, and the next closer name covered.
        for (var ancestor = qname.Parent(); ancestor.IsAtOrBelow(zone); ancestor = ancestor.Parent())
        {
            if (!nsec3s.Any(n => Matches(n, HashOf(ancestor))))
            {
                if (ancestor.Equals(zone))
                {
                    break;
                }

                continue;
            }

            var nextCloser = qname.Suffix(ancestor.LabelCount + 1);
            var covering = nsec3s.FirstOrDefault(n => Covers(n, HashOf(nextCloser)));
            if (covering is null)
            {
                return new Result(Kind.Failed, "no NSEC3 record covers the next closer name " + nextCloser);
            }

            if (covering.OptOut)
            {
                return new Result(Kind.OptOut, nextCloser + " lies in an NSEC3 Opt-Out span of " + zone + ": an unsigned delegation may exist there");
            }

            if (qtype == RecordType.Ds)
            {
                return new Result(Kind.NameError, "NSEC3 proves " + nextCloser + " does not exist");
            }

            var wildcard = ancestor.WildcardChild();
            var wildcardMatch = nsec3s.FirstOrDefault(n => Matches(n, HashOf(wildcard)));
            if (wildcardMatch is not null)
            {
                return wildcardMatch.Types.Contains(qtype) || wildcardMatch.Types.Contains(RecordType.Cname)
                    ? new Result(Kind.Failed, "a wildcard " + wildcard + " would answer " + what)
                    : new Result(Kind.NoData, "NSEC3 proves the wildcard " + wildcard + " has no " + RecordType.Name(qtype));
            }

            return nsec3s.Any(n => Covers(n, HashOf(wildcard)))
                ? new Result(Kind.NameError, "NSEC3 proves " + qname + " does not exist")
                : new Result(Kind.Failed, "no NSEC3 record proves the absence of the wildcard " + wildcard);
        }

        return new Result(Kind.Failed, "no NSEC3 closest encloser proof for " + qname);
    }

    private static bool Covers(NsecData nsec, WireName name)
    {
        var afterOwner = WireName.CompareCanonical(nsec.Record.Owner, name) < 0;
        var beforeNext = WireName.CompareCanonical(name, nsec.Next) < 0;

        // The last NSEC of a zone points back to the apex: it covers everything after its owner.
        var wraps = WireName.CompareCanonical(nsec.Next, nsec.Record.Owner) <= 0;
        return wraps ? afterOwner && name.IsAtOrBelow(nsec.Next) : afterOwner && beforeNext;
    }

    private static bool Matches(Nsec3Data nsec3, byte[] hash) => nsec3.OwnerHash!.AsSpan().SequenceEqual(hash);

    private static bool Covers(Nsec3Data nsec3, byte[] hash)
    {
        var owner = nsec3.OwnerHash!;
        var next = nsec3.NextHashed;
        var afterOwner = Compare(owner, hash) < 0;
        var beforeNext = Compare(hash, next) < 0;
        return Compare(next, owner) <= 0 ? afterOwner || beforeNext : afterOwner && beforeNext;
    }

    /// <summary>The NSEC3 hash of a name with the record's salt and iterations (RFC 5155 section 5).</summary>
    internal static byte[] Hash(WireName name, Nsec3Data parameters) => Hash(name, parameters.Salt, parameters.Iterations);

    internal static byte[] Hash(WireName name, byte[] salt, int iterations)
    {
        using var sha1 = SHA1.Create();
        var value = sha1.ComputeHash(name.ToWire(canonical: true).Concat(salt).ToArray());

        // Every further round hashes the previous digest followed by the salt: one buffer for all rounds.
        var round = new byte[value.Length + salt.Length];
        Buffer.BlockCopy(salt, 0, round, value.Length, salt.Length);
        for (var i = 0; i < iterations; i++)
        {
            Buffer.BlockCopy(value, 0, round, 0, value.Length);
            value = sha1.ComputeHash(round);
        }

        return value;
    }

    /// <summary>Unsigned byte-wise order, shorter first on a common prefix (RFC 4034 section 6.3, RFC 5155 hash order).</summary>
    private static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}
