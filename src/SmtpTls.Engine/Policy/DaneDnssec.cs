using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Diagnostics;
using SmtpTls.Dns;
using SmtpTls.Dns.Dnssec;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// The DNSSEC side of the DANE check, validated inside SmtpTls from a trust anchor: the state of the
/// MX, address and TLSA answers per MX host, the findings they lead to (Bogus, Insecure, rollover,
/// expiring signatures) and what senders at each TLS security level would do with each MX address.
/// <see cref="DomainPolicyChecker"/> calls it when <see cref="DomainPolicyOptions.DnssecTrustAnchor"/> is set.
/// </summary>
internal static class DaneDnssec
{
    /// <summary>The sender levels judged, in the order results list them.</summary>
    public static readonly string[] Levels = { "dane", "dane-only", "verify", "secure" };

    /// <summary>Creates the validator for one check from the options; null when validation is off.</summary>
    public static SmtpDnssecValidator? CreateValidator(DomainPolicyOptions options, DateTimeOffset? now)
    {
        if (options.DnssecTrustAnchor is null)
        {
            return null;
        }

        try
        {
            return new SmtpDnssecValidator(options.Resolver, options.DnssecTrustAnchor, now);
        }
        catch (ArgumentException)
        {
            // The resolver's server cannot be asked directly: every host then says NotValidated with the reason.
            return null;
        }
    }

    /// <summary>Validates the TLSA, A and AAAA answers of one MX host and records their states on <paramref name="result"/>; returns the TLSA answer.</summary>
    public static async Task<DnssecAnswer> ValidateHostAsync(DnssecValidator validator, SmtpDaneHostResult result, CancellationToken cancellationToken)
    {
        // The MX host comes from DNS: a name near 255 bytes has no valid TLSA name, which is this host's reason, not the domain's failure.
        if (!TryWireName(result.MxHost, out var host, out var hostError) || !TryWireName(result.TlsaName, out var tlsaName, out hostError))
        {
            var unusable = new DnssecAnswer(WireName.Root, RecordType.Tlsa, DnssecSecurity.Indeterminate, DnssecFailure.LookupFailed, hostError);
            result.Dnssec = SmtpDnssecValidator.StateOf(unusable.Security).ToString();
            result.DnssecReason = unusable.Failure.ToString();
            result.DnssecDetail = unusable.Detail;
            result.AddressDnssec = result.Dnssec;
            result.AddressAnswer = unusable;
            return unusable;
        }

        var tlsaTask = validator.QueryAsync(tlsaName, RecordType.Tlsa, cancellationToken);
        var aTask = validator.QueryAsync(host, RecordType.A, cancellationToken);
        var aaaaTask = validator.QueryAsync(host, RecordType.Aaaa, cancellationToken);
        await Task.WhenAll(tlsaTask, aTask, aaaaTask).ConfigureAwait(false);
        var tlsa = await tlsaTask.ConfigureAwait(false);
        var a = await aTask.ConfigureAwait(false);
        var aaaa = await aaaaTask.ConfigureAwait(false);

        result.Dnssec = SmtpDnssecValidator.StateOf(tlsa.Security).ToString();
        result.DnssecReason = tlsa.Failure == DnssecFailure.None ? string.Empty : tlsa.Failure.ToString();
        result.DnssecDetail = tlsa.Detail;
        result.TlsaSignatureExpires = tlsa.SignatureExpiration;
        var address = Worse(a, aaaa);
        result.AddressDnssec = SmtpDnssecValidator.StateOf(address.Security).ToString();
        result.AddressAnswer = address;
        return tlsa;
    }

    /// <summary>Reads a host or TLSA name from DNS as a wire name; false, with the reason (control characters made visible), when DNS cannot hold it.</summary>
    private static bool TryWireName(string? name, out WireName wireName, out string error)
    {
        try
        {
            wireName = WireName.Parse(name ?? string.Empty);
            error = string.Empty;
            return true;
        }
        catch (FormatException ex)
        {
            wireName = WireName.Root;
            error = VisibleText.Escape("'" + name + "' is not a DNS name that can be validated: " + ex.Message)!;
            return false;
        }
    }

