using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
#if NET8_0_OR_GREATER
using System.Formats.Asn1;
#endif

namespace SmtpTls.Certificates;

/// <summary>
/// Reads the facts of one certificate that <see cref="X509Certificate2"/> does not expose uniformly
/// across .NET Framework, .NET 8 and the platforms (subject alternative names, key parameters, key
/// identifiers). The ASN.1 is parsed with BouncyCastle, which the engine already carries through
/// MimeKit, so Windows PowerShell 5.1 and PowerShell 7 read the same values on every OS.
/// </summary>
/// <remarks>
/// On .NET 8+ the shapes nearly every certificate has (DNS names and addresses, plain CN values, RSA keys and
/// the named NIST curves, a key identifier alone) are read with the runtime's own DER reader first: it is
/// already warm from the TLS handshake, where BouncyCastle's parser would be compiled and run again for every
/// check. Anything else (BER, other name forms, unusual strings or keys, malformed data) goes to BouncyCastle as
/// before, so the values and the failures stay exactly those of BouncyCastle.
/// </remarks>
internal static class CertificateFacts
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string AuthorityKeyIdentifierOid = "2.5.29.35";
    private const string SubjectKeyIdentifierOid = "2.5.29.14";

    private static readonly Dictionary<string, string> KeyAlgorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.1"] = "RSA",
        ["1.2.840.113549.1.1.10"] = "RSASSA-PSS",
        ["1.2.840.10045.2.1"] = "ECDSA",
        ["1.3.101.112"] = "Ed25519",
        ["1.3.101.113"] = "Ed448",
        ["1.2.840.10040.4.1"] = "DSA",
    };

    // Windows' friendly names, so that scripts see the same text on every platform
    // (.NET on Linux has no friendly name for some of these OIDs).
    private static readonly Dictionary<string, string> SignatureAlgorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.4"] = "md5RSA",
        ["1.2.840.113549.1.1.5"] = "sha1RSA",
        ["1.2.840.113549.1.1.10"] = "RSASSA-PSS",
        ["1.2.840.113549.1.1.11"] = "sha256RSA",
        ["1.2.840.113549.1.1.12"] = "sha384RSA",
        ["1.2.840.113549.1.1.13"] = "sha512RSA",
        ["1.2.840.113549.1.1.14"] = "sha224RSA",
        ["1.2.840.10045.4.1"] = "sha1ECDSA",
        ["1.2.840.10045.4.3.1"] = "sha224ECDSA",
        ["1.2.840.10045.4.3.2"] = "sha256ECDSA",
        ["1.2.840.10045.4.3.3"] = "sha384ECDSA",
        ["1.2.840.10045.4.3.4"] = "sha512ECDSA",
        ["1.3.101.112"] = "Ed25519",
        ["1.3.101.113"] = "Ed448",
        ["1.2.840.10040.4.3"] = "sha1DSA",
        ["2.16.840.1.101.3.4.3.2"] = "sha256DSA",
    };

    private static readonly Dictionary<string, string> CurveNames = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = "P-256",
        ["1.3.132.0.34"] = "P-384",
        ["1.3.132.0.35"] = "P-521",
    };

    /// <summary>Lower-case hex of SHA-256 over the certificate's DER.</summary>
    public static string Sha256Hex(X509Certificate2 certificate) => Hex(Sha256Of(certificate), upper: false);

    /// <summary>SHA-256 over the certificate's DER, without copying it first where the runtime allows.</summary>
    public static byte[] Sha256Of(X509Certificate2 certificate)
    {
#if NET8_0_OR_GREATER
        return SHA256.HashData(certificate.RawDataMemory.Span);
#else
        return Sha256(certificate.RawData);
#endif
    }

    /// <summary>The SHA-256 hash of <paramref name="data"/>.</summary>
    public static byte[] Sha256(byte[] data)
    {
#if NET8_0_OR_GREATER
        return SHA256.HashData(data);
#else
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
#endif
    }

    /// <summary>The bytes as hex digits, without separators.</summary>
    public static string Hex(byte[] data, bool upper)
    {
        // One char array, no per-byte string (this runs for every certificate of every check).
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        var chars = new char[data.Length * 2];
        for (var i = 0; i < data.Length; i++)
        {
            chars[2 * i] = digits[data[i] >> 4];
            chars[(2 * i) + 1] = digits[data[i] & 0xF];
        }

        return new string(chars);
    }

    /// <summary>Whether both hold the same DER bytes.</summary>
    /// <remarks>
    /// Reference equality first: the chain code hands the same instances around; then the platform handle.
    /// On .NET 8+ the bytes are compared in place (RawData returns a fresh copy on every call, two per comparison).
    /// </remarks>
    public static bool SameCertificate(X509Certificate2 a, X509Certificate2 b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        // Copies of one certificate (X509Certificate2(X509Certificate), a chain's elements, SslStream's
        // objects) share the platform's certificate: then its bytes need not be fetched and compared.
        var handle = a.Handle;
        if (handle != IntPtr.Zero && handle == b.Handle)
        {
            return true;
        }

#if NET8_0_OR_GREATER
        return a.RawDataMemory.Span.SequenceEqual(b.RawDataMemory.Span);
#else
        return Same(a.RawData, b.RawData);
#endif
    }

    /// <summary>The first certificate of <paramref name="list"/> that is <paramref name="certificate"/> (same DER), or null.</summary>
    /// <remarks>
    /// Every entry is tried by reference and platform handle before any bytes are fetched: a chain's
    /// elements are usually copies of what the list holds, and fetching a certificate's DER is native work.
    /// </remarks>
    public static X509Certificate2? FindSame(IReadOnlyList<X509Certificate2> list, X509Certificate2 certificate)
    {
        if (FindSameInstance(list, certificate) is { } instance)
        {
            return instance;
        }

        // Indexed loops: foreach over the interface boxes an enumerator (ReadOnlyCollection, array) on every check.
        for (var i = 0; i < list.Count; i++)
        {
            if (SameCertificate(list[i], certificate))
            {
                return list[i];
            }
        }

        return null;
    }

    /// <summary>
    /// The entry of <paramref name="list"/> that is <paramref name="certificate"/> itself or a copy sharing its platform
    /// certificate, or null; no DER is fetched (that is native work per certificate object).
    /// </summary>
    public static X509Certificate2? FindSameInstance(IReadOnlyList<X509Certificate2> list, X509Certificate2 certificate)
    {
        var handle = certificate.Handle;
        for (var i = 0; i < list.Count; i++)
        {
            var candidate = list[i];
            if (ReferenceEquals(candidate, certificate) || (handle != IntPtr.Zero && candidate.Handle == handle))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The DER SubjectPublicKeyInfo of the certificate: what DANE selector 1 hashes.</summary>
    public static byte[] SubjectPublicKeyInfo(X509Certificate2 certificate)
    {
#if NET8_0_OR_GREATER
        return CertificateFields.Of(certificate).SubjectPublicKeyInfo;
#else
        return SubjectPublicKeyInfoFromDer(certificate);
#endif
    }

    /// <summary>The SubjectPublicKeyInfo cut out of the certificate's own DER (the netstandard2.0 path; compiled everywhere so it is tested).</summary>
    public static byte[] SubjectPublicKeyInfoFromDer(X509Certificate2 certificate) =>
        Structure(certificate).SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der);

    /// <summary>The DNS names and IP addresses of the subject alternative name extension.</summary>
    public static (List<string> DnsNames, List<IPAddress> Addresses) SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = CertificateFields.Of(certificate).Extension(SubjectAltNameOid);
        if (extension is null)
        {
            return (new List<string>(), new List<IPAddress>());
        }

#if NET8_0_OR_GREATER
        if (SimpleSubjectAlternativeNames(extension) is { } simple)
        {
            return simple;
        }
#endif
        return SubjectAlternativeNamesByBouncyCastle(extension);
    }

    /// <summary>The BouncyCastle reading of a subject alternative name extension (every target; tests compare both readers).</summary>
    internal static (List<string> DnsNames, List<IPAddress> Addresses) SubjectAlternativeNamesByBouncyCastle(byte[] extensionValue)
    {
        var dns = new List<string>();
        var addresses = new List<IPAddress>();
        foreach (var name in GeneralNames.GetInstance(Asn1Object.FromByteArray(extensionValue)).GetNames())
        {
            if (name.TagNo == GeneralName.DnsName)
            {
                dns.Add(DerIA5String.GetInstance(name.Name).GetString());
            }
            else if (name.TagNo == GeneralName.IPAddress)
            {
                var octets = Asn1OctetString.GetInstance(name.Name).GetOctets();
                if (octets.Length is 4 or 16)
                {
                    addresses.Add(new IPAddress(octets));
                }
            }
        }

        return (dns, addresses);
    }

    /// <summary>The values of every CN attribute of the subject, in order.</summary>
    public static List<string> CommonNames(X509Certificate2 certificate)
    {
        var subject = CertificateFields.Of(certificate).SubjectName;
#if NET8_0_OR_GREATER
        if (SimpleCommonNames(subject) is { } simple)
        {
            return simple;
        }
#endif
        return CommonNamesByBouncyCastle(subject);
    }

    /// <summary>The BouncyCastle reading of the CN values of a DER Name (every target; tests compare both readers).</summary>
    internal static List<string> CommonNamesByBouncyCastle(byte[] name)
    {
        var parsed = X509Name.GetInstance(Asn1Object.FromByteArray(name));
        var result = new List<string>();
        foreach (var value in parsed.GetValueList(X509Name.CN))
        {
            result.Add(value);
        }

        return result;
    }

    /// <summary>The key algorithm name, its size in bits (0 when unknown) and, for EC keys, the curve.</summary>
    public static (string Algorithm, int Size, string? Curve) Key(X509Certificate2 certificate) => Key(certificate, null);

    /// <summary>As <see cref="Key(X509Certificate2)"/>, with the DER SubjectPublicKeyInfo when the caller has it already.</summary>
    public static (string Algorithm, int Size, string? Curve) Key(X509Certificate2 certificate, byte[]? subjectPublicKeyInfo)
    {
#if NET8_0_OR_GREATER
        if (subjectPublicKeyInfo is not null && SimpleKey(subjectPublicKeyInfo) is { } simple)
        {
            return simple;
        }
#endif
        return KeyByBouncyCastle(certificate, subjectPublicKeyInfo);
    }

    /// <summary>The BouncyCastle reading of the key (every target; tests compare both readers).</summary>
    internal static (string Algorithm, int Size, string? Curve) KeyByBouncyCastle(X509Certificate2 certificate, byte[]? subjectPublicKeyInfo)
    {
        // Only the SubjectPublicKeyInfo is parsed (from what the platform already holds), not the
        // whole certificate again: a full parse cost more than the rest of the analysis together.
        SubjectPublicKeyInfo info;
        try
        {
            info = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(subjectPublicKeyInfo ?? SubjectPublicKeyInfo(certificate)));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or System.IO.IOException or CryptographicException)
        {
            info = Structure(certificate).SubjectPublicKeyInfo;
        }

        var oid = info.Algorithm.Algorithm.Id;
        var algorithm = KeyAlgorithms.TryGetValue(oid, out var known) ? known : oid;
        try
        {
            switch (algorithm)
            {
                case "RSA":
                case "RSASSA-PSS":
                    // Only the modulus length is needed: RsaKeyParameters would run a costly primality check.
                    return (algorithm, RsaPublicKeyStructure.GetInstance(info.ParsePublicKey()).Modulus.BitLength, null);
                case "ECDSA":
                    return EcKey(info);
                case "Ed25519":
                    return (algorithm, 256, null);
                case "Ed448":
                    return (algorithm, 448, null);
                case "DSA":
                    var parameters = info.Algorithm.Parameters;
                    return (algorithm, parameters is null ? 0 : DsaParameter.GetInstance(parameters).P.BitLength, null);
                default:
                    return (algorithm, 0, null);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or System.IO.IOException)
        {
            // A malformed key still leaves a certificate worth showing.
            return (algorithm, 0, null);
        }
    }

    /// <summary>The signature algorithm in Windows' naming, or its OID.</summary>
    public static string SignatureAlgorithm(X509Certificate2 certificate)
    {
        var oid = certificate.SignatureAlgorithm.Value ?? string.Empty;
        if (SignatureAlgorithms.TryGetValue(oid, out var name))
        {
            return name;
        }

        return string.IsNullOrEmpty(certificate.SignatureAlgorithm.FriendlyName) ? oid : certificate.SignatureAlgorithm.FriendlyName!;
    }

    /// <summary>Whether the certificate names itself as issuer (and, when both key identifiers are present, they agree).</summary>
    public static bool IsSelfIssued(X509Certificate2 certificate) => CertificateFields.Of(certificate).IsSelfIssued;

    /// <summary>As <see cref="IsSelfIssued(X509Certificate2)"/>, on fields read already.</summary>
    internal static bool IsSelfIssued(CertificateFields fields)
    {
        if (!Same(fields.SubjectName, fields.IssuerName))
        {
            return false;
        }

        var subjectKey = SubjectKeyIdentifier(fields);
        var authorityKey = AuthorityKeyIdentifier(fields);
        return subjectKey is null || authorityKey is null || Same(subjectKey, authorityKey);
    }

    /// <summary>Whether the basic constraints extension says CA=true.</summary>
    public static bool IsCertificateAuthority(X509Certificate2 certificate) => CertificateFields.Of(certificate).IsCertificateAuthority;

    /// <summary>The subject key identifier extension's value, or null when the certificate has none.</summary>
    public static byte[]? SubjectKeyIdentifier(X509Certificate2 certificate) => SubjectKeyIdentifier(CertificateFields.Of(certificate));

    private static byte[]? SubjectKeyIdentifier(CertificateFields fields)
    {
        var extension = fields.Extension(SubjectKeyIdentifierOid);
        if (extension is null)
        {
            return null;
        }

#if NET8_0_OR_GREATER
        if (SimpleOctetString(extension) is { } simple)
        {
            return simple;
        }
#endif
        return Asn1OctetString.GetInstance(Asn1Object.FromByteArray(extension)).GetOctets();
    }

    /// <summary>The key identifier of the authority key identifier extension, or null when the certificate has none.</summary>
    public static byte[]? AuthorityKeyIdentifier(X509Certificate2 certificate) => AuthorityKeyIdentifier(CertificateFields.Of(certificate));

    private static byte[]? AuthorityKeyIdentifier(CertificateFields fields)
    {
        var extension = fields.Extension(AuthorityKeyIdentifierOid);
        if (extension is null)
        {
            return null;
        }

#if NET8_0_OR_GREATER
        if (SimpleAuthorityKeyIdentifier(extension) is { } simple)
        {
            return simple;
        }
#endif
        return AuthorityKeyIdentifierByBouncyCastle(extension);
    }

    /// <summary>The BouncyCastle reading of the key identifier of an authority key identifier extension.</summary>
    internal static byte[]? AuthorityKeyIdentifierByBouncyCastle(byte[] extensionValue) =>
        Org.BouncyCastle.Asn1.X509.AuthorityKeyIdentifier.GetInstance(Asn1Object.FromByteArray(extensionValue)).KeyIdentifier?.GetOctets();

