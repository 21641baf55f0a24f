using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Tests.Certificates;

/// <summary>
/// Makes small PKIs for the tests with .NET's CertificateRequest: a root, intermediates and leaves
/// with chosen names, keys and validity, so that every chain case is built from known parts.
/// </summary>
internal static class TestPki
{
    /// <summary>The reference time of the tests; certificates are dated relative to it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    // RSA key generation dominates the run time: the default root, intermediate and leaf keys are
    // made once and imported afresh per certificate (an RSA object is not shared between threads).
    private static readonly Lazy<byte[]> RootKey = new(NewRsaKey);
    private static readonly Lazy<byte[]> IntermediateKey = new(NewRsaKey);
    private static readonly Lazy<byte[]> LeafKey = new(NewRsaKey);

    public static X509Certificate2 Root(string name = "CN=SmtpTls Unit Root", AsymmetricAlgorithm? key = null)
    {
        key ??= name == "CN=SmtpTls Unit Root" ? Import(RootKey) : RSA.Create(2048);
        var request = Request("CN=" + Cn(name), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(Now.AddYears(-5), Now.AddYears(10));
    }

    public static X509Certificate2 Intermediate(X509Certificate2 issuer, string name = "CN=SmtpTls Unit Intermediate", AsymmetricAlgorithm? key = null)
    {
        key ??= Import(IntermediateKey);
        var request = Request("CN=" + Cn(name), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return Sign(request, issuer, Now.AddYears(-2), Now.AddYears(5), key);
    }

    public static X509Certificate2 Leaf(
        X509Certificate2 issuer,
        string commonName = "mail.smtptls.test",
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? addresses = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        AsymmetricAlgorithm? key = null,
        bool noSan = false)
    {
        key ??= Import(LeafKey);
        var request = Request("CN=" + commonName + ", O=SmtpTls Tests", key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (!noSan)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames ?? new[] { commonName })
            {
                san.AddDnsName(dns);
            }

            foreach (var address in addresses ?? Array.Empty<IPAddress>())
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return Sign(request, issuer, notBefore ?? Now.AddDays(-10), notAfter ?? Now.AddDays(80), key);
    }

    /// <summary>A self-signed end-entity certificate (no CA flag), as a server's default snake-oil certificate.</summary>
    public static X509Certificate2 SelfSignedLeaf(string commonName = "mail.smtptls.test", IEnumerable<string>? dnsNames = null, bool noSan = false)
    {
        var request = Request("CN=" + commonName, RSA.Create(2048));
        if (!noSan)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames ?? new[] { commonName })
            {
                san.AddDnsName(dns);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(365));
    }

    /// <summary>Root, intermediate and leaf for the usual case.</summary>
    public static (X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf) Chain(string leafName = "mail.smtptls.test")
    {
        var root = Root();
        var intermediate = Intermediate(root);
        var leaf = Leaf(intermediate, leafName);
        return (root, intermediate, leaf);
    }

    private static byte[] NewRsaKey()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKey();
    }

    private static RSA Import(Lazy<byte[]> key)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.Value, out _);
        return rsa;
    }

    private static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        _ => throw new ArgumentException("RSA or ECDSA keys only.", nameof(key)),
    };

    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter, AsymmetricAlgorithm key)
    {
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        // The issuer's own key type decides the signature, so an RSA CA can sign an ECDSA leaf.
        var generator = issuer.GetRSAPrivateKey() is { } issuerRsa
            ? X509SignatureGenerator.CreateForRSA(issuerRsa, RSASignaturePadding.Pkcs1)
            : X509SignatureGenerator.CreateForECDsa(issuer.GetECDsaPrivateKey() ?? throw new ArgumentException("The issuer has no private key.", nameof(issuer)));
        using var signed = request.Create(issuer.SubjectName, generator, notBefore, notAfter, serial);
        X509Certificate2 withKey = key switch
        {
            RSA rsa => signed.CopyWithPrivateKey(rsa),
            ECDsa ec => signed.CopyWithPrivateKey(ec),
            _ => throw new ArgumentException("RSA or ECDSA keys only.", nameof(key)),
        };
        return withKey;
    }

    private static string Cn(string name) => name.StartsWith("CN=", StringComparison.Ordinal) ? name.Substring(3) : name;
}