    /// <summary>The TLSA records of a validated answer.</summary>
    public static SmtpTlsaRecord[] TlsaRecords(DnssecAnswer answer) => answer.Records
        .Where(r => r.Rdata.Length >= 3)
        .Select(r => new SmtpTlsaRecord(r.Rdata[0], r.Rdata[1], r.Rdata[2], r.Rdata.Skip(3)))
        .ToArray();

    /// <summary>Findings from the TLSA answer's DNSSEC state; false when the record comparisons no longer matter (Bogus, Insecure).</summary>
    public static bool AddFindings(PolicyFindingList findings, SmtpDaneHostResult result, IReadOnlyList<string> dnsServers)
    {
        switch (result.Dnssec)
        {
            case nameof(SmtpDnssecState.Bogus):
                findings.Add(
                    SmtpPolicyFindingId.DaneBogus,
                    SmtpTlsFindingSeverity.Error,
                    result.MxHost,
                    "Message",
                    new object?[] { result.TlsaName, result.DnssecReason, result.DnssecDetail, result.MxHost },
                    "Remediation",
                    new object?[] { result.TlsaName, result.MxHost });
                return false;
            case nameof(SmtpDnssecState.Insecure):
                if (result.Records.Length > 0)
                {
                    findings.Add(
                        SmtpPolicyFindingId.DaneInsecure,
                        SmtpTlsFindingSeverity.Warning,
                        result.MxHost,
                        "Message",
                        new object?[] { result.TlsaName, result.DnssecDetail },
                        "Remediation",
                        new object?[] { result.TlsaName });
                }

                return false;
            case nameof(SmtpDnssecState.NotValidated):
                if (result.Status != nameof(SmtpDaneState.NoRecords) && result.Status != nameof(SmtpDaneState.LookupFailed))
                {
                    findings.Add(
                        SmtpPolicyFindingId.DaneNotValidated,
                        SmtpTlsFindingSeverity.Warning,
                        result.MxHost,
                        "Message.Validation",
                        new object?[] { result.TlsaName, result.DnssecDetail, string.Join(", ", dnsServers) },
                        "Remediation.Validation",
                        new object?[] { result.TlsaName });
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>MX and address records that do not validate: validating senders cannot resolve them.</summary>
    public static void AddResolutionFindings(PolicyFindingList findings, string domain, DnssecAnswer? mx, IReadOnlyList<SmtpDaneHostResult> hosts)
    {
        if (mx is not null && mx.Security == DnssecSecurity.Bogus)
        {
            findings.Add(SmtpPolicyFindingId.DnssecBogus, SmtpTlsFindingSeverity.Error, domain, "Message", new object?[] { domain, "MX", mx.Failure, mx.Detail }, "Remediation", new object?[] { domain, "MX" });
        }

        foreach (var host in hosts)
        {
            if (host.AddressDnssec == nameof(SmtpDnssecState.Bogus) && host.AddressAnswer is { } address)
            {
                findings.Add(SmtpPolicyFindingId.DnssecBogus, SmtpTlsFindingSeverity.Error, host.MxHost, "Message", new object?[] { host.MxHost, RecordType.Name(address.Type), address.Failure, address.Detail }, "Remediation", new object?[] { host.MxHost, RecordType.Name(address.Type) });
            }
        }
    }

    /// <summary>Rollover readiness and signature lifetime of a host's Secure TLSA records (RFC 7671 section 8.1).</summary>
    public static void AddRolloverFindings(PolicyFindingList findings, SmtpDaneHostResult result, IReadOnlyList<MxEndpoint> endpoints, DomainPolicyOptions options, DateTimeOffset now)
    {
        if (result.Dnssec != nameof(SmtpDnssecState.Secure) || result.Records.Length == 0)
        {
            return;
        }

        if (result.TlsaSignatureExpires is { } expires)
        {
            result.TlsaSignatureDaysLeft = (int)Math.Floor((expires - now).TotalDays);
            if (options.SignatureExpiryWarningDays > 0 && expires - now < TimeSpan.FromDays(options.SignatureExpiryWarningDays))
            {
                findings.Add(
                    SmtpPolicyFindingId.DaneSignatureExpiring,
                    SmtpTlsFindingSeverity.Warning,
                    result.MxHost,
                    "Message",
                    new object?[] { result.TlsaName, expires.UtcDateTime, result.TlsaSignatureDaysLeft },
                    "Remediation",
                    new object?[] { result.TlsaName });
            }
        }

        var compared = result.Endpoints.Where(e => e.CertificatePresented).ToList();
        if (compared.Count == 0 || result.UsableRecords == 0)
        {
            return;
        }

        var matchedRecords = new HashSet<string>(compared.SelectMany(e => e.Records).Where(m => m.Outcome == SmtpTlsaMatchResult.Match).Select(m => m.Record), StringComparer.OrdinalIgnoreCase);
        result.NextKeyRecords = result.Records.Where(TlsaMatcher.IsUsable).Count(r => !matchedRecords.Contains(r.ToString()));
        var trustAnchorMatches = compared.SelectMany(e => e.Records).Where(m => m.Outcome == SmtpTlsaMatchResult.Match && m.Usage == 2).ToList();

        if (result.Status == nameof(SmtpDaneState.Matched) && result.NextKeyRecords == 0 && trustAnchorMatches.Count == 0)
        {
            var days = endpoints.Select(e => e.Certificate?.DaysUntilExpiry).Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(int.MaxValue).Min();
            findings.Add(
                SmtpPolicyFindingId.DaneRolloverNoNextKey,
                days <= options.RenewalWarningDays ? SmtpTlsFindingSeverity.Warning : SmtpTlsFindingSeverity.Info,
                result.MxHost,
                "Message",
                new object?[] { result.TlsaName, days == int.MaxValue ? "?" : days.ToString(CultureInfo.InvariantCulture) },
                "Remediation",
                Array.Empty<object?>());
        }

        // A DANE-TA record on an intermediate that the CA rotates: fine today, broken after some renewal.
        if (trustAnchorMatches.Any(m => DaneIssuerKnowledge.RootOf(m.MatchedSubject) is not null))
        {
            return;
        }

        foreach (var match in trustAnchorMatches.GroupBy(m => m.Record, StringComparer.OrdinalIgnoreCase).Select(g => g.First()))
        {
            var issuer = DaneIssuerKnowledge.IntermediateOf(match.MatchedSubject);
            if (issuer is null)
            {
                continue;
            }

            findings.Add(
                SmtpPolicyFindingId.DaneIssuerRollover,
                SmtpTlsFindingSeverity.Warning,
                result.MxHost,
                "Message",
                new object?[] { result.TlsaName, match.Record, DaneIssuerKnowledge.Attribute(match.MatchedSubject!, "CN"), issuer.Name, issuer.Successors, issuer.Source },
                "Remediation",
                new object?[] { result.TlsaName, match.Record, null, issuer.Name, issuer.Successors, issuer.Source });
        }
    }

    /// <summary>Fills <see cref="SmtpDaneEndpointResult.Senders"/> for every endpoint of every host.</summary>
    public static void AddSenderVerdicts(string domain, DnssecAnswer? mx, IReadOnlyList<SmtpDaneHostResult> hosts, IReadOnlyList<IReadOnlyList<MxEndpoint>> endpointsPerHost, SmtpMtaStsResult mtaSts, CultureInfo culture)
    {
        var mxState = mx is null ? SmtpDnssecState.NotValidated : SmtpDnssecValidator.StateOf(mx.Security);
        for (var h = 0; h < hosts.Count; h++)
        {
            var host = hosts[h];
            host.MxDnssec = mxState.ToString();
            for (var i = 0; i < host.Endpoints.Length && i < endpointsPerHost[h].Count; i++)
            {
                var context = new SenderContext(domain, mx, mxState, host, host.Endpoints[i], endpointsPerHost[h][i], culture);
                var verdicts = Levels.Select(level => SenderVerdicts.Judge(level, context)).ToList();
                var policy = mtaSts.MxChecks.FirstOrDefault(c => c.MxHost == host.MxHost && c.Address == host.Endpoints[i].Address);
                if (mtaSts.Policy?.ModeValue == SmtpMtaStsMode.Enforce)
                {
                    verdicts.Add(SenderVerdicts.JudgeMtaSts(policy, context));
                }

                host.Endpoints[i].Senders = verdicts.ToArray();
            }
        }
    }

    private static DnssecAnswer Worse(DnssecAnswer a, DnssecAnswer b) => b.Security.Weakness() > a.Security.Weakness() ? b : a;
}
