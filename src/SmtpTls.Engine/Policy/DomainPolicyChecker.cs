using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns;

namespace SmtpTls.Policy;

/// <summary>
/// Checks a mail domain's TLS policies against what its MX hosts presented, in one call:
/// <list type="bullet">
/// <item>MTA-STS (RFC 8461): the <c>_mta-sts</c> record, the policy fetched over HTTPS and parsed, every MX
/// held against the <c>mx</c> patterns and, in enforce or testing mode, every certificate against its MX name.</item>
/// <item>DANE (RFC 7672): the TLSA records at <c>_&lt;port&gt;._tcp.&lt;mx&gt;</c> compared with each presented chain;
/// the MX, address and TLSA answers DNSSEC-validated inside SmtpTls from <see cref="DomainPolicyOptions.DnssecTrustAnchor"/>
/// (Secure, Insecure, Bogus), rollover readiness, signature lifetimes, and each sender level's verdict per MX address.</item>
/// <item>TLS-RPT (RFC 8460): the <c>_smtp._tls</c> record.</item>
/// </list>
/// Every DNS question goes to <see cref="DomainPolicyOptions.Resolver"/>, the policy host included.
/// Every outcome is data in the result; only invalid arguments and cancellation throw.
/// </summary>
/// <remarks>
/// This is the engine behind <c>Test-SmtpTls -Domain ... -IncludePolicy</c>: the cmdlet probes the MX
/// endpoints first and passes one <see cref="PresentedMxCertificate"/> per endpoint.
/// </remarks>
public static class DomainPolicyChecker
{
    /// <summary>Checks <paramref name="domain"/>.</summary>
    /// <param name="domain">The mail domain, Unicode or ASCII.</param>
    /// <param name="presented">One entry per MX endpoint probed (host, address, port, certificate or null); empty to check the records alone.</param>
    /// <param name="options">The resolver, trust anchors, timeout and language.</param>
    /// <param name="cancellationToken">Cancels the lookups and the policy fetch in flight.</param>
    /// <returns>The records, policies, comparisons and findings; never null.</returns>
    /// <exception cref="ArgumentException"><paramref name="domain"/> or an MX host name is blank or not a valid domain name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="presented"/>, one of its entries, or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="DomainPolicyOptions"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<SmtpDomainPolicyResult> CheckAsync(
        string domain,
        IReadOnlyList<PresentedMxCertificate> presented,
        DomainPolicyOptions options,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            throw new ArgumentException("A mail domain is required.", nameof(domain));
        }

        if (presented is null || presented.Any(p => p is null))
        {
            throw new ArgumentNullException(nameof(presented), "The list of presented certificates (or one of its entries) is null.");
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options.Validate();
        if (!DnsNames.TryToAscii(domain, out var ascii, out var domainError))
        {
            throw new ArgumentException(domainError, nameof(domain));
        }

        var endpoints = new List<MxEndpoint>();
        foreach (var entry in presented)
        {
            if (!DnsNames.TryToAscii(entry.MxHost, out var host, out var hostError))
            {
                throw new ArgumentException(hostError, nameof(presented));
            }

            endpoints.Add(new MxEndpoint(host!, entry));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var culture = options.Culture ?? CultureInfo.CurrentUICulture;
        var now = options.Now ?? DateTimeOffset.UtcNow;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var name = ascii!;

        // The three policies are independent: ask everything at once, so the slowest lookup sets the pace.
        var hosts = endpoints.GroupBy(e => (e.MxHost, e.Port)).Select(g => (g.Key.MxHost, g.Key.Port, Endpoints: (IReadOnlyList<MxEndpoint>)g.ToList())).ToList();
        var mtaStsTask = MtaStsCheck.LookUpAsync(name, options, now, culture, cancellationToken);
        var tlsRptTask = TlsRptCheck.LookUpAsync(name, options, culture, cancellationToken);
        // DNSSEC validated here from the trust anchor (null: off, only the resolver's AD bit speaks).
        var validator = DaneDnssec.CreateValidator(options, options.Now);
        var mxTask = validator is null ? null : validator.Inner.QueryAsync(SmtpDnssecValidator.ToWireName(name), Dns.Dnssec.RecordType.Mx, cancellationToken);
        var daneTasks = hosts.Select(h => DaneCheck.CheckAsync(name, h.MxHost, h.Port, h.Endpoints, options, validator?.Inner, now, culture, cancellationToken)).ToList();
        await Task.WhenAll(new Task[] { mtaStsTask, tlsRptTask, mxTask ?? Task.CompletedTask }.Concat(daneTasks)).ConfigureAwait(false);
        var mx = mxTask is null ? null : await mxTask.ConfigureAwait(false);

        var mtaSts = await mtaStsTask.ConfigureAwait(false);
        var (tlsRpt, tlsRptError) = await tlsRptTask.ConfigureAwait(false);
        var dane = daneTasks.Select(t => t.Result).ToArray();
        MtaStsCheck.CheckEndpoints(mtaSts, endpoints);

        var findings = new PolicyFindingList(culture);
        var daneCoversEveryMx = dane.Length > 0 && dane.All(d => d.Status == nameof(SmtpDaneState.Matched) && (d.Dnssec is null ? d.AuthenticatedData : d.Dnssec == nameof(SmtpDnssecState.Secure)));
        MtaStsCheck.AddFindings(findings, mtaSts, name, endpoints, daneCoversEveryMx, now, culture);
        for (var i = 0; i < dane.Length; i++)
        {
            DaneCheck.AddFindings(findings, dane[i], hosts[i].Endpoints, options.Resolver.Servers);
        }

        if (validator is not null)
        {
            DaneDnssec.AddResolutionFindings(findings, name, mx, dane);
            for (var i = 0; i < dane.Length; i++)
            {
                DaneDnssec.AddRolloverFindings(findings, dane[i], hosts[i].Endpoints, options, now);
            }

            DaneDnssec.AddSenderVerdicts(name, mx, dane, hosts.Select(h => h.Endpoints).ToList(), mtaSts, culture);
        }

        var reportsMatter = mtaSts.Status != nameof(SmtpPolicyState.Missing) || dane.Any(d => d.Records.Length > 0);
        TlsRptCheck.AddFindings(findings, tlsRpt, tlsRptError, name, reportsMatter);

        var all = findings.ToArray();
        return new SmtpDomainPolicyResult
        {
            Domain = name,
            Status = all.Any(f => f.Level == SmtpTlsFindingSeverity.Error) ? nameof(SmtpTlsStatus.Failed)
                : all.Any(f => f.Level == SmtpTlsFindingSeverity.Warning) ? nameof(SmtpTlsStatus.Warning)
                : nameof(SmtpTlsStatus.Passed),
            MtaSts = mtaSts,
            Dane = dane,
            TlsRpt = tlsRpt,
            Findings = all,
            DnsServers = options.Resolver.Servers.ToArray(),
            MxDnssec = mx is null ? null : SmtpDnssecValidator.StateOf(mx.Security).ToString(),
            DnssecTrustAnchor = validator?.TrustAnchor.Source,
            Timestamp = started,
            Duration = clock.Elapsed,
        };
    }
}
