using System;
using System.Collections.Generic;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// A DNS response read from the wire (RFC 1035 section 4, EDNS RFC 6891). The bytes are untrusted:
/// every length is checked, compression pointers may only point backwards, and the number of
/// records is bounded, so a hostile answer gives a <see cref="FormatException"/>, never a hang or a crash.
/// </summary>
internal sealed class WireMessage
{
    /// <summary>The most records accepted in one message (all sections together).</summary>
    public const int MaxRecords = 512;

    private const int MaxPointerHops = 64;

    private WireMessage()
    {
    }

    /// <summary>The message id, which must match the query's.</summary>
    public ushort Id { get; private set; }

    /// <summary>The QR bit.</summary>
    public bool IsResponse { get; private set; }

    /// <summary>The TC bit: the answer did not fit, ask again over TCP.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The AD bit; the validation does not rely on it, it checks the signatures itself.</summary>
    public bool AuthenticatedData { get; private set; }

    /// <summary>The CD bit as the message carries it (the module's queries set it, so that a validating resolver hands over even data it finds bogus, to be judged here).</summary>
    public bool CheckingDisabled { get; private set; }

    /// <summary>The response code, with the EDNS extension bits when an OPT record came.</summary>
    public int ResponseCode { get; private set; }

    /// <summary>The name of the question section, or null when there is none.</summary>
    public WireName? QuestionName { get; private set; }

    /// <summary>The type of the question section.</summary>
    public ushort QuestionType { get; private set; }

    /// <summary>The answer section.</summary>
    public List<WireRecord> Answers { get; } = new();

    /// <summary>The authority section (NSEC/NSEC3 proofs, SOA).</summary>
    public List<WireRecord> Authority { get; } = new();

    /// <summary>The additional section without the OPT pseudo-record.</summary>
    public List<WireRecord> Additional { get; } = new();

    /// <summary>Whether the OPT record came back with the DO bit (the server understood the DNSSEC request).</summary>
    public bool DnssecOk { get; private set; }

    /// <summary>Reads a message.</summary>
    /// <exception cref="FormatException">The bytes are not a well-formed DNS message.</exception>
    public static WireMessage Parse(byte[] data, int length)
    {
        if (length < 12 || length > data.Length)
        {
            throw new FormatException("A DNS message is at least 12 bytes.");
        }

        var message = new WireMessage
        {
            Id = U16(data, 0),
        };
        var flags = U16(data, 2);
        message.IsResponse = (flags & 0x8000) != 0;
        message.Truncated = (flags & 0x0200) != 0;
        message.AuthenticatedData = (flags & 0x0020) != 0;
        message.CheckingDisabled = (flags & 0x0010) != 0;
        message.ResponseCode = flags & 0x000F;
        int qd = U16(data, 4), an = U16(data, 6), ns = U16(data, 8), ar = U16(data, 10);
        if (qd > 1 || an + ns + ar > MaxRecords)
        {
            throw new FormatException("The DNS message holds more questions or records than accepted.");
        }

        var offset = 12;
        if (qd == 1)
        {
            message.QuestionName = ReadName(data, length, ref offset);
            Need(length, offset, 4);
            message.QuestionType = U16(data, offset);
            offset += 4;
        }

        for (var i = 0; i < an + ns + ar; i++)
        {
            var owner = ReadName(data, length, ref offset);
            Need(length, offset, 10);
            var type = U16(data, offset);
            var @class = U16(data, offset + 2);
            var ttl = (uint)((data[offset + 4] << 24) | (data[offset + 5] << 16) | (data[offset + 6] << 8) | data[offset + 7]);
            var rdLength = U16(data, offset + 8);
            offset += 10;
            Need(length, offset, rdLength);
            if (type == RecordType.Opt)
            {
                // EDNS: the TTL field holds the extended RCODE (upper 8 bits of 12) and the DO flag.
                message.ResponseCode |= (int)((ttl >> 24) & 0xFF) << 4;
                message.DnssecOk = (ttl & 0x8000) != 0;
                offset += rdLength;
                continue;
            }

            var record = ReadRecord(data, length, owner, type, @class, ttl, offset, rdLength);
            offset += rdLength;
            (i < an ? message.Answers : i < an + ns ? message.Authority : message.Additional).Add(record);
        }

        return message;
    }

