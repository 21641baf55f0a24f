using System;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Smtp;

/// <summary>Sends a hand-built ClientHello and reads what comes back, without continuing the handshake.</summary>
internal static class TlsHelloExchange
{
    /// <summary>Sends <paramref name="hello"/> on <paramref name="connection"/> and decodes the answer within its timeout.</summary>
    public static Task<TlsHelloAnswer> ExchangeAsync(SmtpConnection connection, byte[] hello, CancellationToken cancellationToken) =>
        SendAndReadAsync(
            connection,
            hello,
            TlsServerHelloParser.MaxBytes,
            (buffer, length) => TlsServerHelloParser.Parse(buffer, length),
            answer => answer.Kind == TlsHelloAnswerKind.Incomplete,
            (answer, text) => text is null ? TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed) : TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, text),
            cancellationToken);

    /// <summary>
    /// Writes the hello, then reads until <paramref name="parse"/> no longer asks for more; at the end of
    /// the stream or of the buffer, <paramref name="cutShort"/> turns the last parse into an answer
    /// (its text is null when nothing at all arrived).
    /// </summary>
    internal static async Task<T> SendAndReadAsync<T>(
        SmtpConnection connection, byte[] hello, int maxBytes, Func<byte[], int, T> parse, Func<T, bool> needsMore, Func<T, string?, T> cutShort, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(hello, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[maxBytes];
        var length = 0;
        return await SmtpConnection.RunBoundedAsync(
            async token =>
            {
                while (true)
                {
                    var read = await connection.Stream.ReadAsync(buffer, length, buffer.Length - length, token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        var last = parse(buffer, length);
                        return !needsMore(last) ? last
                            : cutShort(last, length == 0 ? null : SmtpReplyReader.Printable(Encoding.ASCII.GetString(buffer, 0, Math.Min(length, 80))));
                    }

                    length += read;
                    var answer = parse(buffer, length);
                    if (!needsMore(answer))
                    {
                        return answer;
                    }

                    if (length == buffer.Length)
                    {
                        return cutShort(answer, "no complete answer in the first " + length + " bytes");
                    }
                }
            },
            connection.Abort,
            connection.Timeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a fresh connection and sends a TLS 1.2 hello at once, to learn whether a silent port
    /// speaks implicit TLS. Failures are answers here (Closed, NotTls), never exceptions, except cancellation.
    /// </summary>
    public static async Task<TlsHelloAnswer> DetectAsync(IPAddress address, int port, string? serverName, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken, IPAddress? sourceAddress = null)
    {
        try
        {
            using var connection = await SmtpConnection.ConnectAsync(address, port, timeout, log, cancellationToken, sourceAddress).ConfigureAwait(false);
            connection.Log("C: <TLS ClientHello>");
            var answer = await ExchangeAsync(connection, TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, serverName), cancellationToken).ConfigureAwait(false);
            connection.Log("S: <" + answer.Describe() + ">");
            return answer;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed, ex.Message);
        }
    }
}
