using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Certificates;

/// <summary>
/// Builds the chain of a presented leaf offline: from what the server sent, the extra trust anchors
/// and the system store, with revocation checks off and no certificate downloads (AIA), so that a
/// check contacts nothing but the mail server itself.
/// </summary>
/// <remarks>
/// Extra anchors count in addition to the system store, like <c>openssl -CAfile</c>. On .NET 8+ the
/// chain is built with <c>X509ChainTrustMode.CustomRootTrust</c> over the anchors and, when that
/// does not validate, again with the system store; the better of the two is kept. netstandard2.0
/// (Windows PowerShell 5.1) has no custom trust mode: there the anchors go into the extra store and an
/// "untrusted root" that is one of the anchors is accepted (<see cref="BuildWithExtraStore"/>).
/// </remarks>
internal static class ChainBuilder
{
    /// <summary>Builds the chain of <paramref name="leaf"/> as valid at <paramref name="now"/>.</summary>
    /// <param name="leaf">The certificate whose chain is built.</param>
    /// <param name="presentedChain">What the server sent, leaf first (the intermediates serve as extra store).</param>
    /// <param name="anchors">Extra trusted roots.</param>
    /// <param name="now">The verification time.</param>
    /// <param name="firstPass">
    /// The first build, when it was made already (inside the TLS handshake, see FromHandshake):
    /// with the same policy, so it is used instead of building it again.
    /// </param>
    public static BuiltChain Build(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, DateTimeOffset now, BuiltChain? firstPass = null)
    {
#if NET8_0_OR_GREATER
        if (anchors.IsEmpty)
        {
            return firstPass ?? BuildSystem(leaf, presentedChain, now);
        }

        var custom = firstPass ?? BuildCustomRoot(leaf, presentedChain, anchors, now);
        if (custom.Valid)
        {
            return custom;
        }

        var system = BuildSystem(leaf, presentedChain, now);
        if (system.Valid)
        {
            return system;
        }

        // Neither validates (e.g. expired): report the build that got as far as a root, preferring the anchors.
        return system.EndsInSelfIssued && !custom.EndsInSelfIssued ? system : custom;
#else
        return BuildWithExtraStore(leaf, presentedChain, anchors, now);
#endif
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// The policy of the first build of <see cref="Build"/>: the anchors as the only roots when there
    /// are any, else the system store; offline. Given to SslStream, whose chain build inside the
    /// handshake then serves as that first build.
    /// </summary>
    public static X509ChainPolicy FirstPolicy(TrustAnchors anchors, DateTimeOffset now)
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationFlags = X509VerificationFlags.NoFlag,
            VerificationTime = now.LocalDateTime,
            DisableCertificateDownloads = true,
        };
        if (!anchors.IsEmpty)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(anchors.ToCollection());
        }

        return policy;
    }

    /// <summary>
    /// Takes over the chain SslStream built in the handshake with <see cref="FirstPolicy"/>, or null when
    /// it differs from what <see cref="Build"/> would have built: SslStream also asks for the
    /// server-authentication key usage, which the analysis does not require, so a chain that fails
    /// only that check is built again without it.
    /// </summary>
    public static BuiltChain? FromHandshake(X509Chain chain, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors)
    {
        if (chain.ChainElements.Count == 0)
        {
            return null;
        }

        var built = Collect(chain, presentedChain, anchors, acceptAnchorRoot: false);
        if (((built.Flags | built.ElementFlags) & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return null;
        }

        return built;
    }

    private static BuiltChain BuildCustomRoot(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, DateTimeOffset now)
    {
        using var chain = NewChain(presentedChain, now);
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToCollection());
        chain.Build(leaf);
        return CollectAndRelease(chain, presentedChain, anchors, acceptAnchorRoot: false);
    }

    private static BuiltChain BuildSystem(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> presentedChain, DateTimeOffset now)
    {
        using var chain = NewChain(presentedChain, now);
        chain.Build(leaf);
        return CollectAndRelease(chain, presentedChain, TrustAnchors.None, acceptAnchorRoot: false);
    }
