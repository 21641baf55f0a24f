using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
#if NET8_0_OR_GREATER
using System.Formats.Asn1;
#endif

namespace SmtpTls.Certificates;

/// <summary>
/// The fields of one certificate object that the analysis reads, read once per object and kept as long
/// as the object lives (a trust anchor's for the whole session, a presented certificate's for its result).
/// </summary>
/// <remarks>
/// With OpenSSL every <see cref="X509Certificate2"/> property is a handful of native calls, and
/// <c>Extensions[oid]</c> even resolves the OID string as a possible friendly name natively on each
/// use. On .NET 8+ the extensions, the two names' DER and the validity dates are therefore read from
/// the certificate's own DER in one managed pass (the DER that the properties decode too, so the values are
/// the same); a certificate whose DER that pass does not accept is read through the properties as before.
/// Subject and issuer texts are decoded once per distinct name where that is what the property does (OpenSSL
/// platforms), and are the properties' own texts elsewhere. netstandard2.0 reads everything through the properties.
/// </remarks>
internal sealed class CertificateFields
{
    private const string BasicConstraintsOid = "2.5.29.19";

    // An Oid made from a string is first looked up as a friendly name (natively on Linux); copies of this one are not.
    private static readonly Oid BasicConstraints = new(BasicConstraintsOid, "Basic Constraints");

    private static readonly ConditionalWeakTable<X509Certificate2, CertificateFields> Known = new();
    private static readonly ConditionalWeakTable<X509Certificate2, CertificateFields>.CreateValueCallback Read = certificate => new CertificateFields(certificate);

#if NET8_0_OR_GREATER
    private const int MaxCachedNames = 1024;
    private const int MaxCachedNameLength = 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> EncodedOids = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<byte[], string> NameTexts = new(ByteContent.Instance);

    private readonly (ReadOnlyMemory<byte> Oid, ReadOnlyMemory<byte> Value)[]? _extensions;
    private readonly ReadOnlyMemory<byte>? _subjectName;
    private readonly ReadOnlyMemory<byte>? _issuerName;
    private readonly ReadOnlyMemory<byte>? _subjectPublicKeyInfo;
    private readonly DateTime? _notBefore;
    private readonly DateTime? _notAfter;
    private string? _subject;
    private string? _issuer;
#endif
    private string? _thumbprint;
    private string? _sha256Fingerprint;
    private bool? _isCertificateAuthority;
    private bool? _isSelfIssued;

    private CertificateFields(X509Certificate2 certificate)
    {
        Certificate = certificate;
#if NET8_0_OR_GREATER
        if (Der.TryRead(certificate.RawDataMemory, out var der))
        {
            _extensions = der.Extensions;
            _subjectName = der.SubjectName;
            _issuerName = der.IssuerName;
            _notBefore = der.NotBefore;
            _notAfter = der.NotAfter;
            _subjectPublicKeyInfo = der.SubjectPublicKeyInfo;
        }
#endif
    }

    /// <summary>The certificate these fields belong to.</summary>
    public X509Certificate2 Certificate { get; }

#if NET8_0_OR_GREATER
    /// <summary>The subject distinguished name, the text of <see cref="X509Certificate.Subject"/>.</summary>
    public string Subject => _subject ??= NameText(_subjectName) ?? Certificate.Subject;

    /// <summary>The issuer distinguished name, the text of <see cref="X509Certificate.Issuer"/>.</summary>
    public string Issuer => _issuer ??= NameText(_issuerName) ?? Certificate.Issuer;
#else
    /// <summary>The subject distinguished name, the text of <see cref="X509Certificate.Subject"/>.</summary>
    public string Subject => Certificate.Subject;

    /// <summary>The issuer distinguished name, the text of <see cref="X509Certificate.Issuer"/>.</summary>
    public string Issuer => Certificate.Issuer;
#endif

#if NET8_0_OR_GREATER
    /// <summary>Start of the validity period, local time.</summary>
    public DateTime NotBefore => _notBefore ?? Certificate.NotBefore;

    /// <summary>End of the validity period, local time.</summary>
    public DateTime NotAfter => _notAfter ?? Certificate.NotAfter;
#else
    /// <summary>Start of the validity period, local time.</summary>
    public DateTime NotBefore => Certificate.NotBefore;

    /// <summary>End of the validity period, local time.</summary>
    public DateTime NotAfter => Certificate.NotAfter;
#endif

#if NET8_0_OR_GREATER
    /// <summary>The subject's DER (an X.500 Name).</summary>
    public byte[] SubjectName => _subjectName?.ToArray() ?? Certificate.SubjectName.RawData;

    /// <summary>The issuer's DER (an X.500 Name).</summary>
    public byte[] IssuerName => _issuerName?.ToArray() ?? Certificate.IssuerName.RawData;

