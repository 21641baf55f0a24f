using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml;

namespace SmtpTls.Localization;

/// <summary>
/// Looks up the module's runtime texts (finding messages, warnings, errors, verbose output) by key
/// and culture. Texts live in embedded XML tables, one per language (<c>Texts.en.xml</c>,
/// <c>Texts.de.xml</c>), so translators review plain data instead of code.
/// </summary>
/// <remarks>
/// Lookup walks the culture's parents (de-AT, de, invariant) and ends at English, the same
/// fallback .NET resource managers use, so a missing translation degrades to English rather
/// than to a key.
/// </remarks>
public static class LocalizedText
{
    private const string ResourcePrefix = "SmtpTls.Localization.Texts.";
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Tables = new(StringComparer.OrdinalIgnoreCase);

    // Every finding and transcript note looks a text up: the chain of a culture is worked out once.
    private static readonly ConcurrentDictionary<string, string[]> Chains = new(StringComparer.Ordinal);

    /// <summary>The languages that ship with translations.</summary>
    public static IReadOnlyList<string> Languages { get; } = new[] { "en", "de" };

    /// <summary>Returns the text for <paramref name="key"/> in <paramref name="culture"/> (default: current UI culture).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    /// <exception cref="KeyNotFoundException">No language, not even English, has the key.</exception>
    public static string Get(string key, CultureInfo? culture = null)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A text key is required.", nameof(key));
        }

        var effective = culture ?? CultureInfo.CurrentUICulture;
        if (!Chains.TryGetValue(effective.Name, out var chain))
        {
            chain = LanguageChain(effective).ToArray();
            Chains[effective.Name] = chain;
        }

        foreach (var language in chain)
        {
            if (Table(language).TryGetValue(key, out var text))
            {
                return text;
            }
        }

        throw new KeyNotFoundException($"No localized text has the key '{key}'.");
    }

    /// <summary>Formats the text for <paramref name="key"/> with <paramref name="args"/> using <paramref name="culture"/>.</summary>
    public static string Format(string key, CultureInfo? culture, params object?[] args)
    {
        var effective = culture ?? CultureInfo.CurrentUICulture;
        return string.Format(effective, Get(key, effective), args);
    }

    /// <summary>Whether English has the key; used by tests and by callers that probe optional texts.</summary>
    public static bool Contains(string key) => !string.IsNullOrEmpty(key) && Table("en").ContainsKey(key);

    /// <summary>All keys of one language's table, for completeness checks.</summary>
    public static IEnumerable<string> Keys(string language) => Table(language).Keys;

    /// <summary>
    /// The language codes to try for <paramref name="culture"/>, most specific first, ending with
    /// English. Only two-letter languages are shipped, so region-specific cultures reduce to them.
    /// </summary>
    public static IEnumerable<string> LanguageChain(CultureInfo culture)
    {
        if (culture is null)
        {
            throw new ArgumentNullException(nameof(culture));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var c = culture; !string.IsNullOrEmpty(c.Name); c = c.Parent)
        {
            if (seen.Add(c.Name))
            {
                yield return c.Name;
            }
        }

        var language = culture.TwoLetterISOLanguageName;
        if (!string.IsNullOrEmpty(language) && language != "iv" && seen.Add(language))
        {
            yield return language;
        }

        if (seen.Add("en"))
        {
            yield return "en";
        }
    }

    /// <summary>Returns the language this module would actually answer in for <paramref name="culture"/>.</summary>
    public static string EffectiveLanguage(CultureInfo culture)
    {
        foreach (var language in LanguageChain(culture))
        {
            if (Table(language).Count > 0)
            {
                return language;
            }
        }

        return "en";
    }

    private static IReadOnlyDictionary<string, string> Table(string language) => Tables.GetOrAdd(language, LoadTable);

    private static IReadOnlyDictionary<string, string> LoadTable(string language)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(LocalizedText).Assembly.GetManifestResourceStream(ResourcePrefix + language + ".xml");
        if (stream is null)
        {
            return result;
        }

        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "text")
            {
                var key = reader.GetAttribute("key");
                if (string.IsNullOrEmpty(key))
                {
                    throw new InvalidDataException($"A text in Texts.{language}.xml has no key.");
                }

                result[key!] = reader.ReadElementContentAsString().Trim();
            }
        }

        return result;
    }
}
