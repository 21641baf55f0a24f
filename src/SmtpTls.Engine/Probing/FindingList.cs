using System.Collections.Generic;
using System.Globalization;
using SmtpTls.Localization;

namespace SmtpTls.Probing;

/// <summary>Collects findings with their messages in the caller's language, one per id.</summary>
internal sealed class FindingList
{
    // Loops, not LINQ: every check builds one of these, and each LINQ shape over it is code the JIT compiles per process.
    private readonly List<SmtpTlsFinding> _items = new();
    private readonly List<SmtpTlsFindingId> _ids = new();
    private readonly CultureInfo _culture;

    /// <summary>An empty list whose messages are written in <paramref name="culture"/>.</summary>
    public FindingList(CultureInfo culture)
    {
        _culture = culture;
    }

    /// <summary>Whether a finding with <paramref name="id"/> is there.</summary>
    public bool Contains(SmtpTlsFindingId id) => _ids.Contains(id);

    /// <summary>The most severe level among the findings; null when there are none.</summary>
    public SmtpTlsFindingSeverity? WorstSeverity
    {
        get
        {
            SmtpTlsFindingSeverity? worst = null;
            foreach (var finding in _items)
            {
                if (worst is null || finding.Level > worst.Value)
                {
                    worst = finding.Level;
                }
            }

            return worst;
        }
    }

    /// <summary>Adds a finding unless one with the same id is there already (the first cause is the one to fix).</summary>
    public void Add(SmtpTlsFindingId id, SmtpTlsFindingSeverity severity, string textKey, params object?[] args)
    {
        if (Contains(id))
        {
            return;
        }

        _items.Add(new SmtpTlsFinding(id, severity, LocalizedText.Format(textKey, _culture, args)));
        _ids.Add(id);
    }

    /// <summary>Worst first; within a severity, in the order found.</summary>
    public SmtpTlsFinding[] ToArray()
    {
        // A stable insertion sort: a handful of findings at most.
        var sorted = _items.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            var finding = sorted[i];
            var j = i - 1;
            for (; j >= 0 && sorted[j].Level < finding.Level; j--)
            {
                sorted[j + 1] = sorted[j];
            }

            sorted[j + 1] = finding;
        }

        return sorted;
    }
}
