using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Dns;
using SmtpTls.Dns.Dnssec;

namespace SmtpTls.Policy;

/// <summary>The DANE part of the domain check for one MX host: TLSA lookup, comparison with every endpoint's chain, findings.</summary>
internal static class DaneCheck
{
    /// <summary>Looks up the TLSA records of one MX host and compares them with the chain each endpoint presented.</summary>
    public static async Task<SmtpDaneHostResult> CheckAsync(
        string domain,
        string mxHost,
        int port,
        IReadOnlyList<MxEndpoint> endpoints,
        DomainPolicyOptions options,
        DnssecValidator? validator,
        DateTimeOffset now,
        CultureInfo culture,
        CancellationToken cancellationToken)
    {
        var result = new SmtpDaneHostResult
        {
            MxHost = mxHost,
            Port = port,
            TlsaName = "_" + port.ToString(CultureInfo.InvariantCulture) + "._tcp." + mxHost,
        };

        // The resolver's own answer (for its AD bit) and, with a trust anchor, the validated one, side by side.
        var lookupTask = options.Resolver.QueryTlsaAsync(result.TlsaName, cancellationToken);
        var validatedTask = validator is null ? null : DaneDnssec.ValidateHostAsync(validator, result, cancellationToken);
        var lookup = await lookupTask.ConfigureAwait(false);
        var validated = validatedTask is null ? null : await validatedTask.ConfigureAwait(false);

        result.LookupStatus = lookup.Status.ToString();
        result.AuthenticatedData = lookup.AuthenticatedData;
        result.Records = lookup.Records.ToArray();
        var status = lookup.Status;
        if (validated is not null && validated.Security != DnssecSecurity.Indeterminate)
        {
            // The validated answer was fetched with CD=1: it holds the records even where a validating resolver says SERVFAIL.
            status = validated.Status;
            result.LookupStatus = status.ToString();
            result.Records = DaneDnssec.TlsaRecords(validated);
        }

        result.Endpoints = endpoints.Select(endpoint => new SmtpDaneEndpointResult
        {
            Address = endpoint.Address,
            CertificatePresented = endpoint.PresentedChain.Count > 0,
            TlsaSha256 = TlsaSha256(endpoint),
        }).ToArray();

        switch (status)
        {
            case SmtpDnsStatus.Ok:
                break;
            case SmtpDnsStatus.NoRecords:
            case SmtpDnsStatus.NxDomain:
                result.Status = nameof(SmtpDaneState.NoRecords);
                return result;
            default:
                result.Status = nameof(SmtpDaneState.LookupFailed);
                return result;
        }

        result.UsableRecords = result.Records.Count(TlsaMatcher.IsUsable);

        // RFC 7672 section 3.2.2: a DANE-TA leaf must name the TLSA base domain (the MX host) or the next-hop domain.
        var referenceNames = new[] { mxHost, domain };
        for (var i = 0; i < endpoints.Count; i++)
        {
            var chain = endpoints[i].PresentedChain;
            var matches = result.Records.Select(r => TlsaMatcher.Compare(r, chain, referenceNames, now, culture)).ToArray();
            result.Endpoints[i].Records = matches;
            result.Endpoints[i].Matched = matches.Any(m => m.Outcome == SmtpTlsaMatchResult.Match);
        }

        result.Status = result.UsableRecords == 0 ? nameof(SmtpDaneState.Unusable)
            : result.Endpoints.All(e => e.Matched) ? nameof(SmtpDaneState.Matched)
            : nameof(SmtpDaneState.Mismatch);
        return result;
    }

    /// <summary>Judges one MX host's DANE result: DNSSEC, usable records, matches, rollover readiness.</summary>
    public static void AddFindings(PolicyFindingList findings, SmtpDaneHostResult result, IReadOnlyList<MxEndpoint> endpoints, IReadOnlyList<string> dnsServers)
    {
        if (result.Dnssec is not null && !DaneDnssec.AddFindings(findings, result, dnsServers))
        {
            return;
        }

        switch (result.Status)
        {
            case nameof(SmtpDaneState.NoRecords):
                return;
            case nameof(SmtpDaneState.LookupFailed):
                findings.Add(
                    SmtpPolicyFindingId.DaneLookupFailed,
                    SmtpTlsFindingSeverity.Warning,
                    result.MxHost,
                    "Message",
                    new object?[] { result.TlsaName, result.LookupStatus, result.MxHost },
                    "Remediation",
                    new object?[] { result.MxHost });
                return;
        }

        if (result.Dnssec is null && !result.AuthenticatedData)
        {
            findings.Add(
                SmtpPolicyFindingId.DaneNotValidated,
                SmtpTlsFindingSeverity.Warning,
                result.MxHost,
                "Message",
                new object?[] { result.TlsaName, string.Join(", ", dnsServers) },
                "Remediation",
                new object?[] { result.TlsaName, result.MxHost });
        }

        var suggestion = SuggestedRecord(result);
        if (result.Status == nameof(SmtpDaneState.Unusable))
        {
            var reasons = result.Records.Select(r => "'" + r + "': " + TlsaMatcher.UnusableReason(r, CultureOf(findings)));
            findings.Add(
                SmtpPolicyFindingId.DaneUnusable,
                SmtpTlsFindingSeverity.Warning,
                result.MxHost,
                "Message",
                new object?[] { result.TlsaName, string.Join("; ", reasons) },
                suggestion is null ? "Remediation.Generic" : "Remediation",
                new object?[] { suggestion });
            return;
        }

        for (var i = 0; i < result.Endpoints.Length; i++)
        {
            var endpoint = result.Endpoints[i];
            if (endpoint.Matched)
            {
                continue;
            }

            var record = endpoint.TlsaSha256 is null ? null : PolicyRemedies.TlsaRecord(result.TlsaName, endpoint.TlsaSha256);
            findings.Add(
                SmtpPolicyFindingId.DaneMismatch,
                SmtpTlsFindingSeverity.Error,
                endpoints[i].Target,
                endpoint.CertificatePresented ? "Message" : "Message.NoCertificate",
                new object?[] { result.UsableRecords, result.TlsaName, endpoints[i].Target },
                record is null ? "Remediation.Generic" : "Remediation",
                new object?[] { record });
        }
    }

    private static string? SuggestedRecord(SmtpDaneHostResult result)
    {
        var sha = result.Endpoints.Select(e => e.TlsaSha256).FirstOrDefault(s => s is not null);
        return sha is null ? null : PolicyRemedies.TlsaRecord(result.TlsaName, sha);
    }

    private static string? TlsaSha256(MxEndpoint endpoint)
    {
        var info = endpoint.Certificate;
        if (info is null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(info.TlsaSha256))
        {
            return info.TlsaSha256;
        }

        var leaf = endpoint.PresentedChain.FirstOrDefault();
        return leaf is null ? null : CertificateFacts.Hex(TlsaMatcher.AssociationData(leaf, 1, 1), upper: false);
    }

    private static CultureInfo CultureOf(PolicyFindingList findings) => findings.Culture;
}
