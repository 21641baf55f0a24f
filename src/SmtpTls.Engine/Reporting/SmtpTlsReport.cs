using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SmtpTls.Reporting;

/// <summary>
/// A fleet report built from check results: counts by status, findings by id, certificates expiring per
/// week, the policy verdicts per domain, and one row per result. <see cref="HtmlReportWriter"/> writes it.
/// </summary>
/// <remarks>
/// Takes <see cref="SmtpTlsResult"/> (Test-SmtpTls), <see cref="SmtpCertificateInfo"/> (Get-SmtpCertificate)
/// and <see cref="SmtpSendResult"/> (Send-SmtpTestMessage); <see cref="TryAdd"/> refuses anything else.
/// All text is kept as given: escaping is the writer's job.
/// </remarks>
public sealed class SmtpTlsReport
{
    /// <summary>How many weeks ahead the expiry chart covers.</summary>
    public const int ExpiryWeeks = 12;

    private static readonly string[] StatusOrder = { "Passed", "Warning", "Failed", "Error" };
    private readonly Dictionary<string, SmtpTlsReportPolicy> _policies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTime> _certificateExpiry = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates an empty report.</summary>
    /// <param name="culture">The language of the report's texts (en or de; others fall back to English).</param>
    /// <param name="generatedAt">When the report is made; the reference time of the expiry chart.</param>
    public SmtpTlsReport(CultureInfo? culture, DateTimeOffset generatedAt)
    {
        Culture = culture ?? CultureInfo.CurrentUICulture;
        GeneratedAt = generatedAt;
    }

    /// <summary>The language of the report's texts.</summary>
    public CultureInfo Culture { get; }

    /// <summary>When the report was made.</summary>
    public DateTimeOffset GeneratedAt { get; }

    /// <summary>The report's heading; a default one when empty.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>One row per result, in the order they were added.</summary>
    public List<SmtpTlsReportRow> Rows { get; } = new();

    /// <summary>The policy verdicts, one per domain, in the order the domains were first seen.</summary>
    public IReadOnlyList<SmtpTlsReportPolicy> Policies => _policies.Values.ToList();

