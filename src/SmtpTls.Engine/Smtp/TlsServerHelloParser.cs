using System;
using System.Text;

namespace SmtpTls.Smtp;

/// <summary>
/// Decodes the first answer to a ClientHello: a ServerHello (possibly spread over several records),
/// an alert, or something that is not TLS at all (an SMTP banner, an HTTP error page).
/// </summary>
internal static class TlsServerHelloParser
{
    /// <summary>A real ServerHello fits easily; more than this without one is not a TLS server.</summary>
    public const int MaxBytes = 32 * 1024;

    // SHA-256 of "HelloRetryRequest" (RFC 8446, 4.1.3): a ServerHello with this random is a retry request.
    private static readonly byte[] HelloRetryRandom =
    {
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    };

    /// <summary>Parses <paramref name="length"/> received bytes; <see cref="TlsHelloAnswerKind.Incomplete"/> asks for more.</summary>
    public static TlsHelloAnswer Parse(byte[] data, int length)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        if (length == 0)
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
        }

        if (data[0] != 0x15 && data[0] != 0x16)
        {
            return ClassifyNonTls(data, length);
        }

        // Collect the handshake bytes of consecutive handshake records until one message is complete.
        var handshake = new byte[length];
        var handshakeLength = 0;
        var offset = 0;
        while (offset + 5 <= length)
        {
            var type = data[offset];
            var major = data[offset + 1];
            var recordLength = (data[offset + 3] << 8) | data[offset + 4];
            if ((type != 0x15 && type != 0x16) || major != 3 || recordLength > 16384 + 2048)
            {
                return offset == 0 ? ClassifyNonTls(data, length) : TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "malformed record");
            }

            if (offset + 5 + recordLength > length)
            {
                return TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
            }

            if (type == 0x15)
            {
                if (recordLength < 2)
                {
                    return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "short alert");
                }

                return new TlsHelloAnswer
                {
                    Kind = TlsHelloAnswerKind.Alert,
                    AlertLevel = data[offset + 5],
                    AlertDescription = data[offset + 6],
                };
            }

            Buffer.BlockCopy(data, offset + 5, handshake, handshakeLength, recordLength);
            handshakeLength += recordLength;
            offset += 5 + recordLength;

            if (handshakeLength >= 4)
            {
                if (handshake[0] != 0x02)
                {
                    return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "handshake message " + handshake[0] + " instead of ServerHello");
                }

                var messageLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
                if (handshakeLength >= 4 + messageLength)
                {
                    return ParseServerHello(handshake, 4, messageLength);
                }
            }
        }

        return TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
    }

    /// <summary>Decodes a ServerHello body (after the 4-byte handshake header); the deep scan reads further messages after it.</summary>
    internal static TlsHelloAnswer ParseServerHello(byte[] h, int start, int length)
    {
        var end = start + length;
        var p = start;
        if (length < 38)
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "short ServerHello");
        }

        var answer = new TlsHelloAnswer { Kind = TlsHelloAnswerKind.ServerHello, Version = (h[p] << 8) | h[p + 1] };
        p += 2;
        answer.IsHelloRetryRequest = Matches(h, p, HelloRetryRandom);
        p += 32;
        var sessionIdLength = h[p];
        answer.SessionIdLength = sessionIdLength;
        p += 1 + sessionIdLength;
        if (p + 3 > end)
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "truncated ServerHello");
        }

        answer.CipherSuite = (ushort)((h[p] << 8) | h[p + 1]);
        answer.CompressionMethod = h[p + 2];
        p += 3;
        if (p + 2 <= end)
        {
            var extensionsEnd = Math.Min(end, p + 2 + ((h[p] << 8) | h[p + 1]));
            p += 2;
            while (p + 4 <= extensionsEnd)
            {
                var type = (h[p] << 8) | h[p + 1];
                var size = (h[p + 2] << 8) | h[p + 3];
                p += 4;
                answer.Extensions.Add((ushort)type);

                // key_share names the group: alone in a HelloRetryRequest, before the key in a ServerHello.
                if (type == 0x0033 && size >= 2 && p + 2 <= extensionsEnd)
                {
                    answer.SelectedGroup = (ushort)((h[p] << 8) | h[p + 1]);
                }

                // supported_versions in a ServerHello carries the one version actually chosen.
                if (type == 0x002b && size == 2 && p + 2 <= extensionsEnd)
                {
                    answer.Version = (h[p] << 8) | h[p + 1];
                }

                p += size;
            }
        }

        return answer;
    }

    private static TlsHelloAnswer ClassifyNonTls(byte[] data, int length)
    {
        if (length < 5)
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);
        }

        var text = Encoding.ASCII.GetString(data, 0, Math.Min(length, 200));
        var printable = SmtpReplyReader.Printable(text.Split('\n')[0].TrimEnd('\r'));
        if (text.StartsWith("HTTP/", StringComparison.Ordinal) || text.StartsWith("<", StringComparison.Ordinal))
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Http, printable);
        }

        if (length >= 4 && SmtpReplyReader.IsReplyLine(text.Substring(0, 4)))
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Smtp, printable);
        }

        return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, printable);
    }

    private static bool Matches(byte[] data, int offset, byte[] expected)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (data[offset + i] != expected[i])
            {
                return false;
            }
        }

        return true;
    }
}
