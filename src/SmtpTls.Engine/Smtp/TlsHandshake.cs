using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;

namespace SmtpTls.Smtp;

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
    /// <param name="inner">The connection's stream, positioned where the ClientHello goes.</param>
    /// <param name="targetHost">The name sent as SNI (or the address when there is no name).</param>
    /// <param name="abort">Closes the connection when the timeout passes.</param>
    /// <param name="timeout">Bound on the whole handshake.</param>
    /// <param name="cancellationToken">Ends the handshake at once.</param>
    /// <param name="anchors">
    /// The extra trust anchors of the check (null or empty: the system store). On .NET 8+ the chain
    /// SslStream builds inside the handshake is built against them exactly as the certificate analysis
    /// would build it first, and handed on in <see cref="TlsSession.HandshakeChain"/>, so that the
    /// analysis does not build the same chain a second time.
    /// </param>
    public static async Task<TlsSession> AuthenticateAsync(Stream inner, string targetHost, TrustAnchors? anchors, Action abort, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (inner is null)
        {
            throw new ArgumentNullException(nameof(inner));
        }

        X509Certificate2[]? presented = null;
        BuiltChain? handshakeChain = null;
        var policyErrors = SslPolicyErrors.None;
        anchors ??= TrustAnchors.None;

        bool Record(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // The chain object and its certificates belong to SslStream and are disposed after the
            // callback: keep handles of our own now (a duplicate, not a re-parse: parsing costs ~0.1 ms
            // per certificate with OpenSSL 3, duplicating only takes a reference).
            presented = CopyPresentedChain(certificate, chain);
            policyErrors = errors;
#if NET8_0_OR_GREATER
            if (chain is not null && presented.Length > 0)
            {
                handshakeChain = ChainBuilder.FromHandshake(chain, presented, anchors);
            }

            if (chain is not null)
            {
                ReleaseExtraStore(chain, certificate);
            }
#endif
            return true;
        }

        bool? clientCertificateRequested = null;
        var clientCertificateAuthorities = Array.Empty<string>();
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

                        // SslStream builds a chain inside the handshake anyway: give it the policy of the
                        // certificate analysis (offline, the anchors or the system store), so that this one
                        // build serves the verdict too (ChainBuilder.FromHandshake) instead of a second one.
                        CertificateChainPolicy = ChainBuilder.FirstPolicy(anchors, DateTimeOffset.UtcNow),

                        // Called once the server's CertificateRequest has arrived (its certificate is known by
                        // then): records the request and the CA names in it, and presents nothing.
                        LocalCertificateSelectionCallback = (_, _, _, remote, issuers) =>
                        {
                            if (remote is not null)
                            {
                                clientCertificateRequested = true;
                                clientCertificateAuthorities = issuers ?? Array.Empty<string>();
                            }

                            return null!;
                        },
                    };
                    clientCertificateRequested = false;
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
        return new TlsSession(ssl, MapProtocol(ssl.SslProtocol), CipherSuiteOf(ssl), presented ?? Array.Empty<X509Certificate2>(), policyErrors)
        {
            HandshakeChain = handshakeChain,
            ClientCertificateRequested = clientCertificateRequested,
            ClientCertificateAuthorities = clientCertificateAuthorities,
        };
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

    /// <summary>
    /// Disposes the certificates SslStream put into the chain policy's extra store (what the server sent) and
    /// empties it, once they are copied and the chain is built: the policy is this connection's own
    /// (<see cref="ChainBuilder.FirstPolicy"/>), SslStream disposes the chain's elements and its own leaf but
    /// leaves these to the finalizer. A later chain build (a renegotiation) fills the store afresh.
    /// </summary>
    internal static void ReleaseExtraStore(X509Chain chain, X509Certificate? sslStreamLeaf)
    {
        var extra = chain.ChainPolicy.ExtraStore;
        foreach (var certificate in extra)
        {
            if (!ReferenceEquals(certificate, sslStreamLeaf))
            {
                certificate.Dispose();
            }
        }

        extra.Clear();
    }

    internal static X509Certificate2[] CopyPresentedChain(X509Certificate? leaf, X509Chain? chain)
    {
        var result = new List<X509Certificate2>(3);
        if (leaf is not null)
        {
            // X509Certificate2(X509Certificate) duplicates the platform handle of the certificate this
            // connection received; it stays valid after SslStream disposes its own object.
            result.Add(new X509Certificate2(leaf));
        }

        // The intermediates the server sent are in ExtraStore (the leaf too, as the same platform certificate);
        // the built chain may hold store certificates instead. Duplicates are found by handle, else by the
        // bytes of our own copy (which the analysis reads anyway), never by hashing each one.
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                if (CertificateFacts.FindSameInstance(result, extra) is not null)
                {
                    continue;
                }

                var copy = new X509Certificate2(extra);
                if (CertificateFacts.FindSame(result, copy) is null)
                {
                    result.Add(copy);
                }
                else
                {
                    copy.Dispose();
                }
            }
        }

        return result.ToArray();
    }
}
