using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace SmtpTls.Policy;

/// <summary>The CAs whose intermediates change on renewals (Knowledge/DaneIssuers.xml), for the DANE-TA rollover check.</summary>
internal sealed class DaneIssuerKnowledge
{
    private static readonly Lazy<IReadOnlyList<DaneIssuerKnowledge>> All = new(Load);

    private DaneIssuerKnowledge(XElement element)
    {
        Name = (string?)element.Attribute("name") ?? string.Empty;
        Organizations = Split(element, "organizations");
        Intermediates = Split(element, "intermediates");
        Roots = Split(element, "roots");
        Successors = (string?)element.Attribute("successors") ?? string.Empty;
        Source = (string?)element.Attribute("source") ?? string.Empty;
    }

    /// <summary>The CA's name.</summary>
    public string Name { get; }

    /// <summary>The O values its certificates carry.</summary>
    public IReadOnlyList<string> Organizations { get; }

    /// <summary>The CNs of its issuing intermediates, which renewals rotate among.</summary>
    public IReadOnlyList<string> Intermediates { get; }

    /// <summary>The CNs of its roots, the stable anchors for DANE-TA.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The intermediates renewals are moving to, as text for the finding.</summary>
    public string Successors { get; }

    /// <summary>Where the list of intermediates comes from.</summary>
    public string Source { get; }

    /// <summary>Every entry of the knowledge file, loaded once.</summary>
    public static IReadOnlyList<DaneIssuerKnowledge> Entries => All.Value;

    /// <summary>The entry whose intermediate (by CN and O) <paramref name="subject"/> is, or null.</summary>
    public static DaneIssuerKnowledge? IntermediateOf(string? subject) => Find(subject, e => e.Intermediates);

    /// <summary>The entry whose root <paramref name="subject"/> is, or null.</summary>
    public static DaneIssuerKnowledge? RootOf(string? subject) => Find(subject, e => e.Roots);

    /// <summary>The value of one relative distinguished name (<c>CN</c>, <c>O</c>) in an X.500 name as .NET writes it.</summary>
    internal static string? Attribute(string subject, string key)
    {
        foreach (var part in subject.Split(','))
        {
            var pair = part.Trim();
            if (pair.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase))
            {
                return pair.Substring(key.Length + 1).Trim().Trim('"');
            }
        }

        return null;
    }

    private static DaneIssuerKnowledge? Find(string? subject, Func<DaneIssuerKnowledge, IReadOnlyList<string>> names)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var cn = Attribute(subject!, "CN");
        var o = Attribute(subject!, "O");
        return Entries.FirstOrDefault(e =>
            cn is not null && names(e).Contains(cn, StringComparer.OrdinalIgnoreCase) &&
            o is not null && e.Organizations.Contains(o, StringComparer.OrdinalIgnoreCase));
    }

    private static IReadOnlyList<string> Split(XElement element, string attribute) =>
        ((string?)element.Attribute(attribute) ?? string.Empty).Split(new[] { '|' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToArray();

    private static IReadOnlyList<DaneIssuerKnowledge> Load()
    {
        using var stream = typeof(DaneIssuerKnowledge).Assembly.GetManifestResourceStream("SmtpTls.Policy.Knowledge.DaneIssuers.xml")
            ?? throw new InvalidOperationException("The embedded DANE issuer knowledge is missing.");
        return XDocument.Load(stream).Root!.Elements("issuer").Select(e => new DaneIssuerKnowledge(e)).ToArray();
    }
}
