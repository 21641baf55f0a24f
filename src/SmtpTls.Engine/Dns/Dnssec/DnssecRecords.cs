using System;
using System.Collections.Generic;

namespace SmtpTls.Dns.Dnssec;

/// <summary>The RRSIG RDATA (RFC 4034 section 3.1).</summary>
internal sealed class RrsigData
{
    /// <summary>Decodes the RDATA of an RRSIG record.</summary>
    private RrsigData(WireRecord record)
    {
        var d = record.Rdata;
        TypeCovered = WireMessage.U16(d, 0);
        Algorithm = d[2];
        Labels = d[3];
        OriginalTtl = U32(d, 4);
        Expiration = U32(d, 8);
        Inception = U32(d, 12);
        KeyTag = WireMessage.U16(d, 16);
        var offset = 18;
        Signer = WireMessage.ReadName(d, d.Length, ref offset);
        SignedPrefixLength = offset;
        Signature = new byte[d.Length - offset];
        Buffer.BlockCopy(d, offset, Signature, 0, Signature.Length);
        Record = record;
    }

    /// <summary>The record the data was read from.</summary>
    public WireRecord Record { get; }

    /// <summary>The type of the RRset the signature covers.</summary>
    public ushort TypeCovered { get; }

    /// <summary>The signing algorithm (8: RSA/SHA-256, 13: ECDSA P-256, 15: Ed25519, ...).</summary>
    public byte Algorithm { get; }

    /// <summary>The owner's label count without a leading wildcard: fewer than the owner has means a wildcard expansion.</summary>
    public byte Labels { get; }

    /// <summary>The TTL the signed records had in the zone (the canonical form uses it).</summary>
    public uint OriginalTtl { get; }

    /// <summary>Seconds since 1970 modulo 2^32 (serial number arithmetic, RFC 4034 section 3.1.5).</summary>
    public uint Expiration { get; }

    /// <summary>The start of the validity period, in the same serial form as <see cref="Expiration"/>.</summary>
    public uint Inception { get; }

    /// <summary>The key tag of the signing key (RFC 4034 Appendix B).</summary>
    public ushort KeyTag { get; }

    /// <summary>The zone whose key made the signature.</summary>
    public WireName Signer { get; }

    /// <summary>How many RDATA bytes come before the signature (the part that is itself signed).</summary>
    public int SignedPrefixLength { get; }

    /// <summary>The signature bytes.</summary>
    public byte[] Signature { get; }

    /// <summary>The RRSIG data of <paramref name="record"/>; null when it is no RRSIG or its RDATA is malformed.</summary>
    public static RrsigData? TryRead(WireRecord record)
    {
        if (record.Type != RecordType.Rrsig || record.Rdata.Length < 20)
        {
            return null;
        }

        try
        {
            return new RrsigData(record);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The expiration as a time near <paramref name="now"/> (serial arithmetic: the 32-bit value wraps in 2106).</summary>
    public DateTimeOffset ExpirationNear(DateTimeOffset now) => Near(Expiration, now);

    /// <summary>The inception as a time near <paramref name="now"/> (serial arithmetic).</summary>
    public DateTimeOffset InceptionNear(DateTimeOffset now) => Near(Inception, now);

    internal static uint U32(byte[] d, int o) => (uint)((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]);

    private static DateTimeOffset Near(uint value, DateTimeOffset now)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        var delta = unchecked((int)(value - (uint)nowSeconds));
        return DateTimeOffset.FromUnixTimeSeconds(nowSeconds + delta);
    }
}

/// <summary>The DNSKEY RDATA (RFC 4034 section 2.1) with its key tag (Appendix B).</summary>
internal sealed class DnskeyData
{
    private DnskeyData(WireRecord record)
    {
        var d = record.Rdata;
        Flags = WireMessage.U16(d, 0);
        Protocol = d[2];
        Algorithm = d[3];
        PublicKey = new byte[d.Length - 4];
        Buffer.BlockCopy(d, 4, PublicKey, 0, PublicKey.Length);
        KeyTag = ComputeKeyTag(d);
        Record = record;
    }

    /// <summary>The record the data was read from.</summary>
    public WireRecord Record { get; }

