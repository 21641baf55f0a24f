using System;
using System.Collections.Generic;
using System.Text;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// Just enough of the DNS wire format (RFC 1035 section 4) for test servers and readiness probes:
/// a query with one question, and a response built from a query.
/// </summary>
public static class RawDnsMessage
{
    public const ushort FlagResponse = 0x8000;
    public const ushort FlagRecursionDesired = 0x0100;
    public const ushort FlagRecursionAvailable = 0x0080;
    public const ushort FlagAuthenticData = 0x0020;

    public static byte[] Query(ushort id, string name, ushort type)
    {
        var bytes = new List<byte>();
        WriteUInt16(bytes, id);
        WriteUInt16(bytes, FlagRecursionDesired);
        WriteUInt16(bytes, 1);
        WriteUInt16(bytes, 0);
        WriteUInt16(bytes, 0);
        WriteUInt16(bytes, 0);
        WriteName(bytes, name);
        WriteUInt16(bytes, type);
        WriteUInt16(bytes, 1);
        return bytes.ToArray();
    }

    /// <summary>The response code (low four bits of the flags) of a message.</summary>
    public static int ResponseCode(byte[] message) => message[3] & 0x0F;

    /// <summary>The question section of a query (from byte 12 to the end of QTYPE/QCLASS), or null when malformed.</summary>
    public static byte[]? Question(byte[] query, int length)
    {
        var position = 12;
        while (position < length && query[position] != 0)
        {
            position += query[position] + 1;
        }

        position += 5;
        if (position > length)
        {
            return null;
        }

        var question = new byte[position - 12];
        Array.Copy(query, 12, question, 0, question.Length);
        return question;
    }

    /// <summary>The type asked in a query's question.</summary>
    public static ushort QuestionType(byte[] question) => (ushort)((question[question.Length - 4] << 8) | question[question.Length - 3]);

    /// <summary>
    /// A response to <paramref name="query"/> with the given flags and response code, and answers
    /// (type, RDATA) that all repeat the question's name through a compression pointer.
    /// </summary>
    public static byte[] Response(byte[] query, int length, ushort extraFlags, int responseCode, IReadOnlyList<(ushort Type, byte[] Data)> answers)
    {
        var question = Question(query, length) ?? throw new FormatException("The query has no complete question.");
        var bytes = new List<byte>();
        bytes.Add(query[0]);
        bytes.Add(query[1]);
        WriteUInt16(bytes, (ushort)(FlagResponse | FlagRecursionDesired | FlagRecursionAvailable | extraFlags | (responseCode & 0x0F)));
        WriteUInt16(bytes, 1);
        WriteUInt16(bytes, (ushort)answers.Count);
        WriteUInt16(bytes, 0);
        WriteUInt16(bytes, 0);
        bytes.AddRange(question);
        foreach (var (type, data) in answers)
        {
            bytes.Add(0xC0);
            bytes.Add(12);
            WriteUInt16(bytes, type);
            WriteUInt16(bytes, 1);
            WriteUInt16(bytes, 0);
            WriteUInt16(bytes, 60);
            WriteUInt16(bytes, (ushort)data.Length);
            bytes.AddRange(data);
        }

        return bytes.ToArray();
    }

    private static void WriteName(List<byte> bytes, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var encoded = Encoding.ASCII.GetBytes(label);
            bytes.Add((byte)encoded.Length);
            bytes.AddRange(encoded);
        }

        bytes.Add(0);
    }

    private static void WriteUInt16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
