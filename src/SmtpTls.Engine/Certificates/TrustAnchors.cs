using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Localization;

namespace SmtpTls.Certificates;

/// <summary>
/// Extra root certificates (a private CA) trusted in addition to the system store, like
/// <c>openssl -CAfile</c>/<c>-CApath</c>: a chain is valid when it reaches either a system root or one
/// of these. Loaded from a PEM file (one or many certificates), a DER file, or a folder of
/// <c>.pem</c>/<c>.crt</c>/<c>.cer</c> files. Immutable.
/// </summary>
public sealed class TrustAnchors
{
    private static readonly string[] FolderExtensions = { ".pem", ".crt", ".cer" };

    private readonly X509Certificate2[] _certificates;

    private TrustAnchors(X509Certificate2[] certificates, string? source)
    {
        _certificates = certificates;
        Source = source;
    }

    /// <summary>No extra anchors: only the system store is trusted.</summary>
    public static TrustAnchors None { get; } = new(Array.Empty<X509Certificate2>(), null);

    /// <summary>The anchors, without duplicates, in the order they were read.</summary>
    public IReadOnlyList<X509Certificate2> Certificates => _certificates;

    /// <summary>How many anchors there are.</summary>
    public int Count => _certificates.Length;

    /// <summary>Whether there are none (then only the system store counts).</summary>
    public bool IsEmpty => _certificates.Length == 0;

    /// <summary>The full path the anchors were loaded from; null for <see cref="None"/> and <see cref="FromCertificates"/>.</summary>
    public string? Source { get; }

    /// <summary>Loads anchors from a PEM or DER file, or from every .pem/.crt/.cer file of a folder (not recursive).</summary>
    /// <param name="path">A file or folder path (relative paths resolve against the process's current directory).</param>
    /// <param name="culture">Language of the error messages; default: the current UI culture.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">Neither a file nor a folder exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A file holds no readable certificate, or a folder holds no certificate file.</exception>
    public static TrustAnchors Load(string path, CultureInfo? culture = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException(LocalizedText.Get("Certificate.TrustAnchors.PathRequired", culture), nameof(path));
        }

        var full = Path.GetFullPath(path);
        var certificates = new List<X509Certificate2>();
        if (Directory.Exists(full))
        {
            var files = Directory.EnumerateFiles(full)
                .Where(f => FolderExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new InvalidDataException(LocalizedText.Format("Certificate.TrustAnchors.EmptyFolder", culture, full));
            }

            foreach (var file in files)
            {
                certificates.AddRange(ReadFile(file, culture));
            }
        }
        else if (File.Exists(full))
        {
            certificates.AddRange(ReadFile(full, culture));
        }
        else
        {
            throw new FileNotFoundException(LocalizedText.Format("Certificate.TrustAnchors.NotFound", culture, full), full);
        }

        return new TrustAnchors(Distinct(certificates), full);
    }

    /// <summary>Wraps certificates already in memory (e.g. from a certificate store).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificates"/> or one of its items is null.</exception>
    public static TrustAnchors FromCertificates(IEnumerable<X509Certificate2>? certificates)
    {
        if (certificates is null)
        {
            throw new ArgumentNullException(nameof(certificates));
        }

        var list = new List<X509Certificate2>();
        foreach (var certificate in certificates)
        {
            list.Add(certificate ?? throw new ArgumentNullException(nameof(certificates), "The list holds a null certificate."));
        }

        return list.Count == 0 ? None : new TrustAnchors(Distinct(list), null);
    }

    /// <summary>Whether <paramref name="certificate"/> is one of the anchors (same DER bytes).</summary>
    public bool Contains(X509Certificate2? certificate) =>
        certificate is not null && CertificateFacts.FindSame(_certificates, certificate) is not null;

    /// <summary>A new collection holding the anchors, for APIs that take one (X509ChainPolicy, probe options).</summary>
    public X509Certificate2Collection ToCollection() => new(_certificates);

    private static IEnumerable<X509Certificate2> ReadFile(string file, CultureInfo? culture)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidDataException(LocalizedText.Format("Certificate.TrustAnchors.Unreadable", culture, file, ex.Message), ex);
        }

        // PEM is text (also UTF-16 with a byte order mark, as Windows editors save it); anything
        // else is tried as one DER certificate (.cer files exported from Windows usually are).
        string text;
        using (var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            text = reader.ReadToEnd();
        }

        try
        {
            if (text.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0)
            {
                var certificates = CertificatePem.ReadAll(text);
                if (certificates.Count > 0)
                {
                    return certificates;
                }
            }
            else if (bytes.Length > 0 && bytes[0] == 0x30)
            {
                return new[] { CertificatePem.FromDer(bytes) };
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new InvalidDataException(LocalizedText.Format("Certificate.TrustAnchors.Invalid", culture, file, ex.Message), ex);
        }

        throw new InvalidDataException(LocalizedText.Format("Certificate.TrustAnchors.NoCertificate", culture, file));
    }

    private static X509Certificate2[] Distinct(IEnumerable<X509Certificate2> certificates)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return certificates.Where(c => seen.Add(CertificateFacts.Sha256Hex(c))).ToArray();
    }
}
