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

    // Tables a host layers over the engine's own (the PowerShell module's wording for its users); guarded by HostSync.
    private static readonly object HostSync = new();
    private static (System.Reflection.Assembly Assembly, string Prefix)[] _hostTables = Array.Empty<(System.Reflection.Assembly, string)>();

    /// <summary>
    /// Layers a host's texts over the engine's: embedded tables <c>{resourcePrefix}{language}.xml</c> (same format as
    /// <c>Texts.en.xml</c>) in <paramref name="assembly"/>. A key the host has wins over the engine's, so a host can
    /// name its own parameters where the engine names an option or a concept, and keep texts only it uses.
    /// Registering the same table again changes nothing.
    /// </summary>
    /// <param name="assembly">The assembly that embeds the tables.</param>
    /// <param name="resourcePrefix">The manifest resource name before the language, e.g. <c>SmtpTls.Commands.Texts.</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="assembly"/> or <paramref name="resourcePrefix"/> is null.</exception>
    public static void AddHostTexts(System.Reflection.Assembly assembly, string resourcePrefix)
    {
        if (assembly is null)
        {
            throw new ArgumentNullException(nameof(assembly));
        }

        if (resourcePrefix is null)
        {
            throw new ArgumentNullException(nameof(resourcePrefix));
        }

        lock (HostSync)
        {
            if (_hostTables.Any(t => t.Assembly == assembly && t.Prefix == resourcePrefix))
            {
                return;
            }

            _hostTables = _hostTables.Concat(new[] { (assembly, resourcePrefix) }).ToArray();
            Tables.Clear();
        }
    }

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
        Read(typeof(LocalizedText).Assembly, ResourcePrefix, language, result);
        foreach (var (assembly, prefix) in _hostTables)
        {
            Read(assembly, prefix, language, result);
        }

        return result;
    }

    /// <summary>Adds the texts of one embedded table to <paramref name="result"/>, replacing keys it has already.</summary>
    private static void Read(System.Reflection.Assembly assembly, string prefix, string language, Dictionary<string, string> result)
    {
        using var stream = assembly.GetManifestResourceStream(prefix + language + ".xml");
        if (stream is null)
        {
            return;
        }

        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "text")
            {
                var key = reader.GetAttribute("key");
                if (string.IsNullOrEmpty(key))
                {
                    throw new InvalidDataException($"A text in {prefix}{language}.xml has no key.");
                }

                result[key!] = reader.ReadElementContentAsString().Trim();
            }
        }
    }
}
