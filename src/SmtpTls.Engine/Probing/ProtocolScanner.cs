using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// Finds which protocol versions a server accepts by offering each one alone in a hand-built
/// ClientHello (as testssl.sh does) on its own connection, all at once. The verdict comes from the
/// ServerHello or alert, so it does not depend on what the local TLS library is willing to speak.
/// </summary>
internal static class ProtocolScanner
{
    private static readonly SmtpTlsProtocol[] AllProtocols =
    {
        SmtpTlsProtocol.Ssl3, SmtpTlsProtocol.Tls10, SmtpTlsProtocol.Tls11, SmtpTlsProtocol.Tls12, SmtpTlsProtocol.Tls13,
    };

    public static async Task<ProtocolScanResult> ScanAsync(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken, IPAddress? sourceAddress = null)
    {
        var clock = Stopwatch.StartNew();
        var versionTasks = AllProtocols
            .Select(protocol => ProbeAsync(address, port, mode, heloName, timeout, Prefix(log, protocol.ToString()), TlsClientHelloBuilder.Build(protocol, serverName), sourceAddress, cancellationToken))
            .ToArray();
        var weakTask = ProbeAsync(address, port, mode, heloName, timeout, Prefix(log, "WeakCiphers"), TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, serverName, TlsCipherSuites.Weak), sourceAddress, cancellationToken);

        var answers = await Task.WhenAll(versionTasks).ConfigureAwait(false);
        var weak = await weakTask.ConfigureAwait(false);

        var protocols = new SmtpTlsProtocolSupport[AllProtocols.Length];
        for (var i = 0; i < AllProtocols.Length; i++)
        {
            var (answer, detail) = answers[i];

            // A server that answers a hello for one version with another version has refused the one offered.
            var accepted = answer?.Kind == TlsHelloAnswerKind.ServerHello && answer.Version == TlsVersions.ToWire(AllProtocols[i]);
            protocols[i] = new SmtpTlsProtocolSupport(AllProtocols[i], accepted, accepted ? TlsCipherSuites.Name(answer!.CipherSuite) : null, detail);
        }

        return new ProtocolScanResult
        {
            Protocols = protocols,
            WeakCipherAccepted = weak.Answer?.Kind == TlsHelloAnswerKind.ServerHello ? TlsCipherSuites.Name(weak.Answer.CipherSuite) : null,
            Duration = clock.Elapsed,
        };
    }

    private static async Task<(TlsHelloAnswer? Answer, string Detail)> ProbeAsync(
        IPAddress address, int port, SmtpTlsMode mode, string heloName, TimeSpan timeout, Action<string>? log, byte[] hello, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = await SmtpConnection.ConnectAsync(address, port, timeout, log, cancellationToken, sourceAddress).ConfigureAwait(false);
            if (mode != SmtpTlsMode.Implicit)
            {
                // Each version needs its own SMTP dialogue up to "220 Ready to start TLS".
                var banner = await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false);
                if (banner.Code != 220)
                {
                    return (null, "banner: " + banner.Lines[0]);
                }

                var ehlo = await connection.CommandAsync("EHLO " + heloName, cancellationToken).ConfigureAwait(false);
                if (!ehlo.IsPositive)
                {
                    return (null, "EHLO: " + ehlo.Lines[0]);
                }

                var startTls = await connection.CommandAsync("STARTTLS", cancellationToken, exact: true).ConfigureAwait(false);
                if (startTls.Code != 220)
                {
                    return (null, "STARTTLS: " + startTls.Lines[0]);
                }
            }

            connection.Log("C: <TLS ClientHello>");
            var answer = await TlsHelloExchange.ExchangeAsync(connection, hello, cancellationToken).ConfigureAwait(false);
            var detail = answer.Describe();
            connection.Log("S: <" + detail + ">");
            return (answer, detail);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or SocketException or SmtpProtocolException)
        {
            return (null, ex is TimeoutException ? "timeout: " + ex.Message : ex.Message);
        }
    }

    private static Action<string>? Prefix(Action<string>? log, string name) => log is null ? null : line => log("[" + name + "] " + line);
}
