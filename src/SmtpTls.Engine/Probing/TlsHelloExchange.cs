using System;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>Sends a hand-built ClientHello and reads what comes back, without continuing the handshake.</summary>
internal static class TlsHelloExchange
{
    /// <summary>Sends <paramref name="hello"/> on <paramref name="connection"/> and decodes the answer within its timeout.</summary>
    public static async Task<TlsHelloAnswer> ExchangeAsync(SmtpConnection connection, byte[] hello, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(hello, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[TlsServerHelloParser.MaxBytes];
        var length = 0;
        return await SmtpConnection.RunBoundedAsync(
            async token =>
            {
                while (true)
                {
                    var read = await connection.Stream.ReadAsync(buffer, length, buffer.Length - length, token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        if (length == 0)
                        {
                            return TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed);
                        }

                        var last = TlsServerHelloParser.Parse(buffer, length);
                        return last.Kind == TlsHelloAnswerKind.Incomplete
                            ? TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, SmtpReplyReader.Printable(Encoding.ASCII.GetString(buffer, 0, Math.Min(length, 80))))
                            : last;
                    }

                    length += read;
                    var answer = TlsServerHelloParser.Parse(buffer, length);
                    if (answer.Kind != TlsHelloAnswerKind.Incomplete)
                    {
                        return answer;
                    }

                    if (length == buffer.Length)
                    {
                        return TlsHelloAnswer.Of(TlsHelloAnswerKind.NotTls, "no ServerHello in the first " + length + " bytes");
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
