using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpTls.Certificates;

/// <summary>
/// Reads and writes certificates in PEM (RFC 7468 <c>CERTIFICATE</c> blocks), the form mail servers,
/// openssl and Postfix use. Parsed by hand rather than with <c>X509Certificate2.CreateFromPem</c> so
/// that PowerShell 7 and Windows PowerShell 5.1 (netstandard2.0, which lacks it) share one tested path.
/// </summary>
public static class CertificatePem
{
    // Tolerant of CRLF, indentation and text between blocks (openssl's "subject=" headers in bundles).
    private static readonly Regex Block = new(
        @"-----BEGIN (?<label>(X509 )?CERTIFICATE)-----(?<body>[A-Za-z0-9+/=\s]*?)-----END \k<label>-----",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Whether <paramref name="text"/> holds at least one PEM certificate block.</summary>
    public static bool ContainsCertificate(string? text) => text is not null && text.IndexOf("-----BEGIN ", StringComparison.Ordinal) >= 0 && Block.IsMatch(text);

    /// <summary>Reads every <c>CERTIFICATE</c> block of <paramref name="text"/> in order; other blocks (keys, CRLs) are ignored.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">A block's base64 is broken.</exception>
    /// <exception cref="CryptographicException">A block decodes but is not a certificate.</exception>
    public static IReadOnlyList<X509Certificate2> ReadAll(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var result = new List<X509Certificate2>();
        foreach (Match match in Block.Matches(text))
        {
            var base64 = Regex.Replace(match.Groups["body"].Value, @"\s+", string.Empty);
            var der = Convert.FromBase64String(base64);
            result.Add(FromDer(der));
        }

        return result;
    }

    /// <summary>Writes <paramref name="certificates"/> as consecutive PEM blocks (64-character lines, LF endings, as openssl writes them).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificates"/> or one of its items is null.</exception>
    public static string Write(IEnumerable<X509Certificate2> certificates)
    {
        if (certificates is null)
        {
            throw new ArgumentNullException(nameof(certificates));
        }

        var builder = new StringBuilder();
        foreach (var certificate in certificates)
        {
            if (certificate is null)
            {
                throw new ArgumentNullException(nameof(certificates), "The list holds a null certificate.");
            }

            var base64 = Convert.ToBase64String(certificate.RawData);
            builder.Append("-----BEGIN CERTIFICATE-----\n");
            for (var i = 0; i < base64.Length; i += 64)
            {
                builder.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            }

            builder.Append("-----END CERTIFICATE-----\n");
        }

        return builder.ToString();
    }

    /// <summary>Loads one DER certificate; refuses data that does not start like DER (the byte[] constructor would otherwise also guess at PEM text).</summary>
    internal static X509Certificate2 FromDer(byte[] der)
    {
        if (der.Length < 2 || der[0] != 0x30)
        {
            throw new CryptographicException("The data is not a DER-encoded certificate.");
        }

        return new X509Certificate2(der);
    }
}
