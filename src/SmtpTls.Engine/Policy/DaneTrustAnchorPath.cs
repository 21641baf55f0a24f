using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcCertificateParser = Org.BouncyCastle.X509.X509CertificateParser;

namespace SmtpTls.Policy;

/// <summary>
/// For DANE-TA (usage 2) records: finds the path from the leaf to the matched trust anchor through
/// the certificates the server presented, verifying each signature. RFC 7671 section 5.2.2 lets a
/// client rely on the server's chain alone; no system store or download takes part.
/// </summary>
/// <remarks>
/// Signatures are verified with BouncyCastle (already carried by the engine through MimeKit) so that
/// netstandard2.0 and net8.0 take the same path. Presented order is not trusted: issuers are found
/// by name and signature, as TLS 1.3 allows certificates in any order after the leaf.
/// </remarks>
internal static class DaneTrustAnchorPath
{
    /// <summary>The positions (in <paramref name="presented"/>) from the leaf (0) to <paramref name="anchorIndex"/>, or null when the leaf does not chain to it.</summary>
    public static IReadOnlyList<int>? Find(IReadOnlyList<X509Certificate2> presented, int anchorIndex)
    {
        if (anchorIndex <= 0 || anchorIndex >= presented.Count)
        {
            return null;
        }

        var parsed = new BcCertificate?[presented.Count];
        BcCertificate? Parsed(int i)
        {
            if (parsed[i] is null)
            {
                try
                {
                    parsed[i] = new BcCertificateParser().ReadCertificate(presented[i].RawData);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A certificate BouncyCastle cannot read cannot be part of a verified path.
                    return null;
                }
            }

            return parsed[i];
        }

        var path = new List<int> { 0 };
        var visited = new HashSet<int> { 0 };
        return Walk(0) ? path : null;

        bool Walk(int current)
        {
            if (current == anchorIndex)
            {
                return true;
            }

            var child = Parsed(current);
            if (child is null)
            {
                return false;
            }

            // The anchor first: when it issued the current certificate, no longer path is needed.
            var candidates = Enumerable.Range(0, presented.Count)
                .Where(j => !visited.Contains(j) && SameName(presented[j].SubjectName.RawData, presented[current].IssuerName.RawData))
                .OrderBy(j => j == anchorIndex ? 0 : 1);
            foreach (var j in candidates)
            {
                var issuer = Parsed(j);
                if (issuer is null || !SignedBy(child, issuer))
                {
                    continue;
                }

                visited.Add(j);
                path.Add(j);
                if (Walk(j))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }

            return false;
        }
    }

    private static bool SignedBy(BcCertificate child, BcCertificate issuer)
    {
        try
        {
            return child.IsSignatureValid(issuer.GetPublicKey());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unsupported algorithms or malformed keys: not a verified link.
            return false;
        }
    }

    private static bool SameName(byte[] a, byte[] b) => a.Length == b.Length && a.SequenceEqual(b);
}