    /// <summary>Adds a result of any of the module's checks.</summary>
    /// <param name="item">A <see cref="SmtpTlsResult"/>, <see cref="SmtpCertificateInfo"/> or <see cref="SmtpSendResult"/>.</param>
    /// <returns>False when the item is none of those (nothing is added).</returns>
    public bool TryAdd(object? item)
    {
        switch (item)
        {
            case SmtpTlsResult result:
                Rows.Add(FromResult(result));
                AddCertificate(result.Certificate);
                AddPolicy(result.Policy);
                return true;
            case SmtpCertificateInfo certificate:
                Rows.Add(FromCertificate(certificate));
                AddCertificate(certificate);
                return true;
            case SmtpSendResult sent:
                Rows.Add(FromSend(sent));
                AddCertificate(sent.Certificate);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The number of rows per status, Passed, Warning, Failed, Error first, then any other status seen.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> StatusCounts()
    {
        var counts = Rows.GroupBy(r => r.Status, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var ordered = StatusOrder.Select(s => new KeyValuePair<string, int>(s, counts.TryGetValue(s, out var n) ? n : 0)).ToList();
        ordered.AddRange(counts.Where(c => !StatusOrder.Contains(c.Key, StringComparer.OrdinalIgnoreCase)).OrderBy(c => c.Key, StringComparer.Ordinal));
        return ordered;
    }

    /// <summary>How many rows carry each finding id (Info findings left out), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> FindingCounts() =>
        Rows.SelectMany(r => r.Findings.Where(f => f.Severity != "Info").Select(f => f.Id).Distinct(StringComparer.Ordinal))
            .GroupBy(id => id, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Distinct certificates (by SHA-256 fingerprint) per week of expiry: one bucket for those expired
    /// already, then <see cref="ExpiryWeeks"/> weeks starting with the current one (weeks start on Monday).
    /// </summary>
    public IReadOnlyList<SmtpTlsReportWeek> ExpiryByWeek()
    {
        var today = GeneratedAt.LocalDateTime.Date;
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weeks = new List<SmtpTlsReportWeek> { new() { Start = DateTime.MinValue, IsExpired = true } };
        for (var i = 0; i < ExpiryWeeks; i++)
        {
            weeks.Add(new SmtpTlsReportWeek { Start = monday.AddDays(7 * i) });
        }

        foreach (var notAfter in _certificateExpiry.Values)
        {
            if (notAfter < GeneratedAt.LocalDateTime)
            {
                weeks[0].Certificates++;
                continue;
            }

            var index = (int)Math.Floor((notAfter.Date - monday).TotalDays / 7);
            if (index >= 0 && index < ExpiryWeeks)
            {
                weeks[index + 1].Certificates++;
            }
        }

        return weeks;
    }

    private static SmtpTlsReportRow FromResult(SmtpTlsResult result)
    {
        var row = new SmtpTlsReportRow
        {
            Kind = "Test",
            Server = (result.MxHost is not null && !string.Equals(result.MxHost, result.Server, StringComparison.OrdinalIgnoreCase) ? result.MxHost + " " : string.Empty) + result.Server,
            Port = result.Port,
            Address = result.Address ?? string.Empty,
            Domain = result.Domain ?? string.Empty,
            Status = result.Status,
            Protocol = result.Protocol ?? string.Empty,
            Banner = result.Banner ?? string.Empty,
            Summary = result.Resolution?.Summary ?? string.Empty,
        };
        SetCertificate(row, result.Certificate);
        var remediation = AdministratorSteps(result.Resolution);
        foreach (var finding in result.Findings)
        {
            row.Findings.Add(new SmtpTlsReportFinding
            {
                Id = finding.Id,
                Severity = finding.Severity,
                Message = finding.Message,
                // The resolution explains the failure, which the first Error finding names.
                Remediation = finding.Level == SmtpTlsFindingSeverity.Error ? remediation : string.Empty,
            });
            if (finding.Level == SmtpTlsFindingSeverity.Error)
            {
                remediation = string.Empty;
            }
        }

        return row;
    }

    private static SmtpTlsReportRow FromCertificate(SmtpCertificateInfo certificate)
    {
        var row = new SmtpTlsReportRow
        {
            Kind = "Certificate",
            Server = certificate.Server,
            Port = certificate.Port,
            Status = certificate.IsValid ? (certificate.ExpiresSoon ? "Warning" : "Passed") : "Failed",
        };
        SetCertificate(row, certificate);
        foreach (var problem in certificate.ChainStatus)
        {
            var colon = problem.IndexOf(':');
            row.Findings.Add(new SmtpTlsReportFinding
            {
                Id = colon > 0 ? problem.Substring(0, colon) : problem,
                Severity = "Error",
                Message = colon > 0 ? problem.Substring(colon + 1).Trim() : problem,
            });
        }

        if (certificate.HostnameMatch == false)
        {
            row.Findings.Add(new SmtpTlsReportFinding { Id = "HostnameMismatch", Severity = "Error", Message = certificate.ServerName ?? string.Empty });
        }

        return row;
    }

    private static SmtpTlsReportRow FromSend(SmtpSendResult sent)
    {
        var row = new SmtpTlsReportRow
        {
            Kind = "Send",
            Server = sent.Server,
            Port = sent.Port,
            Address = sent.Address ?? string.Empty,
            Status = sent.Accepted ? "Passed" : "Failed",
            Protocol = sent.Protocol ?? string.Empty,
            Summary = sent.Resolution?.Summary ?? sent.ErrorMessage ?? string.Empty,
        };
        SetCertificate(row, sent.Certificate);
        if (!string.IsNullOrEmpty(sent.ErrorId))
        {
            row.Findings.Add(new SmtpTlsReportFinding
            {
                Id = sent.ErrorId!,
                Severity = "Error",
                Message = sent.ErrorMessage ?? string.Empty,
                Remediation = AdministratorSteps(sent.Resolution),
            });
        }

        foreach (var warning in sent.Warnings)
        {
            row.Findings.Add(new SmtpTlsReportFinding { Id = "Warning", Severity = "Warning", Message = warning });
        }

        return row;
    }

    private static void SetCertificate(SmtpTlsReportRow row, SmtpCertificateInfo? certificate)
    {
        if (certificate is null)
        {
            return;
        }

        row.Subject = certificate.Subject;
        row.Issuer = certificate.Issuer;
        row.Expires = certificate.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        row.DaysUntilExpiry = certificate.DaysUntilExpiry;
    }

    private static string AdministratorSteps(SmtpErrorResolution? resolution) =>
        resolution is null
            ? string.Empty
            // One step per line: the page keeps the line breaks.
            : string.Join("\n", resolution.Remediation.Where(s => s.Audience == SmtpRemediationAudience.Administrator)
                .Select(s => s.Action + (string.IsNullOrEmpty(s.Command) ? string.Empty : " (" + s.Command + ")")));

    private void AddCertificate(SmtpCertificateInfo? certificate)
    {
        if (certificate is not null && certificate.Sha256Fingerprint.Length > 0)
        {
            _certificateExpiry[certificate.Sha256Fingerprint] = certificate.NotAfter;
        }
    }

    private void AddPolicy(SmtpDomainPolicyResult? policy)
    {
        if (policy is null || policy.Domain.Length == 0 || _policies.ContainsKey(policy.Domain))
        {
            return;
        }

        _policies[policy.Domain] = new SmtpTlsReportPolicy
        {
            Domain = policy.Domain,
            Status = policy.Status,
            MtaSts = policy.MtaStsSummary,
            Dane = policy.DaneSummary,
            TlsRpt = policy.TlsRptSummary,
            Findings = policy.FindingsSummary,
        };
    }
}
