using System;
using System.Collections.Generic;
using System.Globalization;
using SmtpTls.Localization;

namespace SmtpTls.Replies;

/// <summary>
/// One text of the reply knowledge in every shipped language (an <c>en</c> and a <c>de</c>
/// element side by side in the knowledge file, so a reviewer sees both at once).
/// </summary>
internal sealed class KnowledgeText
{
    private readonly Dictionary<string, string> _byLanguage = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The languages this text has.</summary>
    public IEnumerable<string> Languages => _byLanguage.Keys;

    /// <summary>Adds the text for <paramref name="language"/>.</summary>
    public void Add(string language, string text) => _byLanguage[language] = text;

    /// <summary>Whether the text exists in <paramref name="language"/>.</summary>
    public bool Has(string language) => _byLanguage.TryGetValue(language, out var text) && text.Length > 0;

    /// <summary>The text in <paramref name="culture"/>'s language, falling back through its parents to English.</summary>
    public string Get(CultureInfo culture)
    {
        foreach (var language in LocalizedText.LanguageChain(culture))
        {
            if (_byLanguage.TryGetValue(language, out var text) && text.Length > 0)
            {
                return text;
            }
        }

        return _byLanguage.TryGetValue("en", out var english) ? english : string.Empty;
    }
}
