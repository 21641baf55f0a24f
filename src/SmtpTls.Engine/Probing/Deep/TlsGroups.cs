using System.Collections.Generic;
using System.Globalization;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// The key-exchange groups the deep scan asks about (IANA TLS Supported Groups registry): the
/// elliptic curves, the RFC 7919 finite-field groups and the ML-KEM hybrids of
/// draft-ietf-tls-ecdhe-mlkem (X25519MLKEM768 is what browsers and OpenSSL 3.5 send by default).
/// </summary>
internal static class TlsGroups
{
    /// <summary>Code, name and whether the group resists a quantum computer, in the order offered when all are asked at once.</summary>
    public static readonly IReadOnlyList<(ushort Code, string Name, bool PostQuantum)> All = new (ushort, string, bool)[]
    {
        (0x11ec, "X25519MLKEM768", true),
        (0x11eb, "SecP256r1MLKEM768", true),
        (0x11ed, "SecP384r1MLKEM1024", true),
        (0x6399, "X25519Kyber768Draft00", true),
        (0x001d, "x25519", false),
        (0x001e, "x448", false),
        (0x0017, "secp256r1", false),
        (0x0018, "secp384r1", false),
        (0x0019, "secp521r1", false),
        (0x001a, "brainpoolP256r1", false),
        (0x001b, "brainpoolP384r1", false),
        (0x001c, "brainpoolP512r1", false),
        (0x0100, "ffdhe2048", false),
        (0x0101, "ffdhe3072", false),
        (0x0102, "ffdhe4096", false),
        (0x0103, "ffdhe6144", false),
        (0x0104, "ffdhe8192", false),
    };

    /// <summary>The elliptic curves a TLS 1.2 ECDHE suite can use (the hybrids and ffdhe groups are TLS 1.3 only here).</summary>
    public static bool IsEllipticCurve(ushort code) => code is >= 0x0017 and <= 0x001e;

    /// <summary>The IANA name of <paramref name="code"/>, or its hex code.</summary>
    public static string Name(ushort code)
    {
        foreach (var group in All)
        {
            if (group.Code == code)
            {
                return group.Name;
            }
        }

        return "0x" + code.ToString("x4", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="code"/> is a post-quantum hybrid.</summary>
    public static bool IsPostQuantum(ushort code)
    {
        foreach (var group in All)
        {
            if (group.Code == code)
            {
                return group.PostQuantum;
            }
        }

        return false;
    }
}