    /// <summary>The flag bits (Zone Key, REVOKE, Secure Entry Point).</summary>
    public ushort Flags { get; }

    /// <summary>Always 3 in a valid key (RFC 4034 §2.1.2).</summary>
    public byte Protocol { get; }

    /// <summary>The key's algorithm.</summary>
    public byte Algorithm { get; }

    /// <summary>The key in the algorithm's wire form.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key tag computed from the RDATA (RFC 4034 Appendix B).</summary>
    public ushort KeyTag { get; }

    /// <summary>The Zone Key flag (bit 7): only zone keys may verify RRSIGs (RFC 4034 section 2.1.1).</summary>
    public bool IsZoneKey => (Flags & 0x0100) != 0;

    /// <summary>The REVOKE flag (RFC 5011 section 3): a revoked key must not be used.</summary>
    public bool IsRevoked => (Flags & 0x0080) != 0;

    /// <summary>The Secure Entry Point flag (a KSK by convention).</summary>
    public bool IsSecureEntryPoint => (Flags & 0x0001) != 0;

    /// <summary>The DNSKEY data of <paramref name="record"/>; null when it is no DNSKEY or too short.</summary>
    public static DnskeyData? TryRead(WireRecord record) =>
        record.Type == RecordType.Dnskey && record.Rdata.Length >= 5 ? new DnskeyData(record) : null;

    /// <summary>RFC 4034 Appendix B (every algorithm but the historic RSA/MD5).</summary>
    public static ushort ComputeKeyTag(byte[] rdata)
    {
        uint ac = 0;
        for (var i = 0; i < rdata.Length; i++)
        {
            ac += (i & 1) != 0 ? rdata[i] : (uint)(rdata[i] << 8);
        }

        ac += (ac >> 16) & 0xFFFF;
        return (ushort)(ac & 0xFFFF);
    }
}

/// <summary>The DS RDATA (RFC 4034 section 5.1).</summary>
internal sealed class DsData
{
    /// <summary>A DS record's data (also the form of a configured trust anchor).</summary>
    public DsData(ushort keyTag, byte algorithm, byte digestType, byte[] digest)
    {
        KeyTag = keyTag;
        Algorithm = algorithm;
        DigestType = digestType;
        Digest = digest;
    }

    /// <summary>The key tag of the child key the digest is of.</summary>
    public ushort KeyTag { get; }

    /// <summary>The algorithm of that key.</summary>
    public byte Algorithm { get; }

    /// <summary>The digest algorithm (2: SHA-256, 4: SHA-384).</summary>
    public byte DigestType { get; }

    /// <summary>The digest of the child's DNSKEY.</summary>
    public byte[] Digest { get; }

    /// <summary>The DS data of <paramref name="record"/>; null when it is no DS or too short.</summary>
    public static DsData? TryRead(WireRecord record)
    {
        if (record.Type != RecordType.Ds || record.Rdata.Length < 5)
        {
            return null;
        }

        var d = record.Rdata;
        var digest = new byte[d.Length - 4];
        Buffer.BlockCopy(d, 4, digest, 0, digest.Length);
        return new DsData(WireMessage.U16(d, 0), d[2], d[3], digest);
    }

    public override string ToString() => KeyTag + " " + Algorithm + " " + DigestType + " " + BitConverter.ToString(Digest).Replace("-", string.Empty);
}

/// <summary>The NSEC RDATA (RFC 4034 section 4.1).</summary>
internal sealed class NsecData
{
    private NsecData(WireRecord record, WireName next, HashSet<ushort> types)
    {
        Record = record;
        Next = next;
        Types = types;
    }

    /// <summary>The record the data was read from.</summary>
    public WireRecord Record { get; }

    /// <summary>The next owner name in the zone's canonical order.</summary>
    public WireName Next { get; }

    /// <summary>The types that exist at the owner name (the type bitmap).</summary>
    public HashSet<ushort> Types { get; }