#endif

    /// <summary>
    /// The netstandard2.0 way: anchors in the extra store, system trust, and an untrusted root that is
    /// one of the anchors accepted. Compiled on every target so that the tests exercise it on .NET 10 too.
    /// </summary>
    internal static BuiltChain BuildWithExtraStore(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, DateTimeOffset now)
    {
        using var chain = NewChain(presentedChain, now);
        chain.ChainPolicy.ExtraStore.AddRange(anchors.ToCollection());
        chain.Build(leaf);
        return CollectAndRelease(chain, presentedChain, anchors, acceptAnchorRoot: true);
    }

    private static X509Chain NewChain(IReadOnlyList<X509Certificate2> presentedChain, DateTimeOffset now)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationFlags = X509VerificationFlags.NoFlag;
        policy.VerificationTime = now.LocalDateTime;
        for (var i = 1; i < presentedChain.Count; i++)
        {
            policy.ExtraStore.Add(presentedChain[i]);
        }

#if NET8_0_OR_GREATER
        policy.DisableCertificateDownloads = true;
#else
        // .NET Framework has no switch for AIA downloads; when this build runs on a newer runtime the
        // property exists and is used. Otherwise the shortest retrieval timeout limits what Windows fetches.
        var disable = typeof(X509ChainPolicy).GetProperty("DisableCertificateDownloads");
        if (disable is not null && disable.CanWrite)
        {
            disable.SetValue(policy, true);
        }
        else
        {
            policy.UrlRetrievalTimeout = TimeSpan.FromMilliseconds(1);
        }
#endif
        return chain;
    }

    /// <summary>
    /// Collects a chain this class built and disposes its element certificates, which X509Chain.Dispose
    /// leaves to the finalizer (Collect keeps none of them: it keeps the presented or anchor instance, or a copy).
    /// </summary>
    private static BuiltChain CollectAndRelease(X509Chain chain, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, bool acceptAnchorRoot)
    {
        try
        {
            return Collect(chain, presentedChain, anchors, acceptAnchorRoot);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// The presented certificate that a chain element is, else the anchor, else null: first by instance or
    /// handle, so that the element's own DER (a native fetch per element object) is read only when neither
    /// list holds a copy of it. An anchor found by handle is still checked against the presented chain by the
    /// bytes both already hold, so a root that the server sent too is the presented instance, as before.
    /// </summary>
    private static X509Certificate2? Known(X509Certificate2 element, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors)
    {
        if (CertificateFacts.FindSameInstance(presentedChain, element) is { } presented)
        {
            return presented;
        }

        if (CertificateFacts.FindSameInstance(anchors.Certificates, element) is { } anchor)
        {
            return CertificateFacts.FindSame(presentedChain, anchor) ?? anchor;
        }

        return CertificateFacts.FindSame(presentedChain, element) ?? CertificateFacts.FindSame(anchors.Certificates, element);
    }

    private static BuiltChain Collect(X509Chain chain, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, bool acceptAnchorRoot)
    {
        var elements = new List<BuiltChainElement>();
        foreach (var element in chain.ChainElements)
        {
            // Loops, not LINQ (Aggregate, Select/Where/Join): this runs for every certificate of every check.
            var flags = X509ChainStatusFlags.NoError;
            var information = string.Empty;
            foreach (var status in element.ChainElementStatus)
            {
                flags |= status.Status;
                var text = status.StatusInformation?.Trim();
                if (!string.IsNullOrEmpty(text))
                {
                    information = information.Length == 0 ? text! : information + " " + text;
                }
            }

            // The chain owns (and on reset disposes) its element certificates: keep our own instances
            // (a duplicated handle for a store certificate; parsing the bytes again would cost far more).
            var certificate = Known(element.Certificate, presentedChain, anchors) ?? new X509Certificate2(element.Certificate);
            elements.Add(new BuiltChainElement(certificate, flags, information));
        }

        var overall = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            overall |= status.Status;
        }
        if (acceptAnchorRoot && elements.Count > 0 && anchors.Contains(elements[elements.Count - 1].Certificate))
        {
            elements[elements.Count - 1].Flags &= ~X509ChainStatusFlags.UntrustedRoot;
            overall &= ~X509ChainStatusFlags.UntrustedRoot;
        }

        return new BuiltChain(elements, overall);
    }
}