    /// <summary>The DER SubjectPublicKeyInfo exactly as the certificate holds it (what DANE selector 1 hashes).</summary>
    public byte[] SubjectPublicKeyInfo => _subjectPublicKeyInfo?.ToArray() ?? Certificate.PublicKey.ExportSubjectPublicKeyInfo();
#else
    /// <summary>The subject's DER (an X.500 Name).</summary>
    public byte[] SubjectName => Certificate.SubjectName.RawData;

    /// <summary>The issuer's DER (an X.500 Name).</summary>
    public byte[] IssuerName => Certificate.IssuerName.RawData;
#endif

    /// <summary>The SHA-1 thumbprint, upper-case hex, as Windows shows it.</summary>
    public string Thumbprint => _thumbprint ??= Certificate.Thumbprint.ToUpperInvariant();

    /// <summary>The SHA-256 fingerprint of the whole certificate, upper-case hex.</summary>
    public string Sha256Fingerprint => _sha256Fingerprint ??= CertificateFacts.Hex(CertificateFacts.Sha256Of(Certificate), upper: true);

    /// <summary>Whether the basic constraints extension says CA=true.</summary>
    /// <exception cref="CryptographicException">The extension is malformed.</exception>
    public bool IsCertificateAuthority => _isCertificateAuthority ??= ReadCertificateAuthority();

    /// <summary>Whether subject and issuer are the same (and, when both key identifiers are present, they agree).</summary>
    public bool IsSelfIssued => _isSelfIssued ??= CertificateFacts.IsSelfIssued(this);

    /// <summary>The fields of <paramref name="certificate"/>, read on first use.</summary>
    public static CertificateFields Of(X509Certificate2 certificate) => Known.GetValue(certificate, Read);

    /// <summary>The value (the content of extnValue) of the first extension with <paramref name="oid"/>, or null when there is none.</summary>
    public byte[]? Extension(string oid)
    {
#if NET8_0_OR_GREATER
        if (_extensions is not null)
        {
            var encoded = EncodedOids.GetOrAdd(oid, EncodeOid);
            foreach (var (known, value) in _extensions)
            {
                if (known.Span.SequenceEqual(encoded))
                {
                    return value.ToArray();
                }
            }

            return null;
        }

#endif
        // The collection's string indexer would first try the OID as a friendly name (natively, on Linux).
        foreach (var extension in Certificate.Extensions)
        {
            if (string.Equals(extension.Oid?.Value, oid, StringComparison.Ordinal))
            {
                return extension.RawData;
            }
        }

        return null;
    }

