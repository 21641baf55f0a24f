using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SmtpTls;

/// <summary>One TLSA record (RFC 6698, type 52): how a TLS server's certificate is pinned for DANE.</summary>
public sealed class SmtpTlsaRecord
{
    /// <summary>Creates a TLSA record.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A field is outside 0..255.</exception>
    public SmtpTlsaRecord(int usage, int selector, int matchingType, IEnumerable<byte> data)
    {
        CheckByte(usage, nameof(usage));
        CheckByte(selector, nameof(selector));
        CheckByte(matchingType, nameof(matchingType));
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        Usage = usage;
        Selector = selector;
        MatchingType = matchingType;
        var hex = new StringBuilder();
        foreach (var b in data)
        {
            hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        DataHex = hex.ToString();
    }

    /// <summary>Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (SMTP uses 2 and 3, RFC 7672).</summary>
    public int Usage { get; }

    /// <summary>Selector: 0 the whole certificate, 1 the SubjectPublicKeyInfo.</summary>
    public int Selector { get; }

    /// <summary>Matching type: 0 exact data, 1 SHA-256, 2 SHA-512.</summary>
    public int MatchingType { get; }

    /// <summary>The certificate association data as lower-case hex; compare case-insensitively.</summary>
    public string DataHex { get; }

    /// <summary>The certificate association data as bytes (a new copy each call).</summary>
    public byte[] GetData()
    {
        var bytes = new byte[DataHex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = byte.Parse(DataHex.Substring(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return bytes;
    }

    /// <summary>The record in zone-file form, for example <c>3 1 1 0123…</c>.</summary>
    public override string ToString() => $"{Usage} {Selector} {MatchingType} {DataHex}";

    private static void CheckByte(int value, string name)
    {
        if (value < 0 || value > 255)
        {
            throw new ArgumentOutOfRangeException(name, value, "TLSA fields are single bytes (0..255).");
        }
    }
}
