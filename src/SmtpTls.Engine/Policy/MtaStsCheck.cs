using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>The MTA-STS part of the domain check: record, policy fetch and parse, MX and certificate checks, findings.</summary>
internal static class MtaStsCheck
{
    /// <summary>Looks up the domain's MTA-STS record and, when there is one, fetches and parses its policy.</summary>
    public static async Task<SmtpMtaStsResult> LookUpAsync(string domain, DomainPolicyOptions options, DateTimeOffset now, CultureInfo culture, CancellationToken cancellationToken)
    {
        var result = new SmtpMtaStsResult { RecordName = "_mta-sts." + domain, PolicyHost = "mta-sts." + domain };
        var lookup = await options.Resolver.QueryTxtAsync(result.RecordName, cancellationToken).ConfigureAwait(false);
        result.RecordLookupStatus = lookup.Status.ToString();
        result.TxtRecords = lookup.Records.ToArray();
        switch (lookup.Status)
        {
            case SmtpDnsStatus.Ok:
                result.Record = MtaStsRecordParser.Select(lookup.Records, culture);
                break;
            case SmtpDnsStatus.NoRecords:
            case SmtpDnsStatus.NxDomain:
                break;
            default:
                // Senders that cannot read the record fall back to a cached policy or none: not usable now.
                result.Status = nameof(SmtpPolicyState.Invalid);
                result.FetchError = LocalizedText.Format("Policy.Dns.LookupFailed", culture, result.RecordName, lookup.Query.Error ?? lookup.Status.ToString());
                return result;
        }

        if (result.Record is null)
        {
            result.Status = nameof(SmtpPolicyState.Missing);
            return result;
        }

        // Fetched even when the record is faulty: the administrator learns about both problems at once.
        var fetch = await MtaStsPolicyFetcher.FetchAsync(domain, options, now, culture, cancellationToken).ConfigureAwait(false);
        result.PolicyUrl = fetch.Url;
        result.PolicyHostAddress = fetch.Address;
        result.PolicyHostCertificate = fetch.Certificate;
        result.HttpStatus = fetch.HttpStatus;
        result.ContentType = fetch.ContentType;
        result.RedirectLocation = fetch.RedirectLocation;
        result.FetchError = fetch.Error;
        if (fetch.Succeeded)
        {
            result.Policy = MtaStsPolicyParser.Parse(fetch.Body!, culture);
            result.PolicyText = result.Policy.Text;
        }

        result.Status = result.Record.IsValid && result.Policy is { IsValid: true }
            ? nameof(SmtpPolicyState.Valid)
            : nameof(SmtpPolicyState.Invalid);
        return result;
    }

    /// <summary>Holds every endpoint against a valid policy in enforce or testing mode.</summary>
    public static void CheckEndpoints(SmtpMtaStsResult result, IReadOnlyList<MxEndpoint> endpoints)
    {
        if (result.Status != nameof(SmtpPolicyState.Valid) || result.Policy!.ModeValue is not (SmtpMtaStsMode.Enforce or SmtpMtaStsMode.Testing))
        {
            return;
        }

        result.MxChecks = endpoints.Select(e =>
        {
            var pattern = result.Policy.Mx.FirstOrDefault(p => MtaStsMxPattern.Matches(p, e.MxHost));
            var check = new SmtpMtaStsMxCheck
            {
                MxHost = e.MxHost,
                Address = e.Address,
                MatchedPattern = pattern,
                PatternMatch = pattern is not null,
                CertificatePresented = e.Certificate is not null,
                ChainValid = e.Certificate?.ChainValid,
                HostnameMatch = e.HostnameMatch,
            };
            check.CertificateAccepted = check.CertificatePresented && check.ChainValid == true && check.HostnameMatch == true;
            return check;
        }).ToArray();
    }

