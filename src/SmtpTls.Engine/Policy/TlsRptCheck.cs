using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>The TLS-RPT part of the domain check: the <c>_smtp._tls</c> record and its findings.</summary>
internal static class TlsRptCheck
{
    /// <summary>Looks up and parses the domain's TLS-RPT record (RFC 8460 §3).</summary>
    /// <returns>The result, and why the lookup failed when it did.</returns>
    public static async Task<(SmtpTlsRptResult Result, string? LookupError)> LookUpAsync(string domain, DomainPolicyOptions options, CultureInfo culture, CancellationToken cancellationToken)
    {
        var result = new SmtpTlsRptResult { RecordName = "_smtp._tls." + domain };
        var lookup = await options.Resolver.QueryTxtAsync(result.RecordName, cancellationToken).ConfigureAwait(false);
        result.RecordLookupStatus = lookup.Status.ToString();
        result.TxtRecords = lookup.Records.ToArray();
        switch (lookup.Status)
        {
            case SmtpDnsStatus.Ok:
                result.Record = TlsRptRecordParser.Select(lookup.Records, culture);
                result.Status = result.Record is null ? nameof(SmtpPolicyState.Missing)
                    : result.Record.IsValid ? nameof(SmtpPolicyState.Valid)
                    : nameof(SmtpPolicyState.Invalid);
                return (result, null);
            case SmtpDnsStatus.NoRecords:
            case SmtpDnsStatus.NxDomain:
                result.Status = nameof(SmtpPolicyState.Missing);
                return (result, null);
            default:
                result.Status = nameof(SmtpPolicyState.Invalid);
                return (result, LocalizedText.Format("Policy.Dns.LookupFailed", culture, result.RecordName, lookup.Query.Error ?? lookup.Status.ToString()));
        }
    }

    /// <param name="findings">Where the findings go.</param>
    /// <param name="result">The TLS-RPT result.</param>
    /// <param name="lookupError">Why the lookup failed, or null.</param>
    /// <param name="domain">The domain (ASCII).</param>
    /// <param name="reportsMatter">Whether MTA-STS or DANE is published, so that senders have failures to report.</param>
    public static void AddFindings(PolicyFindingList findings, SmtpTlsRptResult result, string? lookupError, string domain, bool reportsMatter)
    {
        var record = PolicyRemedies.TlsRptRecord(domain);
        if (result.Status == nameof(SmtpPolicyState.Missing))
        {
            findings.Add(
                SmtpPolicyFindingId.TlsRptMissing,
                reportsMatter ? SmtpTlsFindingSeverity.Warning : SmtpTlsFindingSeverity.Info,
                domain,
                "Message",
                new object?[] { domain },
                "Remediation",
                new object?[] { record });
        }
        else if (result.Status == nameof(SmtpPolicyState.Invalid))
        {
            findings.Add(
                SmtpPolicyFindingId.TlsRptInvalid,
                SmtpTlsFindingSeverity.Warning,
                domain,
                "Message",
                new object?[] { domain, lookupError ?? string.Join(" ", result.Record?.Errors ?? new string[0]) },
                "Remediation",
                new object?[] { record });
        }
    }
}
