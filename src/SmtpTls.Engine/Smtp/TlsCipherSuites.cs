using System;
using System.Collections.Generic;

namespace SmtpTls.Smtp;

/// <summary>
/// The cipher suites the hand-built ClientHello offers, with their IANA names, and the rule for
/// what counts as weak. Only suites the probe itself offers need names: a server can only pick one of those.
/// </summary>
internal static class TlsCipherSuites
{
    /// <summary>The TLS 1.3 suites every hello for 1.3 offers (RFC 8446 §9.1).</summary>
    public static readonly ushort[] Tls13 = { 0x1301, 0x1302, 0x1303 };

    /// <summary>The modern suites a TLS 1.2 hello offers.</summary>
    public static readonly ushort[] Tls12 =
    {
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f,
        0xc023, 0xc027, 0xc024, 0xc028, 0xc009, 0xc013, 0xc00a, 0xc014,
        0x0033, 0x0039, 0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, 0x000a,
    };

    /// <summary>TLS 1.0/1.1 and SSL 3 have no AEAD suites; offering plain-RSA ones reaches servers whose keys cannot sign with SHA-1 any more.</summary>
    public static readonly ushort[] Legacy =
    {
        0xc009, 0xc013, 0xc00a, 0xc014, 0x0033, 0x0039, 0x002f, 0x0035, 0x000a, 0x0005, 0x0004,
    };

    /// <summary>
    /// Suites nobody should accept today: RC4, DES/3DES, NULL and EXPORT. Anonymous suites are left
    /// out on purpose: Postfix enables them for opportunistic TLS by design (no client offers them
    /// alone), and flagging every default Postfix would teach admins to ignore the finding.
    /// </summary>
    public static readonly ushort[] Weak =
    {
        0x0005, 0x0004, 0xc011, 0xc007, 0x000a, 0xc012, 0x0016, 0xc008, 0x0009, 0x0015,
        0x0003, 0x0006, 0x0008, 0x0014, 0x0001, 0x0002, 0x003b, 0xc010, 0xc006,
    };

    private static readonly Dictionary<ushort, string> Names = new()
    {
        [0x0001] = "TLS_RSA_WITH_NULL_MD5",
        [0x0002] = "TLS_RSA_WITH_NULL_SHA",
        [0x0003] = "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
        [0x0004] = "TLS_RSA_WITH_RC4_128_MD5",
        [0x0005] = "TLS_RSA_WITH_RC4_128_SHA",
        [0x0006] = "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
        [0x0008] = "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        [0x0009] = "TLS_RSA_WITH_DES_CBC_SHA",
        [0x000a] = "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        [0x0014] = "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        [0x0015] = "TLS_DHE_RSA_WITH_DES_CBC_SHA",
        [0x0016] = "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        [0x0018] = "TLS_DH_anon_WITH_RC4_128_MD5",
        [0x001b] = "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
        [0x002f] = "TLS_RSA_WITH_AES_128_CBC_SHA",
        [0x0033] = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        [0x0034] = "TLS_DH_anon_WITH_AES_128_CBC_SHA",
        [0x0035] = "TLS_RSA_WITH_AES_256_CBC_SHA",
        [0x0039] = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        [0x003a] = "TLS_DH_anon_WITH_AES_256_CBC_SHA",
        [0x003b] = "TLS_RSA_WITH_NULL_SHA256",
        [0x003c] = "TLS_RSA_WITH_AES_128_CBC_SHA256",
        [0x003d] = "TLS_RSA_WITH_AES_256_CBC_SHA256",
        [0x009c] = "TLS_RSA_WITH_AES_128_GCM_SHA256",
        [0x009d] = "TLS_RSA_WITH_AES_256_GCM_SHA384",
        [0x009e] = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        [0x009f] = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        [0x1301] = "TLS_AES_128_GCM_SHA256",
        [0x1302] = "TLS_AES_256_GCM_SHA384",
        [0x1303] = "TLS_CHACHA20_POLY1305_SHA256",
        [0xc006] = "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
        [0xc007] = "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        [0xc008] = "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        [0xc009] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        [0xc00a] = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        [0xc010] = "TLS_ECDHE_RSA_WITH_NULL_SHA",
        [0xc011] = "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        [0xc012] = "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        [0xc013] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        [0xc014] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        [0xc018] = "TLS_ECDH_anon_WITH_RC4_128_SHA",
        [0xc019] = "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
        [0xc023] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        [0xc024] = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        [0xc027] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        [0xc028] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        [0xc02b] = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        [0xc02c] = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        [0xc02f] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        [0xc030] = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        [0xcca8] = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        [0xcca9] = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    /// <summary>The IANA name of <paramref name="suite"/>, or its hex code when unknown.</summary>
    public static string Name(ushort suite) => Names.TryGetValue(suite, out var name) ? name : "0x" + suite.ToString("x4");

    /// <summary>Whether a suite, given by IANA or OpenSSL-style name, is weak.</summary>
    public static bool IsWeak(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var upper = name!.ToUpperInvariant();
        foreach (var marker in new[] { "RC4", "_DES", "DES_", "3DES", "NULL", "EXPORT", "ANON", "_MD5", "RC2" })
        {
            if (upper.IndexOf(marker, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
