using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Diagnostics;
using SmtpTls.Localization;

namespace SmtpTls.Certificates;

/// <summary>
/// Turns the chain a server presented into an <see cref="SmtpCertificateInfo"/>: the leaf's facts,
/// the chain built offline against the system store and extra anchors, the host-name verdict and
/// the DANE TLSA data. It inspects and never refuses: a broken certificate is analysed like a good one.
/// </summary>
public static class CertificateAnalyzer
{
    /// <summary>The default warning period for <see cref="SmtpCertificateInfo.ExpiresSoon"/>.</summary>
    public const int DefaultExpiryWarningDays = 30;

    private static readonly X509ChainStatusFlags[] AllFlags = (X509ChainStatusFlags[])Enum.GetValues(typeof(X509ChainStatusFlags));

    /// <summary>Analyses <paramref name="presentedChain"/> as valid at <paramref name="now"/>.</summary>
    /// <param name="presentedChain">The certificates exactly as the server sent them, leaf first.</param>
    /// <param name="expectedName">The host name or IP address the certificate must name; null to skip the check.</param>
    /// <param name="anchors">Extra trusted roots, used in addition to the system store; null means none.</param>
    /// <param name="now">The time of the check (validity, expiry days, chain verification time).</param>
    /// <param name="expiryWarningDays">A certificate expiring within this many days gets <see cref="SmtpCertificateInfo.ExpiresSoon"/>.</param>
    /// <param name="culture">Language of the chain status texts; default: the current UI culture.</param>
    /// <returns>The analysis; <see cref="SmtpCertificateInfo.Server"/> and <see cref="SmtpCertificateInfo.Port"/> are left for the caller to set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="presentedChain"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="presentedChain"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiryWarningDays"/> is negative.</exception>
    public static SmtpCertificateInfo Analyze(
        IReadOnlyList<X509Certificate2> presentedChain,
        string? expectedName,
        TrustAnchors? anchors,
        DateTimeOffset now,
        int expiryWarningDays = DefaultExpiryWarningDays,
        CultureInfo? culture = null) =>
        Analyze(presentedChain, expectedName, anchors, now, expiryWarningDays, culture, firstPass: null);

