using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace SmtpTls.Smtp;

/// <summary>
/// Builds a ClientHello that offers exactly one protocol version, written byte by byte so that the
/// protocol scan does not depend on what the local TLS library still allows: Debian's OpenSSL 3
/// refuses TLS 1.0/1.1 as a client, yet we must find out whether a server accepts them.
/// The hello is never continued into a real handshake, so no key material is ever used.
/// </summary>
internal static class TlsClientHelloBuilder
{
    private const byte HandshakeRecord = 0x16;
    private const byte ClientHelloType = 0x01;

    private static readonly ushort[] Groups = { 0x001d, 0x0017, 0x0018, 0x0019, 0x0100 };

    private static readonly ushort[] SignatureAlgorithms =
    {
        0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
    };

    /// <summary>Builds the hello record that offers only <paramref name="protocol"/>.</summary>
    /// <param name="protocol">The single version to offer.</param>
    /// <param name="serverName">The SNI name; null or an IP literal sends no SNI (RFC 6066 forbids literals).</param>
    /// <param name="cipherSuites">Suites to offer instead of the version's default list (for the weak-cipher probe).</param>
    public static byte[] Build(SmtpTlsProtocol protocol, string? serverName, IReadOnlyList<ushort>? cipherSuites = null) =>
        Build(new TlsHelloSpec(protocol) { ServerName = serverName, CipherSuites = cipherSuites });

    /// <summary>Builds the hello record <paramref name="spec"/> describes.</summary>
    public static byte[] Build(TlsHelloSpec spec)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var protocol = spec.Protocol;
        var suites = spec.CipherSuites ?? DefaultSuites(protocol);
        var isTls13 = protocol == SmtpTlsProtocol.Tls13;

        // TLS 1.3 hides its version in supported_versions and says 1.2 in the legacy field (RFC 8446, 4.1.2).
        var helloVersion = isTls13 ? (ushort)0x0303 : TlsVersions.ToWire(protocol);

        var body = new List<byte>(512);
        AddUInt16(body, helloVersion);
        body.AddRange(RandomBytes(32));

        // A 32-byte session id is what TLS 1.3 middlebox compatibility expects; older versions ignore it.
        body.Add(32);
        body.AddRange(RandomBytes(32));

        AddUInt16(body, (ushort)(suites.Count * 2));
        foreach (var suite in suites)
        {
            AddUInt16(body, suite);
        }

        if (spec.OfferCompression && !isTls13)
        {
            // DEFLATE first: a server that still compresses (CRIME) picks it.
            body.Add(2);
            body.Add(1);
            body.Add(0);
        }
        else
        {
            body.Add(1);
            body.Add(0);
        }

        // SSL 3.0 predates extensions; some SSL 3 stacks reject a hello that carries them.
        if (protocol != SmtpTlsProtocol.Ssl3)
        {
            var extensions = BuildExtensions(spec);
            AddUInt16(body, (ushort)extensions.Count);
            body.AddRange(extensions);
        }

        var handshake = new List<byte>(body.Count + 4) { ClientHelloType };
        AddUInt24(handshake, body.Count);
        handshake.AddRange(body);

        // Record layer version 1.0 for TLS hellos is what browsers send; some servers drop higher ones.
        var recordVersion = protocol == SmtpTlsProtocol.Ssl3 ? (ushort)0x0300 : (ushort)0x0301;
        var record = new List<byte>(handshake.Count + 5) { HandshakeRecord };
        AddUInt16(record, recordVersion);
        AddUInt16(record, (ushort)handshake.Count);
        record.AddRange(handshake);
        return record.ToArray();
    }

    /// <summary>The suites offered for a version when the caller names none.</summary>
    public static IReadOnlyList<ushort> DefaultSuites(SmtpTlsProtocol protocol) => protocol switch
    {
        SmtpTlsProtocol.Tls13 => TlsCipherSuites.Tls13,
        SmtpTlsProtocol.Tls12 => TlsCipherSuites.Tls12,
        _ => TlsCipherSuites.Legacy,
    };

    private static List<byte> BuildExtensions(TlsHelloSpec spec)
    {
        var protocol = spec.Protocol;
        var serverName = spec.ServerName;
        var extensions = new List<byte>(256);
        if (!string.IsNullOrEmpty(serverName) && !System.Net.IPAddress.TryParse(serverName, out _))
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            var data = new List<byte>();
            AddUInt16(data, (ushort)(name.Length + 3));
            data.Add(0);
            AddUInt16(data, (ushort)name.Length);
            data.AddRange(name);
            AddExtension(extensions, 0x0000, data);
        }

        var offeredGroups = spec.Groups ?? Groups;
        var groups = new List<byte>();
        AddUInt16(groups, (ushort)(offeredGroups.Count * 2));
        foreach (var group in offeredGroups)
        {
            AddUInt16(groups, group);
        }

        AddExtension(extensions, 0x000a, groups);
        AddExtension(extensions, 0x000b, new List<byte> { 1, 0 });

        if (protocol >= SmtpTlsProtocol.Tls12)
        {
            var offeredAlgorithms = spec.SignatureAlgorithms ?? SignatureAlgorithms;
            var algorithms = new List<byte>();
            AddUInt16(algorithms, (ushort)(offeredAlgorithms.Count * 2));
            foreach (var algorithm in offeredAlgorithms)
            {
                AddUInt16(algorithms, algorithm);
            }

            AddExtension(extensions, 0x000d, algorithms);
        }

        if (spec.StatusRequest)
        {
            // status_request for OCSP with no responder ids and no request extensions (RFC 6066, 8).
            AddExtension(extensions, 0x0005, new List<byte> { 1, 0, 0, 0, 0 });
        }

        if (spec.SessionTicket)
        {
            // An empty ticket asks the server whether it issues tickets (RFC 5077, 3.2).
            AddExtension(extensions, 0x0023, new List<byte>());
        }

        // Extended master secret and secure renegotiation: servers that insist on them would otherwise
        // refuse the probe and make a supported version look unsupported.
        AddExtension(extensions, 0x0017, new List<byte>());
        AddExtension(extensions, 0xff01, new List<byte> { 0 });

        if (protocol == SmtpTlsProtocol.Tls13)
        {
            AddExtension(extensions, 0x002b, new List<byte> { 2, 0x03, 0x04 });
            AddExtension(extensions, 0x002d, new List<byte> { 1, 1 });

            var share = new List<byte>();
            if (spec.EmptyKeyShare || !offeredGroups.Contains((ushort)0x001d))
            {
                // No share at all: a server that accepts one of the groups must answer with a
                // HelloRetryRequest naming it (RFC 8446, 4.1.4), which is all a group probe needs.
                AddUInt16(share, 0);
            }
            else
            {
                // Any 32 bytes are a valid X25519 public key; the server answers before it could notice
                // that we hold no private key for it.
                AddUInt16(share, 36);
                AddUInt16(share, 0x001d);
                AddUInt16(share, 32);
                share.AddRange(RandomBytes(32));
            }

            AddExtension(extensions, 0x0033, share);
        }

        return extensions;
    }

    private static void AddExtension(List<byte> target, ushort type, List<byte> data)
    {
        AddUInt16(target, type);
        AddUInt16(target, (ushort)data.Count);
        target.AddRange(data);
    }

    private static void AddUInt16(List<byte> target, ushort value)
    {
        target.Add((byte)(value >> 8));
        target.Add((byte)value);
    }

    private static void AddUInt24(List<byte> target, int value)
    {
        target.Add((byte)(value >> 16));
        target.Add((byte)(value >> 8));
        target.Add((byte)value);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        return bytes;
    }
}
