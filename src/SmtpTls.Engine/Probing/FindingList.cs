using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Probing;

/// <summary>Collects findings with their messages in the caller's language, one per id.</summary>
internal sealed class FindingList
{
    private readonly List<SmtpTlsFinding> _items = new();
    private readonly CultureInfo _culture;

    /// <summary>An empty list whose messages are written in <paramref name="culture"/>.</summary>
    public FindingList(CultureInfo culture)
    {
        _culture = culture;
    }

    /// <summary>Whether a finding with <paramref name="id"/> is there.</summary>
    public bool Contains(SmtpTlsFindingId id) => _items.Any(f => f.Id == id.ToString());

    /// <summary>The most severe level among the findings; null when there are none.</summary>
    public SmtpTlsFindingSeverity? WorstSeverity => _items.Count == 0 ? null : _items.Max(f => f.Level);

    /// <summary>Adds a finding unless one with the same id is there already (the first cause is the one to fix).</summary>
    public void Add(SmtpTlsFindingId id, SmtpTlsFindingSeverity severity, string textKey, params object?[] args)
    {
        if (Contains(id))
        {
            return;
        }

        _items.Add(new SmtpTlsFinding(id, severity, LocalizedText.Format(textKey, _culture, args)));
    }

    /// <summary>Worst first; within a severity, in the order found.</summary>
    public SmtpTlsFinding[] ToArray() => _items.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Level).ThenBy(x => x.i).Select(x => x.f).ToArray();
}
