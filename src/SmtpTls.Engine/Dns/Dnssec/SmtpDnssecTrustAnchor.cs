using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SmtpTls.Dns.Dnssec;

namespace SmtpTls;

/// <summary>
/// The DNSSEC trust anchor for the root zone <c>.</c> that validation starts from: DS and/or DNSKEY
/// records. <see cref="IanaRoot"/> holds IANA's published root anchors; <see cref="Load"/> reads
/// another one (a test root, or an updated IANA file) from zone-file presentation format or from
/// IANA's <c>root-anchors.xml</c> format (RFC 9718).
/// </summary>
public sealed class SmtpDnssecTrustAnchor
{
    /// <summary>The largest trust anchor file read.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    // IANA's root zone trust anchors, KSK-2017 (key tag 20326) and KSK-2024 (key tag 38696), both
    // algorithm 8 (RSA/SHA-256) with SHA-256 digests. Source: IANA, root-anchors.xml
    // (https://data.iana.org/root-anchors/root-anchors.xml, format RFC 9718), as published in
    // Debian's dns-root-data 2024071801 (/usr/share/dns/root.ds, generated from that file). The
    // DNSKEYs of the same release (root.key) hash to exactly these digests: a unit test checks it.
    private const string IanaRootText =
        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n" +
        ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

    private static readonly Lazy<SmtpDnssecTrustAnchor> Iana = new(() => Parse(IanaRootText, "IANA root-anchors.xml (KSK-2017 20326, KSK-2024 38696)"));

    private SmtpDnssecTrustAnchor(IReadOnlyList<DsData> ds, IReadOnlyList<byte[]> keys, string source)
    {
        DsRecords = ds;
        KeyRecords = keys;
        Source = source;
        Records = ds.Select(d => ". IN DS " + d).Concat(keys.Select(k => ". IN DNSKEY " + KeyText(k))).ToArray();
    }

    /// <summary>IANA's root anchors (KSK-2017 and KSK-2024), built in.</summary>
    public static SmtpDnssecTrustAnchor IanaRoot => Iana.Value;

    /// <summary>Where the anchor came from: the built-in IANA set or a file path.</summary>
    public string Source { get; }

    /// <summary>The anchor records in presentation form, e.g. <c>. IN DS 20326 8 2 E06D…</c>.</summary>
    public IReadOnlyList<string> Records { get; }

    internal IReadOnlyList<DsData> DsRecords { get; }

    /// <summary>DNSKEY RDATA (flags, protocol, algorithm, key) trusted directly.</summary>
    internal IReadOnlyList<byte[]> KeyRecords { get; }

    /// <summary>Reads a trust anchor file: DS and/or DNSKEY records for <c>.</c> in zone-file form (as <c>root.key</c>, <c>root.ds</c> or a <c>dnssec-keygen</c> <c>.key</c> file), or IANA's XML.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The anchor.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank.</exception>
    /// <exception cref="IOException">The file cannot be read or is larger than <see cref="MaxFileBytes"/>.</exception>
    /// <exception cref="FormatException">The file holds no usable DS/DNSKEY record for <c>.</c>, or a malformed one.</exception>
    public static SmtpDnssecTrustAnchor Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("A trust anchor file path is required.", nameof(path));
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("The DNSSEC trust anchor file '" + path + "' does not exist.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new IOException("The DNSSEC trust anchor file '" + path + "' is larger than " + MaxFileBytes + " bytes.");
        }