#if NET8_0_OR_GREATER
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IPAddressTag = new(TagClass.ContextSpecific, 7);
    private static readonly Asn1Tag KeyIdentifierTag = new(TagClass.ContextSpecific, 0);

    /// <summary>
    /// DNS names and addresses of a DER GeneralNames holding nothing else, with ASCII names only; null for
    /// anything else (BouncyCastle decides those, with its own checks of the other name forms).
    /// </summary>
    internal static (List<string> DnsNames, List<IPAddress> Addresses)? SimpleSubjectAlternativeNames(byte[] extensionValue)
    {
        try
        {
            var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var dns = new List<string>();
            var addresses = new List<IPAddress>();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag == DnsNameTag)
                {
                    var bytes = names.ReadOctetString(DnsNameTag);
                    foreach (var b in bytes)
                    {
                        if (b >= 0x80)
                        {
                            return null;
                        }
                    }

                    dns.Add(System.Text.Encoding.ASCII.GetString(bytes));
                }
                else if (tag == IPAddressTag)
                {
                    var octets = names.ReadOctetString(IPAddressTag);
                    if (octets.Length is 4 or 16)
                    {
                        addresses.Add(new IPAddress(octets));
                    }
                }
                else
                {
                    return null;
                }
            }

            return (dns, addresses);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The CN values of a DER Name whose relative names each hold one attribute and whose CN values are
    /// UTF8String or PrintableString not starting with '#' or '\'; null for anything else (BouncyCastle decides).
    /// </summary>
    internal static List<string>? SimpleCommonNames(byte[] name)
    {
        try
        {
            var reader = new AsnReader(name, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var result = new List<string>();
            while (sequence.HasData)
            {
                var relativeName = sequence.ReadSetOf();
                var attribute = relativeName.ReadSequence();
                if (relativeName.HasData)
                {
                    return null;
                }

                var type = attribute.ReadObjectIdentifier();
                if (type != "2.5.4.3")
                {
                    attribute.ReadEncodedValue();
                }
                else
                {
                    var tag = attribute.PeekTag();
                    string value;
                    if (tag == new Asn1Tag(UniversalTagNumber.UTF8String))
                    {
                        value = attribute.ReadCharacterString(UniversalTagNumber.UTF8String);
                    }
                    else if (tag == new Asn1Tag(UniversalTagNumber.PrintableString))
                    {
                        value = attribute.ReadCharacterString(UniversalTagNumber.PrintableString);
                    }
                    else
                    {
                        return null;
                    }

                    if (value.Length > 0 && (value[0] == '#' || value[0] == '\\'))
                    {
                        return null;
                    }

                    result.Add(value);
                }

                attribute.ThrowIfNotEmpty();
            }

            return result;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Algorithm and size of an RSA key (modulus length) or of an EC key on P-256, P-384 or P-521 from a DER
    /// SubjectPublicKeyInfo; null for anything else (BouncyCastle decides).
    /// </summary>
    internal static (string Algorithm, int Size, string? Curve)? SimpleKey(byte[] subjectPublicKeyInfo)
    {
        try
        {
            var reader = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithmIdentifier = info.ReadSequence();
            var oid = algorithmIdentifier.ReadObjectIdentifier();
            if (!KeyAlgorithms.TryGetValue(oid, out var algorithm))
            {
                return null;
            }

            switch (algorithm)
            {
                case "RSA":
                case "RSASSA-PSS":
                {
                    if (algorithm == "RSA")
                    {
                        // rsaEncryption has NULL parameters; anything else is left to BouncyCastle.
                        algorithmIdentifier.ReadNull();
                    }
                    else if (algorithmIdentifier.HasData)
                    {
                        algorithmIdentifier.ReadEncodedValue();
                    }

                    algorithmIdentifier.ThrowIfNotEmpty();
                    var key = info.ReadBitString(out var unusedBits);
                    info.ThrowIfNotEmpty();
                    if (unusedBits != 0)
                    {
                        return null;
                    }

                    var rsa = new AsnReader(key, AsnEncodingRules.DER);
                    var publicKey = rsa.ReadSequence();
                    rsa.ThrowIfNotEmpty();
                    var modulus = publicKey.ReadIntegerBytes().Span;
                    var exponent = publicKey.ReadIntegerBytes().Span;
                    publicKey.ThrowIfNotEmpty();
                    if (!IsPositive(modulus) || !IsPositive(exponent))
                    {
                        // BouncyCastle refuses such a key in its own way (size 0): it decides.
                        return null;
                    }

                    var start = modulus[0] == 0 && modulus.Length > 1 ? 1 : 0;
                    var bits = (modulus.Length - start - 1) * 8;
                    for (var top = modulus[start]; top != 0; top >>= 1)
                    {
                        bits++;
                    }

                    return (algorithm, bits, null);
                }

                case "ECDSA":
                {
                    var curveOid = algorithmIdentifier.ReadObjectIdentifier();
                    algorithmIdentifier.ThrowIfNotEmpty();
                    info.ReadBitString(out _);
                    info.ThrowIfNotEmpty();
                    return curveOid switch
                    {
                        "1.2.840.10045.3.1.7" => ("ECDSA", 256, "P-256"),
                        "1.3.132.0.34" => ("ECDSA", 384, "P-384"),
                        "1.3.132.0.35" => ("ECDSA", 521, "P-521"),
                        _ => null,
                    };
                }

                default:
                    return null;
            }
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>Whether a DER INTEGER's content bytes stand for a number above zero.</summary>
    private static bool IsPositive(ReadOnlySpan<byte> integer)
    {
        if (integer.Length == 0 || integer[0] >= 0x80)
        {
            return false;
        }

        foreach (var b in integer)
        {
            if (b != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The content of a DER OCTET STRING (a subject key identifier extension's value); null when it is not one.</summary>
    internal static byte[]? SimpleOctetString(byte[] value)
    {
        try
        {
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            var octets = reader.ReadOctetString();
            reader.ThrowIfNotEmpty();
            return octets;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The key identifier of a DER authority key identifier that holds only one; null for anything else (BouncyCastle decides).</summary>
    internal static byte[]? SimpleAuthorityKeyIdentifier(byte[] value)
    {
        try
        {
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var identifier = sequence.ReadOctetString(KeyIdentifierTag);
            sequence.ThrowIfNotEmpty();
            return identifier;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
#endif

    private static (string, int, string?) EcKey(SubjectPublicKeyInfo info)
    {
        var parameters = X962Parameters.GetInstance(info.Algorithm.Parameters);
        if (parameters.IsNamedCurve)
        {
            var curveOid = DerObjectIdentifier.GetInstance(parameters.Parameters);
            var curve = CurveNames.TryGetValue(curveOid.Id, out var friendly) ? friendly : ECNamedCurveTable.GetName(curveOid) ?? curveOid.Id;
            var size = ECNamedCurveTable.GetByOid(curveOid)?.Curve.FieldSize ?? 0;
            return ("ECDSA", size, curve);
        }

        if (parameters.IsImplicitlyCA)
        {
            return ("ECDSA", 0, null);
        }

        return ("ECDSA", X9ECParameters.GetInstance(parameters.Parameters).Curve.FieldSize, null);
    }

    private static X509CertificateStructure Structure(X509Certificate2 certificate) =>
        X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(certificate.RawData));

    private static bool Same(byte[] x, byte[] y)
    {
        if (x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] != y[i])
            {
                return false;
            }
        }

        return true;
    }
}
