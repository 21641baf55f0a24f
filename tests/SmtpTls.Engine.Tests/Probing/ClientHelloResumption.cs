using System;
using System.Buffers.Binary;

namespace SmtpTls.Tests.Probing;

/// <summary>
/// Reads a raw TLS ClientHello (RFC 8446 section 4.1.2, RFC 5077) and tells whether the client asks
/// to resume an earlier session: a pre_shared_key extension (TLS 1.3) or a non-empty session_ticket
/// (TLS 1.2). Written from the RFCs, independent of the product's own hello code. The legacy session
/// id is no sign: TLS 1.3 clients send a random one on every connection (middlebox compatibility).
/// </summary>
internal static class ClientHelloResumption
{
    private const ushort SessionTicket = 35;
    private const ushort PreSharedKey = 41;

    public static bool OffersResumption(byte[] recorded)
    {
        // Record header: type 22 (handshake), version, length; then handshake type 1 (client_hello), 3-byte length.
        if (recorded.Length < 9 || recorded[0] != 22 || recorded[5] != 1)
        {
            throw new FormatException("The recorded bytes do not start with a TLS ClientHello.");
        }

        var hello = recorded.AsSpan(9);
        var at = 2 + 32; // legacy_version, random
        at += 1 + hello[at]; // legacy_session_id
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(at)); // cipher_suites
        at += 1 + hello[at]; // legacy_compression_methods
        var end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(at));
        at += 2;
        if (end > hello.Length)
        {
            throw new FormatException("The ClientHello was not recorded whole.");
        }

        while (at + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(at));
            var length = BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(at + 2));
            if (type == PreSharedKey || (type == SessionTicket && length > 0))
            {
                return true;
            }

            at += 4 + length;
        }

        return false;
    }
}
