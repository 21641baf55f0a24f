using System;

namespace SmtpTls.Smtp;

/// <summary>Maps between the module's protocol names and the wire version numbers of SSL/TLS.</summary>
internal static class TlsVersions
{
    /// <summary>The version number a ClientHello carries for <paramref name="protocol"/> (0x0300 for SSL 3.0 to 0x0304 for TLS 1.3).</summary>
    public static ushort ToWire(SmtpTlsProtocol protocol) => protocol switch
    {
        SmtpTlsProtocol.Ssl3 => 0x0300,
        SmtpTlsProtocol.Tls10 => 0x0301,
        SmtpTlsProtocol.Tls11 => 0x0302,
        SmtpTlsProtocol.Tls12 => 0x0303,
        SmtpTlsProtocol.Tls13 => 0x0304,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>The version of a wire number; null for one this module does not know.</summary>
    public static SmtpTlsProtocol? FromWire(int version) => version switch
    {
        0x0300 => SmtpTlsProtocol.Ssl3,
        0x0301 => SmtpTlsProtocol.Tls10,
        0x0302 => SmtpTlsProtocol.Tls11,
        0x0303 => SmtpTlsProtocol.Tls12,
        0x0304 => SmtpTlsProtocol.Tls13,
        _ => null,
    };

    /// <summary>The version's name, or its number in hex for an unknown one.</summary>
    public static string Describe(int version) => FromWire(version)?.ToString() ?? "0x" + version.ToString("x4");

    /// <summary>Older than TLS 1.2, which RFC 8996 deprecates.</summary>
    public static bool IsLegacy(SmtpTlsProtocol protocol) => protocol < SmtpTlsProtocol.Tls12;
}