    private static WireRecord ReadRecord(byte[] data, int length, WireName owner, ushort type, ushort @class, uint ttl, int start, int rdLength)
    {
        var end = start + rdLength;
        var names = new List<(int, int)>();
        var rdata = new List<byte>(rdLength + 32);

        // Copies fixed bytes, then a name expanded; records where the name sits for the canonical form.
        void Fixed(ref int p, int count)
        {
            if (p + count > end)
            {
                throw new FormatException("RDATA shorter than its type requires.");
            }

            for (var i = 0; i < count; i++)
            {
                rdata.Add(data[p + i]);
            }

            p += count;
        }

        void Name(ref int p, bool lowerInCanonicalForm)
        {
            var name = ReadName(data, end, ref p);
            var wire = name.ToWire(canonical: false);
            if (lowerInCanonicalForm)
            {
                names.Add((rdata.Count, wire.Length));
            }

            rdata.AddRange(wire);
        }

        var q = start;
        switch (type)
        {
            case RecordType.Ns:
            case RecordType.Cname:
            case RecordType.Ptr:
            case RecordType.Dname:
                Name(ref q, true);
                break;
            case RecordType.Mx:
                Fixed(ref q, 2);
                Name(ref q, true);
                break;
            case RecordType.Srv:
                Fixed(ref q, 6);
                Name(ref q, true);
                break;
            case RecordType.Soa:
                Name(ref q, true);
                Name(ref q, true);
                Fixed(ref q, 20);
                break;
            case RecordType.Rrsig:
                Fixed(ref q, 18);
                Name(ref q, true);
                Fixed(ref q, end - q);
                break;
            case RecordType.Nsec:
                Name(ref q, false);
                Fixed(ref q, end - q);
                break;
            default:
                Fixed(ref q, rdLength);
                break;
        }

        if (q != end)
        {
            throw new FormatException("RDATA longer than its content for " + RecordType.Name(type) + ".");
        }

        return new WireRecord(owner, type, @class, ttl, rdata.ToArray(), names);
    }

    /// <summary>Reads a possibly compressed name; pointers must point before the name's own start (no loops).</summary>
    internal static WireName ReadName(byte[] data, int limit, ref int offset)
    {
        var labels = new List<byte[]>();
        var position = offset;
        var lowestStart = offset;
        var jumped = false;
        var hops = 0;
        var wireLength = 1;
        while (true)
        {
            Need(limit, position, 1);
            var length = data[position];
            if ((length & 0xC0) == 0xC0)
            {
                Need(limit, position, 2);
                var target = ((length & 0x3F) << 8) | data[position + 1];
                if (target >= lowestStart || ++hops > MaxPointerHops)
                {
                    throw new FormatException("A compression pointer points forward or loops.");
                }

                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                lowestStart = target;
                position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                throw new FormatException("Unknown label type.");
            }

            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return new WireName(labels);
            }

            Need(limit, position + 1, length);
            wireLength += length + 1;
            if (wireLength > WireName.MaxWireLength)
            {
                throw new FormatException("A name longer than 255 bytes.");
            }

            var label = new byte[length];
            Buffer.BlockCopy(data, position + 1, label, 0, length);
            labels.Add(label);
            position += length + 1;
        }
    }

    internal static ushort U16(byte[] data, int offset) => (ushort)((data[offset] << 8) | data[offset + 1]);

    private static void Need(int limit, int offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > limit)
        {
            throw new FormatException("The DNS message ends early.");
        }
    }
}
