using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;

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

    /// <summary>Scans one endpoint; each version on a connection of its own, all at once.</summary>
    public static async Task<ProtocolScanResult> ScanAsync(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken, IPAddress? sourceAddress = null)
    {
        var clock = Stopwatch.StartNew();
        var versionTasks = AllProtocols
            .Select(protocol => ProbeAsync(address, port, mode, heloName, timeout, Prefix(log, protocol.ToString()), TlsClientHelloBuilder.Build(protocol, serverName), sourceAddress, cancellationToken))
            .ToArray();
        var weakTask = ProbeAsync(address, port, mode, heloName, timeout, Prefix(log, "WeakCiphers"), TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, serverName, TlsCipherSuites.Weak), sourceAddress, cancellationToken);

        // TLS 1.3 encrypts everything after the ServerHello: whether its handshake completes takes a real one.
        var tls13Task = Tls13CompletesAsync(address, port, mode, serverName, heloName, timeout, Prefix(log, "Tls13 handshake"), sourceAddress, cancellationToken);

        var answers = await Task.WhenAll(versionTasks).ConfigureAwait(false);
        var weak = await weakTask.ConfigureAwait(false);
        var tls13Completes = await tls13Task.ConfigureAwait(false);

        var protocols = new SmtpTlsProtocolSupport[AllProtocols.Length];
        for (var i = 0; i < AllProtocols.Length; i++)
        {
            var (flight, detail) = answers[i];
            var answer = flight?.Answer;

            // A server that answers a hello for one version with another version has refused the one offered.
            var accepted = answer?.Kind == TlsHelloAnswerKind.ServerHello && answer.Version == TlsVersions.ToWire(AllProtocols[i]);
            if (accepted && AllProtocols[i] == SmtpTlsProtocol.Tls13 && tls13Completes == false)
            {
                detail += ", then no TLS 1.3 handshake completed";
            }

            protocols[i] = new SmtpTlsProtocolSupport(AllProtocols[i], accepted, accepted ? TlsCipherSuites.Name(answer!.CipherSuite) : null, detail)
            {
                // A HelloRetryRequest commits to the version but is no ServerHello flight: not followed.
                HandshakeCompletes = !accepted ? null
                    : AllProtocols[i] == SmtpTlsProtocol.Tls13 ? tls13Completes
                    : answer!.IsHelloRetryRequest ? null : flight!.Completes,
            };
        }

        return new ProtocolScanResult
        {
            Protocols = protocols,
            WeakCipherAccepted = weak.Flight?.Answer.Kind == TlsHelloAnswerKind.ServerHello ? TlsCipherSuites.Name(weak.Flight.Answer.CipherSuite) : null,
            Duration = clock.Elapsed,
        };
    }

    /// <summary>A TLS 1.3-only handshake with the platform's TLS (any certificate accepted: only completion counts); null when it could not be tried.</summary>
    private static async Task<bool?> Tls13CompletesAsync(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        try
        {
            var (opened, _) = await TlsProbeConnection.OpenAsync(address, port, mode, heloName, timeout, log, sourceAddress, cancellationToken).ConfigureAwait(false);
            using var connection = opened;
            if (connection is null)
            {
                return null;
            }

            using var ssl = new SslStream(connection.Stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
            try
            {
                // SslProtocols.Tls13 (12288) is not named in netstandard2.0.
                await SmtpConnection.RunBoundedAsync(
                    async _ =>
                    {
                        await ssl.AuthenticateAsClientAsync(serverName ?? address.ToString(), null, (SslProtocols)12288, checkCertificateRevocation: false).ConfigureAwait(false);
                        return true;
                    },
                    connection.Abort,
                    timeout,
                    cancellationToken).ConfigureAwait(false);
                connection.Log("S: <TLS 1.3 handshake completed>");
                return true;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or ObjectDisposedException)
            {
                connection.Log("S: <" + ex.Message + ">");
                return false;
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or SocketException or SmtpProtocolException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    private static async Task<(TlsServerFlight? Flight, string Detail)> ProbeAsync(
        IPAddress address, int port, SmtpTlsMode mode, string heloName, TimeSpan timeout, Action<string>? log, byte[] hello, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        try
        {
            var (opened, why) = await TlsProbeConnection.OpenAsync(address, port, mode, heloName, timeout, log, sourceAddress, cancellationToken).ConfigureAwait(false);
            using var connection = opened;
            if (connection is null)
            {
                return (null, why ?? string.Empty);
            }

            connection.Log("C: <TLS ClientHello>");
            var flight = await TlsServerFlight.ExchangeAsync(connection, hello, cancellationToken).ConfigureAwait(false);
            var detail = flight.Answer.Describe() + (flight.Completes == false ? ", then " + flight.BrokenBy : string.Empty);
            connection.Log("S: <" + detail + ">");
            return (flight, detail);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or SocketException or SmtpProtocolException)
        {
            return (null, ex is TimeoutException ? "timeout: " + ex.Message : ex.Message);
        }
    }

    private static Action<string>? Prefix(Action<string>? log, string name) => log is null ? null : line => log("[" + name + "] " + line);
}