    /// <summary>As the public overload; <paramref name="firstPass"/> is the chain the TLS handshake built already with the analysis' first policy.</summary>
    internal static SmtpCertificateInfo Analyze(
        IReadOnlyList<X509Certificate2> presentedChain,
        string? expectedName,
        TrustAnchors? anchors,
        DateTimeOffset now,
        int expiryWarningDays,
        CultureInfo? culture,
        BuiltChain? firstPass)
    {
        if (presentedChain is null)
        {
            throw new ArgumentNullException(nameof(presentedChain));
        }

        if (presentedChain.Count == 0)
        {
            throw new ArgumentException("The server presented no certificate.", nameof(presentedChain));
        }

        // Loops rather than LINQ on this path: it runs on every check, and in a fresh session the JIT
        // compiles LINQ's generic code (and its tiers) again for each instantiation.
        for (var i = 0; i < presentedChain.Count; i++)
        {
            if (presentedChain[i] is null)
            {
                throw new ArgumentNullException(nameof(presentedChain), "The presented chain holds a null certificate.");
            }
        }

        if (expiryWarningDays < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expiryWarningDays), expiryWarningDays, "The warning period cannot be negative.");
        }

        anchors ??= TrustAnchors.None;
        culture ??= CultureInfo.CurrentUICulture;
        var leaf = presentedChain[0];
        var (dnsNames, addresses) = CertificateFacts.SubjectAlternativeNames(leaf);
        var commonNames = CertificateFacts.CommonNames(leaf);
        var info = DescribeLeaf(leaf, now, expiryWarningDays, CertificateFields.Of(leaf), dnsNames, addresses, commonNames);

        var presented = new SmtpCertificateChainElement[presentedChain.Count];
        for (var i = 0; i < presented.Length; i++)
        {
            presented[i] = Element(presentedChain[i], "Server");
        }

        info.PresentedChain = presented;

        var chain = ChainBuilder.Build(leaf, presentedChain, anchors, now, firstPass);
        DescribeChain(info, chain, presentedChain, anchors, culture);

        if (!string.IsNullOrWhiteSpace(expectedName))
        {
            info.ServerName = expectedName!.Trim();
            // The names read for the description, not parsed a second time.
            info.HostnameMatch = HostnameMatcher.Matches(dnsNames, addresses, () => commonNames, info.ServerName);
        }

        info.IsValid = info.ChainValid && info.HostnameMatch != false;
        return info;
    }

    private static SmtpCertificateInfo DescribeLeaf(
        X509Certificate2 leaf, DateTimeOffset now, int expiryWarningDays, CertificateFields leafFields, List<string> dnsNames, List<System.Net.IPAddress> addresses, List<string> commonNames)
    {
        var subjectPublicKeyInfo = CertificateFacts.SubjectPublicKeyInfo(leaf);
        var (keyAlgorithm, keySize, curve) = CertificateFacts.Key(leaf, subjectPublicKeyInfo);
        var notAfterUtc = leafFields.NotAfter.ToUniversalTime();
        var notBeforeUtc = leafFields.NotBefore.ToUniversalTime();
        var nowUtc = now.UtcDateTime;
        var tlsa = CertificateFacts.Hex(CertificateFacts.Sha256(subjectPublicKeyInfo), upper: false);

        return new SmtpCertificateInfo
        {
            // Names in a certificate are the server's text too: control characters are shown escaped.
            Subject = VisibleText.Escape(leafFields.Subject)!,
            CommonName = VisibleText.Escape(commonNames.Count > 0 ? commonNames[commonNames.Count - 1] : null),
            DnsNames = EscapedNames(dnsNames),
            IPAddresses = AddressTexts(addresses),
            Issuer = VisibleText.Escape(leafFields.Issuer)!,
            NotBefore = leafFields.NotBefore,
            NotAfter = leafFields.NotAfter,
            DaysUntilExpiry = (int)Math.Floor((notAfterUtc - nowUtc).TotalDays),
            IsExpired = notAfterUtc < nowUtc,
            IsNotYetValid = notBeforeUtc > nowUtc,
            ExpiresSoon = notAfterUtc <= nowUtc.AddDays(expiryWarningDays),
            Thumbprint = leafFields.Thumbprint,
            Sha256Fingerprint = leafFields.Sha256Fingerprint,
            SerialNumber = leaf.SerialNumber.ToUpperInvariant(),
            KeyAlgorithm = keyAlgorithm,
            KeySize = keySize,
            KeyCurve = curve,
            SignatureAlgorithm = CertificateFacts.SignatureAlgorithm(leaf),
            IsSelfSigned = leafFields.IsSelfIssued,
            Certificate = leaf,
            TlsaSha256 = tlsa,
            TlsaRecord = "3 1 1 " + tlsa,
            CheckedAt = now.ToUniversalTime(),
        };
    }

    private static string[] EscapedNames(List<string> names)
    {
        var escaped = new string[names.Count];
        for (var i = 0; i < escaped.Length; i++)
        {
            escaped[i] = VisibleText.Escape(names[i])!;
        }

        return escaped;
    }

    private static string[] AddressTexts(List<System.Net.IPAddress> addresses)
    {
        var texts = new string[addresses.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = addresses[i].ToString();
        }

        return texts;
    }

    private static void DescribeChain(SmtpCertificateInfo info, BuiltChain chain, IReadOnlyList<X509Certificate2> presentedChain, TrustAnchors anchors, CultureInfo culture)
    {
        var statuses = new List<string>();
        var elements = new List<SmtpCertificateChainElement>();
        var last = chain.Elements.Count - 1;
        var lastIsLeafOnly = false;

        // The chain ended without reaching a root: was the missing issuer an intermediate the server
        // should have sent (the chain stops at the end-entity), or an unknown root (it stops at a CA)?
        var end = last >= 0 ? chain.Elements[last] : null;
        if (end is not null && ((chain.Flags | end.Flags) & X509ChainStatusFlags.PartialChain) != 0)
        {
            info.MissingIssuer = VisibleText.Escape(CertificateFields.Of(end.Certificate).Issuer);
            lastIsLeafOnly = !CertificateFields.Of(end.Certificate).IsCertificateAuthority;
            info.IncompleteChain = lastIsLeafOnly;
        }

        for (var i = 0; i < chain.Elements.Count; i++)
        {
            var built = chain.Elements[i];
            var source = CertificateFacts.FindSame(presentedChain, built.Certificate) is not null ? "Server"
                : anchors.Contains(built.Certificate) ? "TrustAnchor"
                : "SystemStore";
            var flags = built.Flags;
            if (i == last)
            {
                flags |= chain.Flags & X509ChainStatusFlags.PartialChain;
            }

            var element = Element(built.Certificate, source);
            var status = Describe(built.Certificate, flags, built.Information, i == last, lastIsLeafOnly, culture);
            element.Status = status;
            elements.Add(element);
            if (status.Length > 0)
            {
                statuses.AddRange(status);
            }

            // An intermediate that only this machine's store supplied: the chain works here, elsewhere it will not.
            if (source == "SystemStore" && !element.IsSelfSigned)
            {
                info.IncompleteChain = true;
                statuses.Add("IncompleteChain: " + LocalizedText.Format("Certificate.Chain.CompletedFromStore", culture, CertificateFields.Of(built.Certificate).Subject));
            }
        }

        // Chain-wide flags no element carries (rare) are still reported, against the leaf.
        var leaf = presentedChain[0];
        var orphan = chain.Flags & ~chain.ElementFlags & ~X509ChainStatusFlags.PartialChain;
        if (orphan != X509ChainStatusFlags.NoError)
        {
            statuses.AddRange(Describe(leaf, orphan, string.Empty, isLast: false, leafOnly: false, culture));
        }

        info.Chain = elements.ToArray();
        info.ChainStatus = statuses.Count == 0 ? Array.Empty<string>() : statuses.Distinct(StringComparer.Ordinal).ToArray();
        info.ChainValid = chain.Valid;
    }

    private static string[] Describe(X509Certificate2 certificate, X509ChainStatusFlags flags, string information, bool isLast, bool leafOnly, CultureInfo culture)
    {
        if (flags == X509ChainStatusFlags.NoError)
        {
            return Array.Empty<string>();
        }

        var texts = new List<string>();

        foreach (var flag in AllFlags)
        {
            if (flag == X509ChainStatusFlags.NoError || (flags & flag) == 0)
            {
                continue;
            }

            var fields = CertificateFields.Of(certificate);
            var subject = fields.Subject;
            var text = flag switch
            {
                X509ChainStatusFlags.NotTimeValid => LocalizedText.Format("Certificate.Chain.NotTimeValid", culture, subject, fields.NotBefore, fields.NotAfter),
                X509ChainStatusFlags.UntrustedRoot => LocalizedText.Format("Certificate.Chain.UntrustedRoot", culture, subject),
                X509ChainStatusFlags.PartialChain when isLast && leafOnly => LocalizedText.Format("Certificate.Chain.IssuerMissing", culture, fields.Issuer, subject),
                X509ChainStatusFlags.PartialChain => LocalizedText.Format("Certificate.Chain.RootMissing", culture, fields.Issuer, subject),
                X509ChainStatusFlags.NotSignatureValid => LocalizedText.Format("Certificate.Chain.NotSignatureValid", culture, subject),
                X509ChainStatusFlags.NotValidForUsage => LocalizedText.Format("Certificate.Chain.NotValidForUsage", culture, subject),
                X509ChainStatusFlags.InvalidBasicConstraints => LocalizedText.Format("Certificate.Chain.InvalidBasicConstraints", culture, subject),
                _ => LocalizedText.Format("Certificate.Chain.Other", culture, subject, string.IsNullOrEmpty(information) ? flag.ToString() : information),
            };
            texts.Add(flag + ": " + text);
        }

        return texts.ToArray();
    }

    private static SmtpCertificateChainElement Element(X509Certificate2 certificate, string source)
    {
        var fields = CertificateFields.Of(certificate);
        return new()
        {
            Subject = VisibleText.Escape(fields.Subject)!,
            Issuer = VisibleText.Escape(fields.Issuer)!,
            NotBefore = fields.NotBefore,
            NotAfter = fields.NotAfter,
            Thumbprint = fields.Thumbprint,
            Sha256Fingerprint = fields.Sha256Fingerprint,
            IsCertificateAuthority = fields.IsCertificateAuthority,
            IsSelfSigned = fields.IsSelfIssued,
            Source = source,
            Certificate = certificate,
        };
    }
}
