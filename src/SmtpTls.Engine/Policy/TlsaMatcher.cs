using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Compares TLSA records with the certificate chain an SMTP server presented, following RFC 7672
/// (SMTP with DANE) and RFC 7671 (DANE operations):
/// <list type="bullet">
/// <item>DANE-EE (usage 3) pins the server's own certificate: only the leaf counts, and neither its
/// names nor its validity dates are checked (RFC 7672 section 3.1.1).</item>
/// <item>DANE-TA (usage 2) pins a CA the server must present: a certificate after the leaf has to
/// match, the leaf has to chain to it by signature, every certificate on that path has to be within
/// its validity, and the leaf has to name the MX host or the domain (RFC 7672 sections 3.1.2, 3.2).</item>
/// <item>PKIX-TA/PKIX-EE (usages 0/1) are not for SMTP (RFC 7672 section 3.1.3): such records are unusable.</item>
/// <item>Selector 0 compares the whole certificate (DER), selector 1 its SubjectPublicKeyInfo (DER);
/// matching type 0 the bytes themselves, 1 their SHA-256, 2 their SHA-512.</item>
/// </list>
/// </summary>
public static class TlsaMatcher
{
    /// <summary>The association data <paramref name="certificate"/> has for a selector and matching type.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="selector"/> is not 0 or 1, or <paramref name="matchingType"/> not 0, 1 or 2.</exception>
    public static byte[] AssociationData(X509Certificate2 certificate, int selector, int matchingType)
    {
        if (certificate is null)
        {
            throw new ArgumentNullException(nameof(certificate));
        }

        var selected = selector switch
        {
            0 => certificate.RawData,
            1 => CertificateFacts.SubjectPublicKeyInfo(certificate),
            _ => throw new ArgumentOutOfRangeException(nameof(selector), selector, "Selector 0 (certificate) or 1 (SubjectPublicKeyInfo)."),
        };

        switch (matchingType)
        {
            case 0:
                return selected;
            case 1:
                using (var sha256 = SHA256.Create())
                {
                    return sha256.ComputeHash(selected);
                }

            case 2:
                using (var sha512 = SHA512.Create())
                {
                    return sha512.ComputeHash(selected);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(matchingType), matchingType, "Matching type 0 (exact), 1 (SHA-256) or 2 (SHA-512).");
        }
    }

    /// <summary>Why <paramref name="record"/> cannot be used for SMTP, in the requested language; null when it can.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static string? UnusableReason(SmtpTlsaRecord record, CultureInfo? culture = null)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        var bytes = record.DataHex.Length / 2;
        return record switch
        {
            { Usage: 0 or 1 } => LocalizedText.Format("Policy.Tlsa.PkixUsage", culture, record.Usage, record.Usage == 0 ? "PKIX-TA" : "PKIX-EE"),
            { Usage: > 3 } => LocalizedText.Format("Policy.Tlsa.UnknownUsage", culture, record.Usage),
            { Selector: > 1 } => LocalizedText.Format("Policy.Tlsa.UnknownSelector", culture, record.Selector),
            { MatchingType: > 2 } => LocalizedText.Format("Policy.Tlsa.UnknownMatchingType", culture, record.MatchingType),
            { MatchingType: 1 } when bytes != 32 => LocalizedText.Format("Policy.Tlsa.DigestLength", culture, "SHA-256", 32, bytes),
            { MatchingType: 2 } when bytes != 64 => LocalizedText.Format("Policy.Tlsa.DigestLength", culture, "SHA-512", 64, bytes),
            { MatchingType: 0 } when bytes == 0 => LocalizedText.Get("Policy.Tlsa.EmptyData", culture),
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="record"/> can be used for SMTP (see <see cref="UnusableReason"/>).</summary>
    public static bool IsUsable(SmtpTlsaRecord record) => UnusableReason(record, CultureInfo.InvariantCulture) is null;

    /// <summary>Compares one record with the chain one endpoint presented.</summary>
    /// <param name="record">The TLSA record.</param>
    /// <param name="presentedChain">The certificates exactly as the server sent them, leaf first; empty when none were presented.</param>
    /// <param name="referenceNames">The names a DANE-TA leaf must carry one of: the MX host name (TLSA base domain) and the next-hop domain.</param>
    /// <param name="now">The time validity is judged at (DANE-TA only).</param>
    /// <param name="culture">Language of <see cref="SmtpTlsaMatch.Detail"/>; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException">An argument is null, or the chain holds a null certificate.</exception>
    public static SmtpTlsaMatch Compare(
        SmtpTlsaRecord record,
        IReadOnlyList<X509Certificate2> presentedChain,
        IReadOnlyList<string> referenceNames,
        DateTimeOffset now,
        CultureInfo? culture = null)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        if (presentedChain is null || presentedChain.Any(c => c is null))
        {
            throw new ArgumentNullException(nameof(presentedChain));
        }

        if (referenceNames is null)
        {
            throw new ArgumentNullException(nameof(referenceNames));
        }

        var match = new SmtpTlsaMatch
        {
            Record = record.ToString(),
            Usage = record.Usage,
            Selector = record.Selector,
            MatchingType = record.MatchingType,
        };

        if (UnusableReason(record, culture) is { } unusable)
        {
            return Set(match, SmtpTlsaMatchResult.Unusable, unusable);
        }

        if (presentedChain.Count == 0)
        {
            return Set(match, SmtpTlsaMatchResult.NotChecked, LocalizedText.Get("Policy.Tlsa.NoCertificate", culture));
        }

        var data = record.GetData();
        var matching = Enumerable.Range(0, presentedChain.Count)
            .Where(i => Same(AssociationData(presentedChain[i], record.Selector, record.MatchingType), data))
            .ToList();

        return record.Usage == 3
            ? CompareEndEntity(match, presentedChain, matching, culture)
            : CompareTrustAnchor(match, presentedChain, matching, referenceNames, now, culture);
    }

