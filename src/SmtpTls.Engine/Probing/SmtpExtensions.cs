using System;
using System.Collections.Generic;
using System.Globalization;
using SmtpTls.Smtp;

namespace SmtpTls;

/// <summary>
/// The service extensions a server advertises in its EHLO reply inside TLS, as typed flags: what a
/// sender can rely on for REQUIRETLS (RFC 8689), SMTPUTF8 (RFC 6531), CHUNKING (RFC 3030),
/// 8BITMIME (RFC 6152), PIPELINING (RFC 2920) and SIZE (RFC 1870).
/// </summary>
public sealed class SmtpExtensions
{
    /// <summary>REQUIRETLS (RFC 8689): the server promises to forward a message that asks for it only over verified TLS.</summary>
    public bool RequireTls { get; set; }

    /// <summary>SMTPUTF8 (RFC 6531): internationalized addresses.</summary>
    public bool SmtpUtf8 { get; set; }

    /// <summary>CHUNKING (RFC 3030): BDAT instead of DATA.</summary>
    public bool Chunking { get; set; }

    /// <summary>8BITMIME (RFC 6152).</summary>
    public bool EightBitMime { get; set; }

    /// <summary>PIPELINING (RFC 2920).</summary>
    public bool Pipelining { get; set; }

    /// <summary>SIZE (RFC 1870) is advertised.</summary>
    public bool Size { get; set; }

    /// <summary>The SIZE value in bytes; null when SIZE is absent or has no number, 0 when the server names no limit.</summary>
    public long? MaxMessageSize { get; set; }

    /// <summary>Reads the flags from EHLO keyword lines (the lines after the greeting line).</summary>
    /// <param name="keywords">The keyword lines, e.g. "SIZE 10240000", "PIPELINING".</param>
    public static SmtpExtensions FromKeywords(IEnumerable<string> keywords)
    {
        if (keywords is null)
        {
            throw new ArgumentNullException(nameof(keywords));
        }

        var result = new SmtpExtensions();
        foreach (var line in keywords)
        {
            // The keyword and its first parameter.
            var text = (line ?? string.Empty).Trim();
            var position = 0;
            var keyword = SmtpCapabilities.NextWord(text, ref position);
            if (keyword is null)
            {
                continue;
            }

            switch (keyword.ToUpperInvariant())
            {
                case "REQUIRETLS": result.RequireTls = true; break;
                case "SMTPUTF8": result.SmtpUtf8 = true; break;
                case "CHUNKING": result.Chunking = true; break;
                case "8BITMIME": result.EightBitMime = true; break;
                case "PIPELINING": result.Pipelining = true; break;
                case "SIZE":
                    result.Size = true;
                    if (SmtpCapabilities.NextWord(text, ref position) is { } parameter && long.TryParse(parameter, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        result.MaxMessageSize = size;
                    }

                    break;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var names = new List<string>();
        if (RequireTls) names.Add("REQUIRETLS");
        if (SmtpUtf8) names.Add("SMTPUTF8");
        if (Chunking) names.Add("CHUNKING");
        if (EightBitMime) names.Add("8BITMIME");
        if (Pipelining) names.Add("PIPELINING");
        if (Size) names.Add(MaxMessageSize is { } max ? "SIZE " + max.ToString(CultureInfo.InvariantCulture) : "SIZE");
        return string.Join(" ", names);
    }
}
