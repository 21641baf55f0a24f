using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmtpTls.Sending;

/// <summary>
/// Loads the TLS client certificate of a send: a PKCS#12 file (.pfx/.p12, optionally with a
/// password) or a PEM file holding the certificate and its private key (optionally encrypted).
/// Every problem is an <see cref="ArgumentException"/> with a message that says what to fix; the
/// password never appears in one.
/// </summary>
public static class ClientCertificateSource
{
    /// <summary>Loads the certificate and key at <paramref name="path"/>.</summary>
    /// <param name="path">A .pfx/.p12 file, or a PEM file with a CERTIFICATE and a PRIVATE KEY block.</param>
    /// <param name="password">The PKCS#12 password or the PEM key's password; null for none.</param>
    /// <returns>A certificate with its private key.</returns>
    /// <exception cref="ArgumentException">The file is missing, unreadable, in another format, has no key, or the password is wrong.</exception>
    public static X509Certificate2 Load(string path, SecureString? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("A certificate file is required.", nameof(path));
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ArgumentException("The client certificate file '" + path + "' cannot be read: " + ex.Message, nameof(path), ex);
        }

        var certificate = IsPem(content) ? LoadPem(path, content, password) : LoadPkcs12(path, content, password);
        return Checked(certificate, path);
    }

    /// <summary>Checks that a certificate given as an object can be presented: it must carry its private key.</summary>
    /// <exception cref="ArgumentException">It has no private key.</exception>
    public static X509Certificate2 Checked(X509Certificate2 certificate, string? origin = null)
    {
        if (certificate is null)
        {
            throw new ArgumentNullException(nameof(certificate));
        }

        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The client certificate " + (origin is null ? string.Empty : "from '" + origin + "' ") + "(" + certificate.Subject + ") has no private key: a server can only accept a certificate whose key the client proves it holds. Give a PFX, a PEM file with the key, or a certificate from a store with its key.");
        }

        return certificate;
    }

    private static bool IsPem(byte[] content)
    {
        var head = Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 64 * 1024));
        return head.IndexOf("-----BEGIN ", StringComparison.Ordinal) >= 0;
    }

    private static X509Certificate2 LoadPkcs12(string path, byte[] content, SecureString? password)
    {
        try
        {
#if NET8_0_OR_GREATER
            // An ephemeral key never touches a key store; SChannel (Windows) and macOS cannot use one for a client handshake.
            var flags = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;
#else
            // .NET Framework has no ephemeral key sets; the user's key store is its only place for the key.
            var flags = X509KeyStorageFlags.DefaultKeySet;
#endif
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(content, Reveal(password), flags);
#else
            return new X509Certificate2(content, password ?? new SecureString(), flags);
#endif
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException("The client certificate file '" + path + "' is neither PEM nor a PKCS#12 (.pfx) file this password opens: " + ex.Message, nameof(path), ex);
        }
    }

    private static X509Certificate2 LoadPem(string path, byte[] content, SecureString? password)
    {
#if NET8_0_OR_GREATER
        var text = Encoding.ASCII.GetString(content);
        if (text.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) < 0)
        {
            throw new ArgumentException("The PEM file '" + path + "' holds no private key: put the certificate and its key (-----BEGIN PRIVATE KEY-----) in one file, or use a PFX.", nameof(path));
        }

        try
        {
            var encrypted = text.IndexOf("ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal) >= 0;
            if (encrypted && password is null)
            {
                throw new ArgumentException("The private key in '" + path + "' is encrypted: give its password with -ClientCertificatePassword.", nameof(path));
            }

            var certificate = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(text, text, Reveal(password))
                : X509Certificate2.CreateFromPem(text, text);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // SChannel cannot use an ephemeral key from PEM for a client handshake: round-trip it through PKCS#12.
                using (certificate)
                {
                    return new X509Certificate2(certificate.Export(X509ContentType.Pkcs12));
                }
            }

            return certificate;
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException("The PEM file '" + path + "' does not hold a certificate with its matching private key (or the password is wrong): " + ex.Message, nameof(path), ex);
        }
#else
        throw new ArgumentException("A PEM client certificate needs PowerShell 7 (.NET 8 or later); on Windows PowerShell 5.1 convert '" + path + "' to a PFX (openssl pkcs12 -export) or pass an X509Certificate2 from the certificate store.", nameof(path));
#endif
    }

    private static string Reveal(SecureString? password) => password is null ? string.Empty : new System.Net.NetworkCredential(string.Empty, password).Password ?? string.Empty;
}
