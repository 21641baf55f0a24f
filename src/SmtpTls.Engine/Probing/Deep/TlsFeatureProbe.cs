using System;
using System.Linq;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// The TLS features one TLS 1.2 hello reveals in the ServerHello and the cleartext flight: session ids
/// and tickets, secure renegotiation, compression, extended master secret, OCSP stapling, a client
/// certificate request; and, with its own hellos, the DH prime size and TLS_FALLBACK_SCSV.
/// </summary>
internal static class TlsFeatureProbe
{
    private const ushort FallbackScsv = 0x5600;
    private const byte InappropriateFallback = 86;

    /// <summary>Finds resumption, renegotiation, compression, fallback SCSV and the other hello features, into <paramref name="result"/>.</summary>
    public static async Task ReadFeaturesAsync(DeepProbeContext context, SmtpTlsDeepResult result)
    {
        var spec = new TlsHelloSpec(SmtpTlsProtocol.Tls12)
        {
            ServerName = context.ServerName,
            CipherSuites = CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls12),
            StatusRequest = true,
            SessionTicket = true,
            OfferCompression = true,
        };
        var features = context.ExchangeAsync("features", spec);
        var dheSuites = CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls12).Where(c => CipherSuiteCatalog.Find(c) is { KeyExchange: "DHE", Authentication: not "None" }).ToArray();
        // Authenticated DHE only: servers may use other groups for anonymous suites, whose key exchange protects nothing anyway.
        var dhe = context.ExchangeAsync("dh", new TlsHelloSpec(SmtpTlsProtocol.Tls12) { CipherSuites = dheSuites, ServerName = context.ServerName });

        var flight = await features.ConfigureAwait(false);
        var hello = flight.Hello;
        if (hello.Kind == TlsHelloAnswerKind.ServerHello && hello.Version is >= 0x0300 and <= 0x0303)
        {
            result.SessionIdResumption = hello.SessionIdLength > 0;
            result.SessionTickets = hello.Extensions.Contains(0x0023);
            result.SecureRenegotiation = hello.Extensions.Contains(0xff01);
            result.Compression = hello.CompressionMethod != 0;
            result.ExtendedMasterSecret = hello.Extensions.Contains(0x0017);
            result.ClientCertificateRequested = flight.Complete ? flight.CertificateRequested : null;
            if (flight.OcspResponse is { } ocsp)
            {
                result.OcspStaple = OcspStapleReader.Read(ocsp, DateTime.UtcNow);
            }
        }
        else
        {
            context.Note("features: no TLS 1.2 or older handshake (" + hello.Describe() + "); session resumption, renegotiation, compression, extended master secret and stapling were not read.");
        }

        var dheFlight = await dhe.ConfigureAwait(false);
        result.DhParameterBits = dheFlight.DhPrimeBits;
    }

    /// <summary>
    /// Offers the highest accepted version below the server's best with TLS_FALLBACK_SCSV: a server
    /// that knows the signal refuses with inappropriate_fallback (RFC 7507). Null when the server
    /// speaks only one of TLS 1.0-1.3, since no downgrade is possible then.
    /// </summary>
    public static async Task<bool?> FallbackScsvAsync(DeepProbeContext context, SmtpTlsProtocol[] acceptedVersions)
    {
        var versions = acceptedVersions.Where(v => v >= SmtpTlsProtocol.Tls10).OrderByDescending(v => v).ToArray();
        if (versions.Length < 2)
        {
            return null;
        }

        var lower = versions[1];
        var suites = TlsClientHelloBuilder.DefaultSuites(lower).Concat(new[] { FallbackScsv }).ToArray();
        var flight = await context.ExchangeAsync("fallback " + lower, new TlsHelloSpec(lower) { CipherSuites = suites, ServerName = context.ServerName }).ConfigureAwait(false);
        return flight.Hello.Kind switch
        {
            TlsHelloAnswerKind.Alert => flight.Hello.AlertDescription == InappropriateFallback ? true : null,
            TlsHelloAnswerKind.ServerHello => false,
            _ => null,
        };
    }
}