    /// <summary>The NSEC data of <paramref name="record"/>; null when it is no NSEC or malformed.</summary>
    public static NsecData? TryRead(WireRecord record)
    {
        if (record.Type != RecordType.Nsec)
        {
            return null;
        }

        try
        {
            var offset = 0;
            var next = WireMessage.ReadName(record.Rdata, record.Rdata.Length, ref offset);
            var types = TypeBitmap.Read(record.Rdata, offset);
            return types is null ? null : new NsecData(record, next, types);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The NSEC3 RDATA (RFC 5155 section 3.2).</summary>
internal sealed class Nsec3Data
{
    private Nsec3Data(WireRecord record)
    {
        Record = record;
    }

    /// <summary>The record the data was read from.</summary>
    public WireRecord Record { get; }

    /// <summary>The hash algorithm (1: SHA-1, the only one defined).</summary>
    public byte HashAlgorithm { get; private set; }

    /// <summary>The flag bits (only Opt-Out is defined).</summary>
    public byte Flags { get; private set; }

    /// <summary>The Opt-Out flag (RFC 5155 section 3.1.2.1): unsigned delegations may lie in the span.</summary>
    public bool OptOut => (Flags & 0x01) != 0;

    /// <summary>Extra hash iterations (RFC 9276 asks for 0; validators may treat many as insecure).</summary>
    public ushort Iterations { get; private set; }

    /// <summary>The salt appended before hashing.</summary>
    public byte[] Salt { get; private set; } = Array.Empty<byte>();

    /// <summary>The next hashed owner name in hash order.</summary>
    public byte[] NextHashed { get; private set; } = Array.Empty<byte>();

    /// <summary>The types that exist at the original owner name (the type bitmap).</summary>
    public HashSet<ushort> Types { get; private set; } = new();

    /// <summary>The owner's first label decoded from base32hex: the hash this record stands for; null when it is not valid base32hex.</summary>
    public byte[]? OwnerHash { get; private set; }

    /// <summary>The NSEC3 data of <paramref name="record"/>; null when it is no NSEC3 or malformed.</summary>
    public static Nsec3Data? TryRead(WireRecord record)
    {
        var d = record.Rdata;
        if (record.Type != RecordType.Nsec3 || d.Length < 5 || record.Owner.LabelCount == 0)
        {
            return null;
        }

        var data = new Nsec3Data(record)
        {
            HashAlgorithm = d[0],
            Flags = d[1],
            Iterations = WireMessage.U16(d, 2),
        };
        var p = 4;
        int saltLength = d[p++];
        if (p + saltLength + 1 > d.Length)
        {
            return null;
        }

        data.Salt = Slice(d, p, saltLength);
        p += saltLength;
        int hashLength = d[p++];
        if (hashLength == 0 || p + hashLength > d.Length)
        {
            return null;
        }

        data.NextHashed = Slice(d, p, hashLength);
        p += hashLength;
        var types = TypeBitmap.Read(d, p);
        if (types is null)
        {
            return null;
        }

        data.Types = types;
        data.OwnerHash = Base32Hex.Decode(record.Owner.Labels[0]);
        return data;
    }

    private static byte[] Slice(byte[] d, int offset, int length)
    {
        var copy = new byte[length];
        Buffer.BlockCopy(d, offset, copy, 0, length);
        return copy;
    }
}

/// <summary>The type bit maps of NSEC and NSEC3 (RFC 4034 section 4.1.2).</summary>
internal static class TypeBitmap
{
    /// <summary>The types listed from <paramref name="offset"/> to the end; null when the field is malformed.</summary>
    public static HashSet<ushort>? Read(byte[] d, int offset)
    {
        var types = new HashSet<ushort>();
        var p = offset;
        var lastWindow = -1;
        while (p < d.Length)
        {
            if (p + 2 > d.Length)
            {
                return null;
            }

            int window = d[p], length = d[p + 1];
            if (window <= lastWindow || length < 1 || length > 32 || p + 2 + length > d.Length)
            {
                return null;
            }

            for (var i = 0; i < length; i++)
            {
                var bits = d[p + 2 + i];
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((bits & (0x80 >> bit)) != 0)
                    {
                        types.Add((ushort)((window << 8) | (i * 8) + bit));
                    }
                }
            }

            lastWindow = window;
            p += 2 + length;
        }

        return types;
    }
}
