using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// The real TLS handshake through <see cref="SslStream"/>. The validation callback accepts every
/// certificate on purpose: the probe must see and report a bad certificate, not just fail. Nothing
/// secret is ever sent over such a connection (only EHLO and QUIT).
/// </summary>
internal static class TlsHandshake
{
    /// <summary>Performs the client handshake on <paramref name="inner"/>; the SslStream takes ownership of it.</summary>
    /// <exception cref="AuthenticationException">The handshake failed.</exception>
    /// <exception cref="IOException">The connection broke during the handshake.</exception>
    /// <exception cref="TimeoutException">The handshake did not finish within <paramref name="timeout"/>.</exception>
    public static async Task<TlsSession> AuthenticateAsync(Stream inner, string targetHost, Action abort, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (inner is null)
        {
            throw new ArgumentNullException(nameof(inner));
        }

        X509Certificate2[]? presented = null;
        var policyErrors = SslPolicyErrors.None;

        bool Record(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // The chain object belongs to SslStream and is reset after the callback: copy the raw bytes now.
            presented = CopyPresentedChain(certificate, chain);
            policyErrors = errors;
            return true;
        }

        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, Record);
        try
        {
            await SmtpConnection.RunBoundedAsync(
                async token =>
                {
#if NET8_0_OR_GREATER
                    var options = new SslClientAuthenticationOptions
                    {
                        TargetHost = targetHost,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

                        // A resumed session carries no certificate and .NET would report the cached
                        // one: every probe must see the certificate this connection presents.
                        AllowTlsResume = false,

                        // The verdict comes from the certificate analysis, not from SslStream's own chain
                        // build: an offline policy without the system store keeps that build cheap (it
                        // still fills ExtraStore with what the server sent) and never downloads anything.
                        CertificateChainPolicy = new X509ChainPolicy
                        {
                            TrustMode = X509ChainTrustMode.CustomRootTrust,
                            RevocationMode = X509RevocationMode.NoCheck,
                            DisableCertificateDownloads = true,
                        },
                    };
                    await ssl.AuthenticateAsClientAsync(options, token).ConfigureAwait(false);
#else
                    await ssl.AuthenticateAsClientAsync(targetHost, null, SslProtocols.None, checkCertificateRevocation: false).ConfigureAwait(false);
#endif
                    return true;
                },
                abort,
                timeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ssl.Dispose();
            throw;
        }

        // Without the callback having run, SChannel may have resumed a cached session (netstandard2.0):
        // then no certificate was presented on this connection and none is reported.
        return new TlsSession(ssl, MapProtocol(ssl.SslProtocol), CipherSuiteOf(ssl), presented ?? Array.Empty<X509Certificate2>(), policyErrors);
    }

    internal static SmtpTlsProtocol? MapProtocol(SslProtocols protocol) => (int)protocol switch
    {
        48 => SmtpTlsProtocol.Ssl3,
        192 => SmtpTlsProtocol.Tls10,
        768 => SmtpTlsProtocol.Tls11,
        3072 => SmtpTlsProtocol.Tls12,
        12288 => SmtpTlsProtocol.Tls13,
        _ => null,
    };

    private static string? CipherSuiteOf(SslStream ssl)
    {
#if NET8_0_OR_GREATER
        try
        {
            return ssl.NegotiatedCipherSuite.ToString();
        }
        catch (NotSupportedException)
        {
            return null;
        }
#else
        // .NET Framework exposes only the algorithms, not the suite's name.
        var parts = new[] { ssl.KeyExchangeAlgorithm.ToString(), ssl.CipherAlgorithm + "-" + ssl.CipherStrength, ssl.HashAlgorithm.ToString() };
        return string.Join("/", parts.Where(p => p != "None"));
#endif
    }

    private static X509Certificate2[] CopyPresentedChain(X509Certificate? leaf, X509Chain? chain)
    {
        var result = new List<X509Certificate2>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (leaf is not null)
        {
            var copy = new X509Certificate2(leaf.GetRawCertData());
            result.Add(copy);
            seen.Add(copy.Thumbprint);
        }

        // The intermediates the server sent are in ExtraStore; the built chain may hold store certificates instead.
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                var copy = new X509Certificate2(extra.RawData);
                if (seen.Add(copy.Thumbprint))
                {
                    result.Add(copy);
                }
            }
        }

        return result.ToArray();
    }
}
