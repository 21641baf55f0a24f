using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Probing;
using SmtpTls.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// After a send failed at the start of the session, asks the port once more, briefly, which kind of TLS
/// it speaks, as Test-SmtpTls does: a silent port that answers a ClientHello expects implicit TLS; a
/// port whose TLS handshake failed but that greets a plaintext client expects STARTTLS.
/// </summary>
internal static class PortModeCheck
{
    /// <summary>Whether the silent port answers a TLS ClientHello (a ServerHello or an alert).</summary>
    public static async Task<bool> SpeaksImplicitTlsAsync(IPAddress address, int port, string? serverName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = await TlsHelloExchange.DetectAsync(address, port, serverName, timeout, null, cancellationToken).ConfigureAwait(false);
        return answer.Kind is TlsHelloAnswerKind.ServerHello or TlsHelloAnswerKind.Alert;
    }

    /// <summary>The plaintext SMTP greeting the port sends to a client that says nothing; null when it sends none.</summary>
    public static async Task<string?> PlaintextGreetingAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = await SmtpConnection.ConnectAsync(address, port, timeout, null, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[512];
            var read = await SmtpConnection.RunBoundedAsync(token => connection.Stream.ReadAsync(buffer, 0, buffer.Length, token), connection.Abort, timeout, cancellationToken).ConfigureAwait(false);
            var line = SmtpReplyReader.Printable(Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].TrimEnd('\r'));
            return line.Length >= 4 && SmtpReplyReader.IsReplyLine(line.Substring(0, 4)) ? line : null;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or SocketException)
        {
            return null;
        }
    }
}
