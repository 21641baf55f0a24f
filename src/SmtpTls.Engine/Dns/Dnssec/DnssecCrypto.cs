using System;
using System.Linq;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// The signature and digest algorithms of DNSSEC: RSA (RFC 3110, RFC 5702), ECDSA P-256/P-384 (RFC 6605),
/// Ed25519 (RFC 8080); DS digests SHA-1, SHA-256 and SHA-384 (RFC 4509, RFC 6605).
/// </summary>
/// <remarks>
/// RSA goes through System.Security.Cryptography (the platform's implementation, fast), ECDSA and
/// Ed25519 through BouncyCastle, which the engine already carries through MimeKit, so that the
/// netstandard2.0 and net8.0 builds verify the same way. Which algorithms a validator must support:
/// RFC 8624 section 3.1; the historic RSA/MD5, DSA and the GOST algorithms are not supported, and
/// a zone signed only with them counts as unsigned (RFC 4035 section 5.2).
/// </remarks>
internal static class DnssecCrypto
{
    /// <summary>Whether signatures of <paramref name="algorithm"/> can be verified here.</summary>
    public static bool SupportsAlgorithm(byte algorithm) => algorithm is 5 or 7 or 8 or 10 or 13 or 14 or 15;

    /// <summary>Whether DS digests of <paramref name="digestType"/> can be computed here.</summary>
    public static bool SupportsDigest(byte digestType) => digestType is 1 or 2 or 4;

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> with the key; false for a bad key or signature.</summary>
    public static bool Verify(byte algorithm, byte[] publicKey, byte[] data, byte[] signature)
    {
        try
        {
            return algorithm switch
            {
                5 or 7 => VerifyRsa(publicKey, data, signature, HashAlgorithmName.SHA1),
                8 => VerifyRsa(publicKey, data, signature, HashAlgorithmName.SHA256),
                10 => VerifyRsa(publicKey, data, signature, HashAlgorithmName.SHA512),
                13 => VerifyEcdsa(publicKey, data, signature, "P-256", 32),
                14 => VerifyEcdsa(publicKey, data, signature, "P-384", 48),
                15 => VerifyEd25519(publicKey, data, signature),
                _ => false,
            };
        }
        catch (Exception ex) when (ex is CryptographicException || ex is ArgumentException || ex is FormatException || ex is InvalidOperationException || ex is ArithmeticException)
        {
            // A key or signature that does not even parse verifies nothing.
            return false;
        }
    }

    /// <summary>The DS digest of a DNSKEY: digest(owner name in canonical form | DNSKEY RDATA) (RFC 4034 section 5.1.4); null for an unknown digest type.</summary>
    public static byte[]? DsDigest(byte digestType, WireName owner, byte[] dnskeyRdata)
    {
        var input = owner.ToWire(canonical: true).Concat(dnskeyRdata).ToArray();
        using HashAlgorithm? hash = digestType switch
        {
            1 => SHA1.Create(),
            2 => SHA256.Create(),
            4 => SHA384.Create(),
            _ => null,
        };
        return hash?.ComputeHash(input);
    }

    private static bool VerifyRsa(byte[] key, byte[] data, byte[] signature, HashAlgorithmName hash)
    {
        // RFC 3110 section 2: exponent length (1 byte, or 0 and then 2 bytes), exponent, modulus.
        if (key.Length < 3)
        {
            return false;
        }

        int exponentLength = key[0], offset = 1;
        if (exponentLength == 0)
        {
            exponentLength = (key[1] << 8) | key[2];
            offset = 3;
        }

        if (exponentLength == 0 || offset + exponentLength >= key.Length)
        {
            return false;
        }

        var exponent = key.Skip(offset).Take(exponentLength).ToArray();
        var modulus = key.Skip(offset + exponentLength).SkipWhile(b => b == 0).ToArray();

        // RFC 3110 bounds the modulus at 4096 bits; larger keys only cost time.
        if (modulus.Length < 64 || modulus.Length > 512)
        {
            return false;
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Exponent = exponent, Modulus = modulus });
        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }

    private static bool VerifyEcdsa(byte[] key, byte[] data, byte[] signature, string curveName, int size)
    {
        if (key.Length != 2 * size || signature.Length != 2 * size)
        {
            return false;
        }

        var curve = NistNamedCurves.GetByName(curveName);
        var domain = new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
        var point = curve.Curve.CreatePoint(new BigInteger(1, key, 0, size), new BigInteger(1, key, size, size));
        var signer = new ECDsaSigner();
        signer.Init(false, new ECPublicKeyParameters(point, domain));
        byte[] digest;
        using (HashAlgorithm hash = size == 32 ? SHA256.Create() : SHA384.Create())
        {
            digest = hash.ComputeHash(data);
        }

        return signer.VerifySignature(digest, new BigInteger(1, signature, 0, size), new BigInteger(1, signature, size, size));
    }

    private static bool VerifyEd25519(byte[] key, byte[] data, byte[] signature)
    {
        if (key.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != Ed25519PublicKeyParameters.KeySize * 2)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(key, 0));
        verifier.BlockUpdate(data, 0, data.Length);
        return verifier.VerifySignature(signature);
    }
}