    private bool ReadCertificateAuthority()
    {
        var value = Extension(BasicConstraintsOid);

        // The same type (and so the same decoding and the same failure) that Extensions[oid] hands out.
        return value is not null && new X509BasicConstraintsExtension(new AsnEncodedData(BasicConstraints, value), critical: false).CertificateAuthority;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// The text of a DER name as the OpenSSL-based X509Certificate2 gives it (Subject/Issuer are
    /// <c>new X500DistinguishedName(der).Name</c> there), decoded once per distinct name: issuers repeat from
    /// check to check (the same CAs) and within one (a leaf's issuer is the next certificate's subject), and
    /// each decode looks up every attribute's OID natively. Null elsewhere (Windows, macOS: their own
    /// platform texts) and for names too long to keep, which the property then decodes.
    /// </summary>
    private static string? NameText(ReadOnlyMemory<byte>? name)
    {
        if (name is not { } der || der.Length > MaxCachedNameLength || !(OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD()))
        {
            return null;
        }

        var key = der.ToArray();
        if (NameTexts.TryGetValue(key, out var text))
        {
            return text;
        }

        text = new X500DistinguishedName(key).Name;
        if (NameTexts.Count >= MaxCachedNames)
        {
            NameTexts.Clear();
        }

        NameTexts[key] = text;
        return text;
    }

    /// <summary>The DER tag, length and content of an OBJECT IDENTIFIER, as the extensions hold it.</summary>
    private static byte[] EncodeOid(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }
#endif

#if NET8_0_OR_GREATER
    /// <summary>One strict DER pass over an X.509 certificate; anything it does not accept is left to the properties.</summary>
    internal readonly struct Der
    {
        private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
        private static readonly Asn1Tag IssuerUniqueIdTag = new(TagClass.ContextSpecific, 1);
        private static readonly Asn1Tag SubjectUniqueIdTag = new(TagClass.ContextSpecific, 2);
        private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

        public (ReadOnlyMemory<byte> Oid, ReadOnlyMemory<byte> Value)[] Extensions { get; init; }

        public ReadOnlyMemory<byte> SubjectName { get; init; }

        public ReadOnlyMemory<byte> IssuerName { get; init; }

        public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

        public DateTime NotBefore { get; init; }

        public DateTime NotAfter { get; init; }

        /// <summary>Reads <paramref name="certificate"/>; false when it is not DER this pass understands.</summary>
        public static bool TryRead(ReadOnlyMemory<byte> certificate, out Der der)
        {
            der = default;
            try
            {
                var outer = new AsnReader(certificate, AsnEncodingRules.DER);
                var signed = outer.ReadSequence();
                outer.ThrowIfNotEmpty();
                var tbs = signed.ReadSequence();
                if (tbs.HasData && tbs.PeekTag() == VersionTag)
                {
                    tbs.ReadEncodedValue();
                }

                tbs.ReadIntegerBytes();
                tbs.ReadSequence();
                var issuer = tbs.ReadEncodedValue();
                if (issuer.Span[0] != 0x30)
                {
                    return false;
                }

                var validity = tbs.ReadSequence();
                if (!TryReadTime(validity, out var notBefore) || !TryReadTime(validity, out var notAfter))
                {
                    return false;
                }

                validity.ThrowIfNotEmpty();
                var subject = tbs.ReadEncodedValue();
                var subjectPublicKeyInfo = tbs.ReadEncodedValue();
                if (subject.Span[0] != 0x30 || subjectPublicKeyInfo.Span[0] != 0x30)
                {
                    return false;
                }

                if (tbs.HasData && tbs.PeekTag() == IssuerUniqueIdTag)
                {
                    tbs.ReadEncodedValue();
                }

                if (tbs.HasData && tbs.PeekTag() == SubjectUniqueIdTag)
                {
                    tbs.ReadEncodedValue();
                }

                var extensions = Array.Empty<(ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)>();
                if (tbs.HasData)
                {
                    var wrapper = tbs.ReadSequence(ExtensionsTag);
                    var list = wrapper.ReadSequence();
                    wrapper.ThrowIfNotEmpty();
                    var found = new System.Collections.Generic.List<(ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)>(12);
                    while (list.HasData)
                    {
                        var extension = list.ReadSequence();
                        var oid = extension.ReadEncodedValue();
                        if (oid.Span[0] != 0x06)
                        {
                            return false;
                        }

                        if (extension.HasData && extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                        {
                            extension.ReadBoolean();
                        }

                        if (!extension.TryReadPrimitiveOctetString(out var value))
                        {
                            return false;
                        }

                        found.Add((oid, value));
                        extension.ThrowIfNotEmpty();
                    }

                    extensions = found.ToArray();
                }

                tbs.ThrowIfNotEmpty();
                der = new Der
                {
                    Extensions = extensions,
                    SubjectName = subject,
                    IssuerName = issuer,
                    SubjectPublicKeyInfo = subjectPublicKeyInfo,
                    NotBefore = notBefore,
                    NotAfter = notAfter,
                };
                return true;
            }
            catch (AsnContentException)
            {
                return false;
            }
        }

        /// <summary>
        /// A validity time exactly as .NET reads it from OpenSSL: UTCTime <c>YYMMDDHHMMSSZ</c> (years 1950-2049)
        /// or GeneralizedTime <c>YYYYMMDDHHMMSSZ</c>, UTC, returned in local time; false for any other form.
        /// </summary>
        private static bool TryReadTime(AsnReader validity, out DateTime time)
        {
            time = default;
            var tag = validity.PeekTag();
            var utc = tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UtcTime));
            if (!utc && !tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.GeneralizedTime)))
            {
                return false;
            }

            var encoded = validity.ReadEncodedValue().Span;
            var length = utc ? 13 : 15;
            if (encoded.Length != length + 2 || encoded[length + 1] != (byte)'Z')
            {
                return false;
            }

            var digits = encoded.Slice(2, length - 1);
            foreach (var b in digits)
            {
                if (b < (byte)'0' || b > (byte)'9')
                {
                    return false;
                }
            }

            var year = utc ? Two(digits, 0) : (Two(digits, 0) * 100) + Two(digits, 2);
            if (utc)
            {
                year += year < 50 ? 2000 : 1900;
            }

            var at = utc ? 2 : 4;
            try
            {
                time = new DateTime(year, Two(digits, at), Two(digits, at + 2), Two(digits, at + 4), Two(digits, at + 6), Two(digits, at + 8), DateTimeKind.Utc).ToLocalTime();
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        private static int Two(ReadOnlySpan<byte> digits, int at) => ((digits[at] - '0') * 10) + (digits[at + 1] - '0');
    }

    /// <summary>Byte arrays compared by content (names as dictionary keys).</summary>
    private sealed class ByteContent : System.Collections.Generic.IEqualityComparer<byte[]>
    {
        public static readonly ByteContent Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
#endif
}
