using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// Every cipher suite the deep scan can offer, read once from the embedded <c>CipherSuites.tsv</c>
/// (IANA codes and names with their key exchange, authentication and encryption), and the rule for
/// which suites count as weak and why.
/// </summary>
internal static class CipherSuiteCatalog
{
    private static readonly Lazy<IReadOnlyList<CipherSuiteEntry>> Entries = new(Load);
    private static readonly Lazy<Dictionary<ushort, CipherSuiteEntry>> ByCode = new(() => Entries.Value.ToDictionary(e => e.Code));
    private static readonly Lazy<Dictionary<SmtpTlsProtocol, ushort[]>> ByProtocol = new(() =>
        ((SmtpTlsProtocol[])Enum.GetValues(typeof(SmtpTlsProtocol))).ToDictionary(
            protocol => protocol,
            protocol => Entries.Value
                .Where(e => protocol == SmtpTlsProtocol.Tls13 ? e.FirstProtocol == "TLSv1.3" : e.FirstProtocol != "TLSv1.3" && (protocol == SmtpTlsProtocol.Tls12 || e.FirstProtocol != "TLSv1.2"))
                .Select(e => e.Code)
                .ToArray()));

    /// <summary>All suites of the catalog.</summary>
    public static IReadOnlyList<CipherSuiteEntry> All => Entries.Value;

    /// <summary>The suites a ClientHello for <paramref name="protocol"/> may offer (TLS 1.3 has its own five).</summary>
    /// <remarks>Computed once per version: every probe of every scan asks for these lists.</remarks>
    public static IReadOnlyList<ushort> ForProtocol(SmtpTlsProtocol protocol) => ByProtocol.Value[protocol];

    /// <summary>The catalog entry of <paramref name="code"/>, or null for a suite we never offer.</summary>
    public static CipherSuiteEntry? Find(ushort code) => ByCode.Value.TryGetValue(code, out var entry) ? entry : null;

    /// <summary>The public description of <paramref name="code"/> as accepted for <paramref name="protocol"/>.</summary>
    public static SmtpTlsCipherSuite Describe(ushort code, SmtpTlsProtocol protocol, int? preference)
    {
        var entry = Find(code);
        if (entry is null)
        {
            return new SmtpTlsCipherSuite(protocol.ToString(), "0x" + code.ToString("x4", CultureInfo.InvariantCulture), code, preference, "?", "?", "?", 0, false, "unknown suite");
        }

        return new SmtpTlsCipherSuite(
            protocol.ToString(), entry.Name, code, preference, entry.KeyExchange, entry.Authentication, entry.Encryption, entry.Bits, entry.ForwardSecrecy, entry.WeakReason);
    }

    private static IReadOnlyList<CipherSuiteEntry> Load()
    {
        using var stream = typeof(CipherSuiteCatalog).Assembly.GetManifestResourceStream("SmtpTls.Probing.Deep.CipherSuites.tsv")
            ?? throw new InvalidOperationException("The cipher suite catalog is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var entries = new List<CipherSuiteEntry>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var f = line.Split('\t');
            var bits = int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) ? b : 0;
            entries.Add(new CipherSuiteEntry(
                Convert.ToUInt16(f[0].Substring(2), 16), f[1], f[2], KeyExchangeName(f[3]), f[4] == "any" ? "Certificate" : f[4], f[5], bits, f[7]));
        }

        return entries;
    }

    /// <summary>OpenSSL says DH/ECDH for the ephemeral kinds and "any" for TLS 1.3; the report says what they are.</summary>
    private static string KeyExchangeName(string openSsl) => openSsl switch
    {
        "DH" => "DHE",
        "ECDH" => "ECDHE",
        "any" => "ECDHE/DHE",
        "ECDH/ECDSA" or "ECDH/RSA" => "ECDH",
        _ => openSsl,
    };
}

/// <summary>One row of the cipher suite catalog.</summary>
internal sealed class CipherSuiteEntry
{
    /// <summary>One row of CipherSuites.tsv.</summary>
    public CipherSuiteEntry(ushort code, string name, string firstProtocol, string keyExchange, string authentication, string encryption, int bits, string mac)
    {
        Code = code;
        Name = name;
        FirstProtocol = firstProtocol;
        KeyExchange = keyExchange;
        Authentication = authentication;
        Encryption = encryption;
        Bits = bits;
        Mac = mac;
        WeakReason = Weakness();
    }

    /// <summary>The IANA code.</summary>
    public ushort Code { get; }

    /// <summary>The IANA name.</summary>
    public string Name { get; }

    /// <summary>SSLv3, TLSv1, TLSv1.2 or TLSv1.3: the first version that defines the suite.</summary>
    public string FirstProtocol { get; }

    /// <summary>The key exchange (RSA, DHE, ECDHE, ...; "any" for TLS 1.3).</summary>
    public string KeyExchange { get; }

    /// <summary>The server authentication (RSA, ECDSA, ...).</summary>
    public string Authentication { get; }

    /// <summary>The bulk cipher and its mode.</summary>
    public string Encryption { get; }

    /// <summary>The bulk cipher's key length in bits.</summary>
    public int Bits { get; }

    /// <summary>The MAC or, for AEAD suites, AEAD.</summary>
    public string Mac { get; }

    /// <summary>Ephemeral key exchange: a stolen server key does not open recorded sessions.</summary>
    public bool ForwardSecrecy => KeyExchange is "DHE" or "ECDHE" or "ECDHE/DHE";

    /// <summary>Why nobody should accept this suite today, or null.</summary>
    public string? WeakReason { get; }

    /// <remarks>
    /// The same line as the protocol scan's WeakCipher finding (RC4, DES/3DES, NULL, EXPORT, MD5
    /// MACs, RC2, keys under 128 bits). Anonymous suites are not called weak here either: Postfix
    /// offers them for opportunistic TLS by design and no client offers them alone; their
    /// Authentication column says "None".
    /// </remarks>
    private string? Weakness()
    {
        if (Encryption == "None")
        {
            return "NULL encryption";
        }

        if (Name.IndexOf("EXPORT", StringComparison.Ordinal) >= 0)
        {
            return "EXPORT grade";
        }

        return Encryption switch
        {
            "RC4" => "RC4 (RFC 7465)",
            "RC2" => "RC2",
            "DES" => "single DES",
            "3DES" => "3DES (64-bit block: Sweet32)",
            _ => Mac == "MD5" ? "MD5 MAC" : Bits is > 0 and < 128 ? "key under 128 bits" : null,
        };
    }
}
