using System.Collections.Generic;
using System.Globalization;

namespace SmtpTls.Reporting;

/// <summary>The report's own words in English and German; texts from servers and findings are not here.</summary>
internal static class ReportLabels
{
    private static readonly Dictionary<string, string> English = new()
    {
        ["title"] = "SmtpTls report",
        ["generated"] = "Generated",
        ["summary"] = "Summary",
        ["results"] = "Results",
        ["byStatus"] = "Results by status",
        ["byFinding"] = "Findings by id (results that have them; Info left out)",
        ["expiry"] = "Certificates expiring per week (distinct certificates)",
        ["expired"] = "expired",
        ["weekOf"] = "week of",
        ["noFindings"] = "No findings.",
        ["policies"] = "Domain policies (MTA-STS, DANE, TLS-RPT)",
        ["domain"] = "Domain",
        ["status"] = "Status",
        ["server"] = "Server",
        ["port"] = "Port",
        ["protocol"] = "Protocol",
        ["certificate"] = "Certificate",
        ["expires"] = "Expires",
        ["days"] = "Days",
        ["findings"] = "Findings",
        ["count"] = "Count",
        ["filter"] = "Filter (server, domain, finding, certificate)",
        ["allStatuses"] = "All statuses",
        ["shown"] = "{0} of {1} results",
        ["page"] = "Page {0} of {1}",
        ["previous"] = "Previous",
        ["next"] = "Next",
        ["message"] = "Message",
        ["remediation"] = "What to do",
        ["banner"] = "Banner",
        ["issuer"] = "Issuer",
        ["meaning"] = "Meaning",
        ["details"] = "Click a row for its findings and what to do.",
        ["noScript"] = "The results table needs JavaScript; the summary above does not.",
        ["kind"] = "Kind",
    };

    private static readonly Dictionary<string, string> German = new()
    {
        ["title"] = "SmtpTls-Bericht",
        ["generated"] = "Erstellt",
        ["summary"] = "Übersicht",
        ["results"] = "Ergebnisse",
        ["byStatus"] = "Ergebnisse nach Status",
        ["byFinding"] = "Befunde nach Kennung (Ergebnisse, die sie haben; ohne Info)",
        ["expiry"] = "Ablaufende Zertifikate je Woche (verschiedene Zertifikate)",
        ["expired"] = "abgelaufen",
        ["weekOf"] = "Woche ab",
        ["noFindings"] = "Keine Befunde.",
        ["policies"] = "Richtlinien der Domains (MTA-STS, DANE, TLS-RPT)",
        ["domain"] = "Domain",
        ["status"] = "Status",
        ["server"] = "Server",
        ["port"] = "Port",
        ["protocol"] = "Protokoll",
        ["certificate"] = "Zertifikat",
        ["expires"] = "Läuft ab",
        ["days"] = "Tage",
        ["findings"] = "Befunde",
        ["count"] = "Anzahl",
        ["filter"] = "Filter (Server, Domain, Befund, Zertifikat)",
        ["allStatuses"] = "Alle Status",
        ["shown"] = "{0} von {1} Ergebnissen",
        ["page"] = "Seite {0} von {1}",
        ["previous"] = "Zurück",
        ["next"] = "Weiter",
        ["message"] = "Meldung",
        ["remediation"] = "Was zu tun ist",
        ["banner"] = "Begrüßung",
        ["issuer"] = "Aussteller",
        ["meaning"] = "Bedeutung",
        ["details"] = "Eine Zeile anklicken zeigt ihre Befunde und was zu tun ist.",
        ["noScript"] = "Die Ergebnistabelle braucht JavaScript, die Übersicht oben nicht.",
        ["kind"] = "Art",
    };

    /// <summary>The language used for <paramref name="culture"/>: de for German cultures, else en.</summary>
    public static string Language(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "de" ? "de" : "en";

    /// <summary>All labels of the language chosen for <paramref name="culture"/>.</summary>
    public static IReadOnlyDictionary<string, string> For(CultureInfo culture) =>
        Language(culture) == "de" ? German : English;
}
