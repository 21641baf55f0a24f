using System;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// Decodes the server's first flight from the bytes received so far. It answers
/// <see cref="TlsHelloAnswerKind.Incomplete"/> until it has the ServerHello (TLS 1.3, a retry
/// request, an alert) or, for TLS 1.2 and older, everything up to ServerHelloDone.
/// </summary>
internal static class TlsServerFlightParser
{
    /// <summary>A first flight with a long chain fits easily; more than this is not a server we can read.</summary>
    public const int MaxBytes = 128 * 1024;

    /// <summary>Sends <paramref name="hello"/> and reads the server's whole cleartext first flight (the deep scan's certificates, OCSP and key exchange).</summary>
    public static Task<TlsServerFlight> ExchangeAsync(SmtpConnection connection, byte[] hello, CancellationToken cancellationToken) =>
        TlsHelloExchange.SendAndReadAsync(
            connection,
            hello,
            MaxBytes,
            (buffer, length) => Parse(buffer, length),
            NeedsMore,
            (flight, text) =>
            {
                flight.Hello = text is null ? TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed) : TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, text);
                return flight;
            },
            cancellationToken);

    /// <summary>Parses <paramref name="length"/> bytes of <paramref name="data"/>; the flight's Hello is Incomplete when more are needed.</summary>
    public static TlsServerFlight Parse(byte[] data, int length)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        var flight = new TlsServerFlight();
        if (length == 0)
        {
            return flight;
        }

        if (data[0] != 0x16)
        {
            // Alerts and anything that is not TLS: the hello parser already knows how to say what it is.
            flight.Hello = TlsServerHelloParser.Parse(data, length);
            return flight;
        }

        var handshake = new byte[length];
        var handshakeLength = 0;
        var consumed = 0;
        var offset = 0;
        var sawHello = false;
        while (offset + 5 <= length)
        {
            var type = data[offset];
            var recordLength = (data[offset + 3] << 8) | data[offset + 4];
            if (data[offset + 1] != 3 || recordLength > 16384 + 2048)
            {
                flight.Hello = sawHello ? flight.Hello : TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "malformed record");
                return Finish(flight, sawHello);
            }

            if (offset + 5 + recordLength > length)
            {
                break;
            }

            if (type == 0x15 && recordLength >= 2)
            {
                if (!sawHello)
                {
                    flight.Hello = new TlsHelloAnswer { Kind = TlsHelloAnswerKind.Alert, AlertLevel = data[offset + 5], AlertDescription = data[offset + 6] };
                }

                return Finish(flight, sawHello);
            }

            if (type != 0x16)
            {
                // ChangeCipherSpec or encrypted records: nothing more is readable in the clear.
                return Finish(flight, sawHello);
            }

            Buffer.BlockCopy(data, offset + 5, handshake, handshakeLength, recordLength);
            handshakeLength += recordLength;
            offset += 5 + recordLength;

            while (consumed + 4 <= handshakeLength)
            {
                var messageType = handshake[consumed];
                var messageLength = (handshake[consumed + 1] << 16) | (handshake[consumed + 2] << 8) | handshake[consumed + 3];
                if (consumed + 4 + messageLength > handshakeLength)
                {
                    break;
                }

                var body = consumed + 4;
                consumed = body + messageLength;
                if (!sawHello)
                {
                    if (messageType != 0x02)
                    {
                        flight.Hello = TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "handshake message " + messageType + " instead of ServerHello");
                        return flight;
                    }

                    flight.Hello = TlsServerHelloParser.ParseServerHello(handshake, body, messageLength);
                    sawHello = true;
                    if (flight.Hello.Kind != TlsHelloAnswerKind.ServerHello || flight.Hello.IsHelloRetryRequest || flight.Hello.Version >= 0x0304)
                    {
                        return flight;
                    }

                    continue;
                }

                switch (messageType)
                {
                    case 11:
                        ReadCertificates(handshake, body, messageLength, flight);
                        break;
                    case 22:
                        ReadCertificateStatus(handshake, body, messageLength, flight);
                        break;
                    case 12:
                        ReadServerKeyExchange(handshake, body, messageLength, flight);
                        break;
                    case 13:
                        flight.CertificateRequested = true;
                        break;
                    case 14:
                        flight.Complete = true;
                        return flight;
                }
            }
        }

        if (!sawHello)
        {
            flight.Hello = TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
        }
        else
        {
            // The ServerHello is there but ServerHelloDone is not yet: ask for more bytes.
            flight.Hello = Incomplete(flight.Hello);
        }

        return flight;
    }

    /// <summary>Whether <paramref name="flight"/> needs more bytes before it can be used.</summary>
    public static bool NeedsMore(TlsServerFlight flight) => flight.Hello.Kind == TlsHelloAnswerKind.Incomplete;

    private static TlsServerFlight Finish(TlsServerFlight flight, bool sawHello)
    {
        if (!sawHello && flight.Hello.Kind == TlsHelloAnswerKind.Incomplete)
        {
            flight.Hello = TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "no ServerHello");
        }

        return flight;
    }

    private static TlsHelloAnswer Incomplete(TlsHelloAnswer hello)
    {
        // Keep what was learnt for callers that stop waiting (end of stream), but mark it as not done.
        var pending = TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
        pending.Version = hello.Version;
        pending.CipherSuite = hello.CipherSuite;
        return pending;
    }

    private static void ReadCertificates(byte[] h, int p, int length, TlsServerFlight flight)
    {
        var end = p + length;
        if (length < 3)
        {
            return;
        }

        var listEnd = Math.Min(end, p + 3 + ReadUInt24(h, p));
        p += 3;
        while (p + 3 <= listEnd)
        {
            var size = ReadUInt24(h, p);
            p += 3;
            if (p + size > listEnd)
            {
                return;
            }

            var der = new byte[size];
            Buffer.BlockCopy(h, p, der, 0, size);
            flight.Certificates.Add(der);
            p += size;
        }
    }

    private static void ReadCertificateStatus(byte[] h, int p, int length, TlsServerFlight flight)
    {
        // status_type ocsp(1), then a 24-bit length and the DER OCSPResponse (RFC 6066, 8).
        if (length < 4 || h[p] != 1)
        {
            return;
        }

        var size = ReadUInt24(h, p + 1);
        if (size <= 0 || 4 + size > length)
        {
            return;
        }

        var der = new byte[size];
        Buffer.BlockCopy(h, p + 4, der, 0, size);
        flight.OcspResponse = der;
    }

    private static void ReadServerKeyExchange(byte[] h, int p, int length, TlsServerFlight flight)
    {
        var kind = CipherSuiteCatalog.Find(flight.Hello.CipherSuite)?.KeyExchange;
        if (kind == "ECDHE")
        {
            // ECParameters: curve_type named_curve(3), then the 16-bit curve (RFC 8422, 5.4).
            if (length >= 3 && h[p] == 3)
            {
                flight.EcdheCurve = (ushort)((h[p + 1] << 8) | h[p + 2]);
            }
        }
        else if (kind == "DHE" && length >= 2)
        {
            // ServerDHParams begins with dh_p<1..2^16-1>; leading zero bytes do not count.
            var size = (h[p] << 8) | h[p + 1];
            var start = p + 2;
            if (size == 0 || size > length - 2)
            {
                return;
            }

            var first = start;
            while (first < start + size && h[first] == 0)
            {
                first++;
            }

            if (first == start + size)
            {
                return;
            }

            var bits = (start + size - first) * 8;
            for (var top = h[first]; (top & 0x80) == 0; top <<= 1)
            {
                bits--;
            }

            flight.DhPrimeBits = bits;
        }
    }

    private static int ReadUInt24(byte[] h, int p) => (h[p] << 16) | (h[p + 1] << 8) | h[p + 2];
}
