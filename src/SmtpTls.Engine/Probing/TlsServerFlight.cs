using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing;

/// <summary>
/// The server's first flight after a hand-built ClientHello: the ServerHello and what follows it.
/// A ServerHello alone does not mean a handshake can complete: a server may answer it and then fail
/// (Debian's OpenSMTPD 6.8 under OpenSSL 3 sends internal_error where its key exchange belongs). Up to
/// TLS 1.2 the rest of the flight is plaintext (Certificate, ServerKeyExchange, ServerHelloDone), so the
/// certificates can be read from it without finishing the handshake; from TLS 1.3 on it is encrypted,
/// and a flight of at least <see cref="EncryptedFlightBytes"/> bytes (the certificate is in it) counts as complete.
/// </summary>
internal sealed class TlsServerFlight
{
    /// <summary>Encrypted TLS 1.3 bytes after the ServerHello that show a whole flight; an encrypted alert is 19-24 bytes.</summary>
    public const int EncryptedFlightBytes = 512;

    private const int MaxBytes = 96 * 1024;

    private TlsServerFlight(TlsHelloAnswer answer)
    {
        Answer = answer;
    }

    /// <summary>The ServerHello, alert or other answer to the hello.</summary>
    public TlsHelloAnswer Answer { get; }

    /// <summary>After a ServerHello: whether the server sent its whole first flight (true) or broke off (false); null without a ServerHello.</summary>
    public bool? Completes { get; private set; }

    /// <summary>What ended the flight when it did not complete: the alert, or that the server closed the connection.</summary>
    public string? BrokenBy { get; private set; }

    /// <summary>The certificates of a TLS 1.0-1.2 Certificate message, leaf first; empty otherwise.</summary>
    public X509Certificate2[] Certificates { get; private set; } = Array.Empty<X509Certificate2>();

    /// <summary>Sends <paramref name="hello"/> and reads the answer and, after a ServerHello, the rest of the server's flight.</summary>
    public static async Task<TlsServerFlight> ExchangeAsync(SmtpConnection connection, byte[] hello, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(hello, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBytes];
        var length = 0;
        return await SmtpConnection.RunBoundedAsync(
            async token =>
            {
                TlsHelloAnswer? answer = null;
                while (true)
                {
                    var read = length == buffer.Length ? 0 : await connection.Stream.ReadAsync(buffer, length, buffer.Length - length, token).ConfigureAwait(false);
                    var closed = read == 0;
                    length += read;
                    if (answer is null)
                    {
                        var parsed = TlsServerHelloParser.Parse(buffer, length);
                        if (parsed.Kind == TlsHelloAnswerKind.Incomplete)
                        {
                            if (!closed)
                            {
                                continue;
                            }

                            parsed = length == 0 ? TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed) : TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "incomplete answer");
                        }

                        if (parsed.Kind != TlsHelloAnswerKind.ServerHello || parsed.IsHelloRetryRequest)
                        {
                            return new TlsServerFlight(parsed);
                        }

                        answer = parsed;
                    }

                    var flight = new TlsServerFlight(answer);
                    if (flight.Follow(buffer, length, closed))
                    {
                        return flight;
                    }
                }
            },
            connection.Abort,
            connection.Timeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Walks the records after the ServerHello; true once the flight's outcome is known.</summary>
    private bool Follow(byte[] data, int length, bool closed)
    {
        var handshake = new List<byte>();
        var encrypted = 0;
        var offset = 0;
        while (offset + 5 <= length)
        {
            var type = data[offset];
            var recordLength = (data[offset + 3] << 8) | data[offset + 4];
            if (offset + 5 + recordLength > length)
            {
                break;
            }

            switch (type)
            {
                case 0x15:
                    Completes = false;
                    BrokenBy = recordLength >= 2 ? "alert " + TlsAlerts.Name(data[offset + 6]) + " (" + data[offset + 6] + ")" : "alert";
                    return true;
                case 0x16:
                    for (var i = 0; i < recordLength; i++)
                    {
                        handshake.Add(data[offset + 5 + i]);
                    }

                    break;
                case 0x17:
                    encrypted += recordLength;
                    break;
            }

            offset += 5 + recordLength;
        }

        if (Answer.Version >= 0x0304)
        {
            if (encrypted >= EncryptedFlightBytes)
            {
                Completes = true;
                return true;
            }
        }
        else if (ReadPlainFlight(handshake.ToArray()))
        {
            return true;
        }

        if (closed || length == data.Length)
        {
            Completes = false;
            BrokenBy = length == data.Length ? "flight too long" : "connection closed";
            return true;
        }

        return false;
    }

    /// <summary>TLS 1.0-1.2: the handshake messages in order; true at ServerHelloDone.</summary>
    private bool ReadPlainFlight(byte[] messages)
    {
        var p = 0;
        while (p + 4 <= messages.Length)
        {
            var type = messages[p];
            var bodyLength = (messages[p + 1] << 16) | (messages[p + 2] << 8) | messages[p + 3];
            if (p + 4 + bodyLength > messages.Length)
            {
                return false;
            }

            if (type == 11)
            {
                Certificates = ParseCertificates(messages, p + 4, bodyLength);
            }
            else if (type == 14)
            {
                Completes = true;
                return true;
            }

            p += 4 + bodyLength;
        }

        return false;
    }

    /// <summary>A TLS 1.0-1.2 Certificate message body: a 24-bit list length, then 24-bit-length DER certificates.</summary>
    private static X509Certificate2[] ParseCertificates(byte[] m, int start, int length)
    {
        var certificates = new List<X509Certificate2>();
        if (length < 3)
        {
            return certificates.ToArray();
        }

        var end = start + length;
        var p = start + 3;
        while (p + 3 <= end)
        {
            var size = (m[p] << 16) | (m[p + 1] << 8) | m[p + 2];
            p += 3;
            if (size == 0 || p + size > end)
            {
                break;
            }

            var der = new byte[size];
            Buffer.BlockCopy(m, p, der, 0, size);
            try
            {
                certificates.Add(new X509Certificate2(der));
            }
            catch (CryptographicException)
            {
                // A certificate that does not parse ends the list: the analysis reports what came before.
                break;
            }

            p += size;
        }

        return certificates.ToArray();
    }
}
