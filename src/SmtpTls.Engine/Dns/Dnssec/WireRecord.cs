using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// One resource record as received, with its RDATA held in uncompressed wire form (names inside the
/// RDATA of the types that may compress them are expanded, original case kept).
/// </summary>
internal sealed class WireRecord
{
    /// <summary>A record as received.</summary>
    /// <param name="owner">The owner name.</param>
    /// <param name="type">The record type.</param>
    /// <param name="class">The class (1: IN).</param>
    /// <param name="ttl">The TTL as received.</param>
    /// <param name="rdata">The RDATA, names expanded.</param>
    /// <param name="rdataNames">Where names lie in the RDATA (they are lower-cased for the canonical form); null: none.</param>
    public WireRecord(WireName owner, ushort type, ushort @class, uint ttl, byte[] rdata, IReadOnlyList<(int Offset, int Length)>? rdataNames = null)
    {
        Owner = owner;
        Type = type;
        Class = @class;
        Ttl = ttl;
        Rdata = rdata;
        RdataNames = rdataNames ?? Array.Empty<(int, int)>();
    }

    /// <summary>The owner name.</summary>
    public WireName Owner { get; }

    /// <summary>The record type (see <see cref="RecordType"/>).</summary>
    public ushort Type { get; }

    /// <summary>The class (1: IN).</summary>
    public ushort Class { get; }

    /// <summary>The TTL as received.</summary>
    public uint Ttl { get; }

    /// <summary>The RDATA, names uncompressed.</summary>
    public byte[] Rdata { get; }

    /// <summary>Where the RDATA holds domain names that the canonical form lower-cases (RFC 4034 section 6.2 as amended by RFC 6840 section 5.1).</summary>
    public IReadOnlyList<(int Offset, int Length)> RdataNames { get; }

    /// <summary>The RDATA in canonical form: embedded names lower-cased for the types RFC 4034 section 6.2 lists (not NSEC, RFC 6840 section 5.1).</summary>
    public byte[] CanonicalRdata()
    {
        if (RdataNames.Count == 0)
        {
            return Rdata;
        }

        var copy = (byte[])Rdata.Clone();
        foreach (var (offset, length) in RdataNames)
        {
            // Walk the labels so that length bytes are never mistaken for letters.
            var end = offset + length;
            var p = offset;
            while (p < end && copy[p] != 0)
            {
                var labelLength = copy[p];
                for (var i = p + 1; i <= p + labelLength && i < end; i++)
                {
                    if (copy[i] >= (byte)'A' && copy[i] <= (byte)'Z')
                    {
                        copy[i] = (byte)(copy[i] + 32);
                    }
                }

                p += labelLength + 1;
            }
        }

        return copy;
    }

    public override string ToString() => Owner + " " + Ttl + " " + RecordType.Name(Type) + " (" + Rdata.Length + " bytes)";

    /// <summary>Two records carry the same data (for duplicate removal within an RRset, RFC 4034 section 6.3).</summary>
    public bool SameData(WireRecord other) => CanonicalRdata().AsSpan().SequenceEqual(other.CanonicalRdata());
}