    private static SmtpTlsaMatch CompareEndEntity(SmtpTlsaMatch match, IReadOnlyList<X509Certificate2> chain, List<int> matching, CultureInfo? culture)
    {
        if (matching.Contains(0))
        {
            Matched(match, chain, 0);
            return Set(match, SmtpTlsaMatchResult.Match, LocalizedText.Format("Policy.Tlsa.MatchEe", culture, chain[0].Subject));
        }

        if (matching.Count > 0)
        {
            // A common slip: the issuer's hash published with usage 3 instead of 2.
            return Set(match, SmtpTlsaMatchResult.NoMatch, LocalizedText.Format("Policy.Tlsa.EeMatchesCa", culture, chain[matching[0]].Subject, matching[0]));
        }

        return Set(match, SmtpTlsaMatchResult.NoMatch, LocalizedText.Get("Policy.Tlsa.NoMatch", culture));
    }

    private static SmtpTlsaMatch CompareTrustAnchor(
        SmtpTlsaMatch match,
        IReadOnlyList<X509Certificate2> chain,
        List<int> matching,
        IReadOnlyList<string> referenceNames,
        DateTimeOffset now,
        CultureInfo? culture)
    {
        var anchors = matching.Where(i => i > 0).ToList();
        if (anchors.Count == 0)
        {
            // The other common slip: the server's own key published with usage 2 instead of 3.
            var text = matching.Contains(0)
                ? LocalizedText.Get("Policy.Tlsa.TaMatchesLeaf", culture)
                : LocalizedText.Get("Policy.Tlsa.NoMatchTa", culture);
            return Set(match, SmtpTlsaMatchResult.NoMatch, text);
        }

        IReadOnlyList<int>? path = null;
        var anchor = anchors[0];
        foreach (var candidate in anchors)
        {
            path = DaneTrustAnchorPath.Find(chain, candidate);
            if (path is not null)
            {
                anchor = candidate;
                break;
            }
        }

        Matched(match, chain, anchor);
        if (path is null)
        {
            return Set(match, SmtpTlsaMatchResult.ChainInvalid, LocalizedText.Format("Policy.Tlsa.ChainInvalid", culture, chain[anchor].Subject));
        }

        var nowUtc = now.UtcDateTime;
        foreach (var index in path)
        {
            var certificate = chain[index];
            if (certificate.NotBefore.ToUniversalTime() > nowUtc || certificate.NotAfter.ToUniversalTime() < nowUtc)
            {
                return Set(match, SmtpTlsaMatchResult.Expired, LocalizedText.Format("Policy.Tlsa.Expired", culture, certificate.Subject, certificate.NotBefore, certificate.NotAfter));
            }
        }

        var leaf = chain[0];
        var named = referenceNames.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n) && HostnameMatcher.Matches(leaf, n));
        if (named is null)
        {
            return Set(match, SmtpTlsaMatchResult.NameMismatch, LocalizedText.Format("Policy.Tlsa.NameMismatch", culture, chain[anchor].Subject, string.Join(", ", referenceNames)));
        }

        return Set(match, SmtpTlsaMatchResult.Match, LocalizedText.Format("Policy.Tlsa.MatchTa", culture, chain[anchor].Subject, anchor, named));
    }

    private static void Matched(SmtpTlsaMatch match, IReadOnlyList<X509Certificate2> chain, int index)
    {
        match.MatchedDepth = index;
        match.MatchedSubject = chain[index].Subject;
    }

    private static SmtpTlsaMatch Set(SmtpTlsaMatch match, SmtpTlsaMatchResult outcome, string detail)
    {
        match.Outcome = outcome;
        match.Result = outcome.ToString();
        match.Detail = detail;
        return match;
    }

    private static bool Same(byte[] a, byte[] b) => a.Length == b.Length && a.SequenceEqual(b);
}
