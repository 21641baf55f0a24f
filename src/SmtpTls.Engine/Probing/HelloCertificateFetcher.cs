using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing;

/// <summary>
/// After a failed handshake: offers TLS 1.2, 1.1 and 1.0 alone in hand-built ClientHellos (on parallel
/// connections) and reads the server's Certificate message, which is plaintext up to TLS 1.2. This
/// shows the certificate of a server that speaks only versions this machine's TLS library refuses
/// (TLS 1.0/1.1 under OpenSSL 3), as openssl at SECLEVEL=0 would, without weakening the process's TLS
/// settings; and it tells whether the server answers hellos at all.
/// </summary>
internal static class HelloCertificateFetcher
{
    private static readonly SmtpTlsProtocol[] Versions = { SmtpTlsProtocol.Tls12, SmtpTlsProtocol.Tls11, SmtpTlsProtocol.Tls10 };

    /// <summary>The first version (newest first) whose flight carried certificates, with them; and whether any hello got a ServerHello.</summary>
    public static async Task<(SmtpTlsProtocol? Version, X509Certificate2[] Certificates, bool AnyServerHello)> FetchAsync(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        var flights = await Task.WhenAll(Versions.Select(version => ExchangeAsync(address, port, mode, serverName, heloName, timeout, log, version, sourceAddress, cancellationToken))).ConfigureAwait(false);
        var anyServerHello = flights.Any(f => f?.Answer.Kind == TlsHelloAnswerKind.ServerHello);
        for (var i = 0; i < Versions.Length; i++)
        {
            var flight = flights[i];
            if (flight is not null && flight.Answer.Kind == TlsHelloAnswerKind.ServerHello && flight.Answer.Version == TlsVersions.ToWire(Versions[i]) && flight.Certificates.Length > 0)
            {
                return (Versions[i], flight.Certificates, anyServerHello);
            }
        }

        return (null, Array.Empty<X509Certificate2>(), anyServerHello);
    }

    private static async Task<TlsServerFlight?> ExchangeAsync(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, SmtpTlsProtocol version, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        var prefixed = log is null ? null : new Action<string>(line => log("[" + version + " hello] " + line));
        try
        {
            var (opened, _) = await TlsProbeConnection.OpenAsync(address, port, mode, heloName, timeout, prefixed, sourceAddress, cancellationToken).ConfigureAwait(false);
            using var connection = opened;
            if (connection is null)
            {
                return null;
            }

            connection.Log("C: <TLS ClientHello>");
            var flight = await TlsServerFlight.ExchangeAsync(connection, TlsClientHelloBuilder.Build(version, serverName), cancellationToken).ConfigureAwait(false);
            connection.Log("S: <" + flight.Answer.Describe() + (flight.Certificates.Length > 0 ? ", " + flight.Certificates.Length + " certificate(s)" : string.Empty) + ">");
            return flight;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or SocketException or SmtpProtocolException)
        {
            return null;
        }
    }
}