        return Parse(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <summary>Reads trust anchor text (zone-file records or IANA's XML).</summary>
    /// <param name="text">The content.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <returns>The anchor.</returns>
    /// <exception cref="FormatException">No usable DS/DNSKEY record for <c>.</c>, or a malformed one.</exception>
    public static SmtpDnssecTrustAnchor Parse(string text, string source)
    {
        if (text is null)
        {
            throw new FormatException("The trust anchor text is empty.");
        }

        source ??= "trust anchor";
        return text.TrimStart().StartsWith("<", StringComparison.Ordinal) ? ParseXml(text, source) : ParseZoneText(text, source);
    }

    /// <inheritdoc />
    public override string ToString() => Source + ": " + string.Join("; ", Records);

    private static SmtpDnssecTrustAnchor ParseZoneText(string text, string source)
    {
        var ds = new List<DsData>();
        var keys = new List<byte[]>();
        var lineNumber = 0;
        foreach (var (line, number) in LogicalLines(text))
        {
            lineNumber = number;
            var tokens = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || tokens[0].StartsWith("$", StringComparison.Ordinal))
            {
                continue;
            }

            var typeIndex = Array.FindIndex(tokens, t => t.Equals("DS", StringComparison.OrdinalIgnoreCase) || t.Equals("DNSKEY", StringComparison.OrdinalIgnoreCase));
            if (typeIndex < 0)
            {
                throw new FormatException(source + " line " + number + ": neither a DS nor a DNSKEY record.");
            }

            if (typeIndex == 0 || !IsRoot(tokens[0]))
            {
                throw new FormatException(source + " line " + number + ": only trust anchors for the root zone '.' are accepted.");
            }

            var rdata = tokens.Skip(typeIndex + 1).ToArray();
            try
            {
                if (tokens[typeIndex].Equals("DS", StringComparison.OrdinalIgnoreCase))
                {
                    ds.Add(new DsData(ushort.Parse(rdata[0], CultureInfo.InvariantCulture), byte.Parse(rdata[1], CultureInfo.InvariantCulture), byte.Parse(rdata[2], CultureInfo.InvariantCulture), Hex(string.Concat(rdata.Skip(3)))));
                }
                else
                {
                    var flags = ushort.Parse(rdata[0], CultureInfo.InvariantCulture);
                    var protocol = byte.Parse(rdata[1], CultureInfo.InvariantCulture);
                    var algorithm = byte.Parse(rdata[2], CultureInfo.InvariantCulture);
                    var key = Convert.FromBase64String(string.Concat(rdata.Skip(3)));
                    keys.Add(new[] { (byte)(flags >> 8), (byte)flags, protocol, algorithm }.Concat(key).ToArray());
                }
            }
            catch (Exception ex) when (ex is FormatException || ex is OverflowException || ex is IndexOutOfRangeException)
            {
                throw new FormatException(source + " line " + number + ": malformed " + tokens[typeIndex].ToUpperInvariant() + " record (" + ex.Message + ").", ex);
            }
        }

        if (ds.Count == 0 && keys.Count == 0)
        {
            throw new FormatException(source + ": no DS or DNSKEY record for '.' found" + (lineNumber == 0 ? " (the file is empty)." : "."));
        }

        return new SmtpDnssecTrustAnchor(ds, keys, source);
    }

    private static SmtpDnssecTrustAnchor ParseXml(string text, string source)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxFileBytes };
            using var reader = XmlReader.Create(new StringReader(text), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException(source + ": not well-formed XML (" + ex.Message + ").", ex);
        }

        var root = document.Root;
        if (root is null || root.Name.LocalName != "TrustAnchor" || (string?)root.Element("Zone") != ".")
        {
            throw new FormatException(source + ": not an IANA root trust anchor document (<TrustAnchor> for zone '.', RFC 9718).");
        }

        var now = DateTimeOffset.UtcNow;
        var ds = new List<DsData>();
        foreach (var digest in root.Elements("KeyDigest"))
        {
            // RFC 9718 section 2.2: only digests whose validity period includes now are trust anchors.
            if (Time(digest.Attribute("validFrom")) is { } from && from > now)
            {
                continue;
            }

            if (Time(digest.Attribute("validUntil")) is { } until && until <= now)
            {
                continue;
            }

            try
            {
                ds.Add(new DsData(
                    ushort.Parse((string?)digest.Element("KeyTag") ?? string.Empty, CultureInfo.InvariantCulture),
                    byte.Parse((string?)digest.Element("Algorithm") ?? string.Empty, CultureInfo.InvariantCulture),
                    byte.Parse((string?)digest.Element("DigestType") ?? string.Empty, CultureInfo.InvariantCulture),
                    Hex((string?)digest.Element("Digest") ?? string.Empty)));
            }
            catch (Exception ex) when (ex is FormatException || ex is OverflowException)
            {
                throw new FormatException(source + ": malformed KeyDigest '" + (string?)digest.Attribute("id") + "' (" + ex.Message + ").", ex);
            }
        }

        if (ds.Count == 0)
        {
            throw new FormatException(source + ": no KeyDigest is valid now.");
        }

        return new SmtpDnssecTrustAnchor(ds, Array.Empty<byte[]>(), source);
    }

    private static DateTimeOffset? Time(XAttribute? attribute) =>
        attribute is not null && DateTimeOffset.TryParse(attribute.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    /// <summary>Lines with comments removed and parenthesised continuations joined (RFC 1035 section 5.1).</summary>
    private static IEnumerable<(string Line, int Number)> LogicalLines(string text)
    {
        var current = new StringBuilder();
        var depth = 0;
        var start = 0;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var comment = line.IndexOf(';');
            if (comment >= 0)
            {
                line = line.Substring(0, comment);
            }

            if (depth == 0)
            {
                start = i + 1;
            }

            depth += line.Count(c => c == '(') - line.Count(c => c == ')');
            current.Append(' ').Append(line.Replace('(', ' ').Replace(')', ' '));
            if (depth <= 0)
            {
                depth = 0;
                var joined = current.ToString().Trim();
                current.Clear();
                if (joined.Length > 0)
                {
                    yield return (joined, start);
                }
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return (current.ToString().Trim(), start);
        }
    }

    private static bool IsRoot(string owner) => owner == ".";

    private static byte[] Hex(string hex)
    {
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            throw new FormatException("a digest is an even number of hex digits");
        }

        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = byte.Parse(hex.Substring(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return bytes;
    }

    private static string KeyText(byte[] rdata) =>
        ((rdata[0] << 8) | rdata[1]).ToString(CultureInfo.InvariantCulture) + " " + rdata[2] + " " + rdata[3] + " " + Convert.ToBase64String(rdata, 4, rdata.Length - 4);
}
