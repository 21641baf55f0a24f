using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// Verifies one RRset against its RRSIGs and a zone's keys (RFC 4035 section 5.3): signer, labels,
/// validity period, key tag and algorithm, then the signature over the canonical RRset (RFC 4034 sections 3.1.8.1 and 6).
/// </summary>
internal static class RrsetVerifier
{
    /// <summary>The most RRSIGs tried per RRset and keys per RRSIG (key tags collide): bounds the work a hostile answer can cause.</summary>
    public const int MaxSignaturesTried = 8;

    /// <summary>The most keys tried for one RRSIG (the key tag is a 16-bit hash and collides).</summary>
    public const int MaxKeysPerSignature = 4;

    /// <summary>The outcome: the signature that verified (the latest-expiring one), or why none did.</summary>
    public sealed class Outcome
    {
        /// <summary>Keeps the outcome.</summary>
        public Outcome(RrsigData? signature, DnssecFailure failure, string detail)
        {
            Signature = signature;
            Failure = failure;
            Detail = detail;
        }

        /// <summary>The signature that verified, or null.</summary>
        public RrsigData? Signature { get; }

        /// <summary>Why none verified; None when one did.</summary>
        public DnssecFailure Failure { get; }

        /// <summary>English: the verified signature's key, or the reason none verified.</summary>
        public string Detail { get; }

        /// <summary>Whether a signature verified.</summary>
        public bool IsValid => Signature is not null;
    }

    /// <summary>Verifies the RRset against its signatures and the zone's keys, bounded by <see cref="MaxSignaturesTried"/> and <see cref="MaxKeysPerSignature"/>.</summary>
    public static Outcome Verify(
        IReadOnlyList<WireRecord> rrset,
        IEnumerable<WireRecord> candidates,
        WireName zone,
        IReadOnlyList<DnskeyData> keys,
        DateTimeOffset now)
    {
        var first = rrset[0];
        var what = first.Owner + " " + RecordType.Name(first.Type);
        var signatures = candidates
            .Select(RrsigData.TryRead)
            .Where(s => s is not null && s.TypeCovered == first.Type && s.Record.Owner.Equals(first.Owner))
            .Cast<RrsigData>()
            .ToList();
        if (signatures.Count == 0)
        {
            return new Outcome(null, DnssecFailure.SignatureMissing, "no RRSIG covers " + what);
        }

        var failure = DnssecFailure.SignatureMissing;
        var detail = "no RRSIG by " + zone + " covers " + what;
        RrsigData? best = null;
        foreach (var signature in signatures.Take(MaxSignaturesTried))
        {
            if (!signature.Signer.Equals(zone) || !first.Owner.IsAtOrBelow(signature.Signer) || signature.Labels > first.Owner.LabelCount)
            {
                continue;
            }

            if (!DnssecCrypto.SupportsAlgorithm(signature.Algorithm))
            {
                Worse(ref failure, ref detail, DnssecFailure.UnsupportedAlgorithm, "RRSIG algorithm " + signature.Algorithm + " for " + what + " is not supported");
                continue;
            }

            var expires = signature.ExpirationNear(now);
            var incepts = signature.InceptionNear(now);
            if (now > expires)
            {
                Worse(ref failure, ref detail, DnssecFailure.SignatureExpired, "the RRSIG over " + what + " expired " + expires.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            if (now < incepts)
            {
                Worse(ref failure, ref detail, DnssecFailure.SignatureNotYetValid, "the RRSIG over " + what + " is valid only from " + incepts.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            var matchingKeys = keys
                .Where(k => k.KeyTag == signature.KeyTag && k.Algorithm == signature.Algorithm && k.Protocol == 3 && k.IsZoneKey && !k.IsRevoked)
                .Take(MaxKeysPerSignature)
                .ToList();
            if (matchingKeys.Count == 0)
            {
                Worse(ref failure, ref detail, DnssecFailure.KeyMissing, "no DNSKEY of " + zone + " has tag " + signature.KeyTag + " (algorithm " + signature.Algorithm + ") to verify " + what);
                continue;
            }

            var data = SignedData(rrset, signature);
            if (matchingKeys.Any(k => DnssecCrypto.Verify(signature.Algorithm, k.PublicKey, data, signature.Signature)))
            {
                if (best is null || (int)(signature.Expiration - best.Expiration) > 0)
                {
                    best = signature;
                }
            }
            else
            {
                Worse(ref failure, ref detail, DnssecFailure.SignatureInvalid, "the RRSIG over " + what + " (key tag " + signature.KeyTag + ") does not verify");
            }
        }

        return best is not null
            ? new Outcome(best, DnssecFailure.None, string.Empty)
            : new Outcome(null, failure, detail);
    }

    /// <summary>RRSIG RDATA without the signature, then every RR in canonical form and order (RFC 4034 section 3.1.8.1).</summary>
    internal static byte[] SignedData(IReadOnlyList<WireRecord> rrset, RrsigData signature)
    {
        var data = new List<byte>(512);
        var sigRdata = signature.Record.CanonicalRdata();
        data.AddRange(sigRdata.Take(signature.SignedPrefixLength));

        var owner = rrset[0].Owner;
        if (signature.Labels < owner.LabelCount)
        {
            // Wildcard expansion (RFC 4035 section 5.3.2): the signature was made over "*." + the rightmost labels.
            owner = owner.Suffix(signature.Labels).WildcardChild();
        }

        var ownerWire = owner.ToWire(canonical: true);
        var rdatas = new List<byte[]>();
        foreach (var record in rrset)
        {
            var rdata = record.CanonicalRdata();
            if (!rdatas.Any(r => r.AsSpan().SequenceEqual(rdata)))
            {
                rdatas.Add(rdata);
            }
        }

        rdatas.Sort(CompareBytes);
        foreach (var rdata in rdatas)
        {
            data.AddRange(ownerWire);
            data.Add((byte)(rrset[0].Type >> 8));
            data.Add((byte)rrset[0].Type);
            data.Add((byte)(rrset[0].Class >> 8));
            data.Add((byte)rrset[0].Class);
            data.Add((byte)(signature.OriginalTtl >> 24));
            data.Add((byte)(signature.OriginalTtl >> 16));
            data.Add((byte)(signature.OriginalTtl >> 8));
            data.Add((byte)signature.OriginalTtl);
            data.Add((byte)(rdata.Length >> 8));
            data.Add((byte)rdata.Length);
            data.AddRange(rdata);
        }

        return data.ToArray();
    }

    /// <summary>Unsigned byte-wise order, shorter first on a common prefix (RFC 4034 section 6.3, RFC 5155 hash order).</summary>
    private static int CompareBytes(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>Keeps the most telling failure: an invalid signature says more than a missing key, which says more than none at all.</summary>
    private static void Worse(ref DnssecFailure current, ref string detail, DnssecFailure candidate, string candidateDetail)
    {
        if (Rank(candidate) > Rank(current))
        {
            current = candidate;
            detail = candidateDetail;
        }
    }

    private static int Rank(DnssecFailure failure) => failure switch
    {
        DnssecFailure.SignatureExpired => 5,
        DnssecFailure.SignatureNotYetValid => 5,
        DnssecFailure.SignatureInvalid => 4,
        DnssecFailure.KeyMissing => 3,
        DnssecFailure.UnsupportedAlgorithm => 2,
        _ => 1,
    };
}
