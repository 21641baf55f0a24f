using System;

namespace SmtpTls.Smtp;

/// <summary>Maps between the module's protocol names and the wire version numbers of SSL/TLS.</summary>
internal static class TlsVersions
{
    public static ushort ToWire(SmtpTlsProtocol protocol) => protocol switch
    {
        SmtpTlsProtocol.Ssl3 => 0x0300,
        SmtpTlsProtocol.Tls10 => 0x0301,
        SmtpTlsProtocol.Tls11 => 0x0302,
        SmtpTlsProtocol.Tls12 => 0x0303,
        SmtpTlsProtocol.Tls13 => 0x0304,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static SmtpTlsProtocol? FromWire(int version) => version switch
    {
        0x0300 => SmtpTlsProtocol.Ssl3,
        0x0301 => SmtpTlsProtocol.Tls10,
        0x0302 => SmtpTlsProtocol.Tls11,
        0x0303 => SmtpTlsProtocol.Tls12,
        0x0304 => SmtpTlsProtocol.Tls13,
        _ => null,
    };

    public static string Describe(int version) => FromWire(version)?.ToString() ?? "0x" + version.ToString("x4");

    public static bool IsLegacy(SmtpTlsProtocol protocol) => protocol < SmtpTlsProtocol.Tls12;
}