    /// <summary>Judges the record, the policy and its fit with the MX hosts and the certificates they presented.</summary>
    public static void AddFindings(
        PolicyFindingList findings,
        SmtpMtaStsResult result,
        string domain,
        IReadOnlyList<MxEndpoint> endpoints,
        bool daneCoversEveryMx,
        DateTimeOffset now,
        CultureInfo culture)
    {
        var mxHosts = endpoints.Select(e => e.MxHost).Distinct(StringComparer.Ordinal).ToList();
        var txt = PolicyRemedies.MtaStsRecord(domain, now);
        if (result.Status == nameof(SmtpPolicyState.Missing))
        {
            // Without MTA-STS, DANE still protects a domain whose every MX it covers: then it is only worth knowing.
            findings.Add(
                SmtpPolicyFindingId.MtaStsMissing,
                daneCoversEveryMx ? SmtpTlsFindingSeverity.Info : SmtpTlsFindingSeverity.Warning,
                domain,
                "Message",
                new object?[] { domain },
                "Remediation",
                new object?[] { domain, PolicyRemedies.PolicyText(mxHosts, "testing", PolicyRemedies.SuggestedMaxAge), txt });
            return;
        }

        if (result.Status == nameof(SmtpPolicyState.Invalid))
        {
            var problems = new List<string>();
            if (result.Record is { IsValid: false } record)
            {
                problems.Add(LocalizedText.Format("Policy.Finding.MtaStsInvalid.Record", culture, result.RecordName, string.Join(" ", record.Errors)));
            }

            if (result.FetchError is { } fetchError)
            {
                problems.Add(fetchError);
            }

            if (result.Policy is { IsValid: false } policy)
            {
                var lines = policy.Errors.Select(e => e.Line > 0
                    ? LocalizedText.Format("Policy.Finding.MtaStsInvalid.Line", culture, e.Line, e.Message)
                    : e.Message);
                problems.Add(LocalizedText.Format("Policy.Finding.MtaStsInvalid.Policy", culture, string.Join(" ", lines)));
            }

            var mode = result.Policy?.ModeValue is SmtpMtaStsMode.Enforce ? "enforce" : "testing";
            var maxAge = result.Policy?.MaxAge is { } age && age > 0 && age <= SmtpMtaStsPolicy.MaxAllowedAge ? age : PolicyRemedies.SuggestedMaxAge;
            findings.Add(
                SmtpPolicyFindingId.MtaStsInvalid,
                SmtpTlsFindingSeverity.Error,
                domain,
                "Message",
                new object?[] { domain, string.Join(" ", problems) },
                "Remediation",
                new object?[] { domain, PolicyRemedies.PolicyText(mxHosts, mode, maxAge), txt });
            return;
        }

        var enforce = result.Policy!.ModeValue == SmtpMtaStsMode.Enforce;
        var severity = enforce ? SmtpTlsFindingSeverity.Error : SmtpTlsFindingSeverity.Warning;
        var consequence = enforce ? "Enforce" : "Testing";
        foreach (var check in result.MxChecks.Where(c => !c.PatternMatch).GroupBy(c => c.MxHost).Select(g => g.First()))
        {
            findings.Add(
                SmtpPolicyFindingId.MtaStsMxMismatch,
                severity,
                check.MxHost,
                "Message." + consequence,
                new object?[] { check.MxHost, string.Join(", ", result.Policy.Mx) },
                "Remediation",
                new object?[] { check.MxHost, result.PolicyUrl, result.RecordName, txt });
        }

        for (var i = 0; i < result.MxChecks.Length; i++)
        {
            var check = result.MxChecks[i];
            if (check.CertificateAccepted)
            {
                continue;
            }

            string problem;
            if (!check.CertificatePresented)
            {
                problem = LocalizedText.Get("Policy.Finding.MtaStsCertificateInvalid.NoCertificate", culture);
            }
            else
            {
                var reasons = new List<string>();
                if (check.HostnameMatch != true)
                {
                    var info = endpoints[i].Certificate!;
                    var names = info.DnsNames.Length > 0 ? string.Join(", ", info.DnsNames) : info.CommonName ?? "-";
                    reasons.Add(LocalizedText.Format("Policy.Finding.MtaStsCertificateInvalid.Name", culture, check.MxHost, names));
                }

                if (check.ChainValid != true)
                {
                    var status = endpoints[i].Certificate!.ChainStatus;
                    reasons.Add(status.Length > 0 ? string.Join("; ", status) : LocalizedText.Get("Policy.Finding.MtaStsCertificateInvalid.Chain", culture));
                }

                // The chain texts end with a full stop; the sentence around them adds its own.
                problem = string.Join("; ", reasons).TrimEnd('.', ' ');
            }

            findings.Add(
                SmtpPolicyFindingId.MtaStsCertificateInvalid,
                severity,
                endpoints[i].Target,
                "Message." + consequence,
                new object?[] { endpoints[i].Target, problem },
                "Remediation",
                new object?[] { check.MxHost });
        }
    }
}
