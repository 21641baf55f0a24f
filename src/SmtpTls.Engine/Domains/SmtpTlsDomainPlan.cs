using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Probing;

/// <summary>
/// One entry of a domain's check plan: either an address to check with <see cref="SmtpTlsProbe"/>
/// (<see cref="Target"/>), or a result that is final already because DNS left nothing to connect to
/// (<see cref="Result"/>: an MX host without address, or the whole domain).
/// </summary>
public sealed class SmtpTlsDomainPlanItem
{
    internal SmtpTlsDomainPlanItem(SmtpMailTarget? target, SmtpTlsResult? result)
    {
        Target = target;
        Result = result;
    }

    /// <summary>The MX address to check, or null when <see cref="Result"/> is set.</summary>
    public SmtpMailTarget? Target { get; }

    /// <summary>The final result (Status Error with a DNS finding), or null when <see cref="Target"/> is set.</summary>
    public SmtpTlsResult? Result { get; }
}

/// <summary>
/// Turns the DNS resolution of a mail domain into what <c>Test-SmtpTls -Domain</c> checks and reports,
/// in the order a sender tries the hosts: every address of every MX host, a result with the finding
/// <see cref="SmtpTlsFindingId.MxNoAddress"/> for an MX host that has none, and, when the domain has no
/// host to check at all (NXDOMAIN, null MX, no MX and no address, SERVFAIL, timeout), one result for
/// the domain with Status Error and a finding that says why. Nothing here throws for what DNS answered.
/// </summary>
public static class SmtpTlsDomainPlan
{
    /// <summary>Plans the checks of <paramref name="resolution"/>.</summary>
    /// <param name="resolution">What <see cref="Dns.SmtpDnsResolver.ResolveMailHostsAsync"/> found.</param>
    /// <param name="port">The port the checks use (MX records carry none); null: 25, or 465 with implicit TLS.</param>
    /// <param name="tlsMode">The TLS mode of the checks.</param>
    /// <param name="culture">The language of the finding messages; default: the current UI culture.</param>
    /// <param name="elapsed">How long the resolution took, reported as the Duration of ready results.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolution"/> is null.</exception>
    public static IReadOnlyList<SmtpTlsDomainPlanItem> Create(SmtpDomainResolution resolution, int? port, SmtpTlsMode tlsMode, CultureInfo? culture = null, TimeSpan elapsed = default)
    {
        if (resolution is null)
        {
            throw new ArgumentNullException(nameof(resolution));
        }

        culture ??= CultureInfo.CurrentUICulture;
        var items = new List<SmtpTlsDomainPlanItem>();
        if (resolution.Status is SmtpDomainResolutionStatus.Resolved or SmtpDomainResolutionStatus.PartiallyResolved or SmtpDomainResolutionStatus.NoAddresses)
        {
            foreach (var host in resolution.MailHosts)
            {
                var targets = resolution.Targets.Where(t => string.Equals(t.MxHost, host.Name, StringComparison.OrdinalIgnoreCase) && t.Preference == host.Preference).ToList();
                if (targets.Count > 0)
                {
                    items.AddRange(targets.Select(t => new SmtpTlsDomainPlanItem(t, null)));
                }
                else
                {
                    items.Add(new SmtpTlsDomainPlanItem(null, ForMailHost(resolution, host, port, tlsMode, culture, elapsed)));
                }
            }

            // A target whose host is not listed (should not happen) is still checked.
            foreach (var orphan in resolution.Targets.Where(t => !items.Any(i => ReferenceEquals(i.Target, t))))
            {
                items.Add(new SmtpTlsDomainPlanItem(orphan, null));
            }
        }

        if (items.Count == 0)
        {
            items.Add(new SmtpTlsDomainPlanItem(null, ForDomain(resolution, port, tlsMode, culture, elapsed)));
        }

        return items;
    }

    private static SmtpTlsResult ForDomain(SmtpDomainResolution resolution, int? port, SmtpTlsMode tlsMode, CultureInfo culture, TimeSpan elapsed)
    {
        var domain = resolution.Domain;
        var result = NewResult(resolution, domain, port, tlsMode, elapsed);
        var mxQuery = resolution.Queries.FirstOrDefault(q => q.Type == "MX");
        SmtpTlsFinding finding = resolution.Status switch
        {
            SmtpDomainResolutionStatus.NxDomain => Finding(SmtpTlsFindingId.DomainNotFound, SmtpTlsFindingSeverity.Error, "Finding.DomainNotFound", culture, domain),
            SmtpDomainResolutionStatus.NullMx => Finding(SmtpTlsFindingId.DomainNullMx, SmtpTlsFindingSeverity.Info, "Finding.DomainNullMx", culture, domain),
            SmtpDomainResolutionStatus.NoMailHosts => Finding(SmtpTlsFindingId.DomainNoMailHosts, SmtpTlsFindingSeverity.Error, "Finding.DomainNoMailHosts", culture, domain, NoAddressText(resolution.AddressFamily, culture)),
            SmtpDomainResolutionStatus.InvalidName => Finding(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.InvalidTarget", culture, resolution.Detail),
            _ => Finding(
                SmtpTlsFindingId.DnsFailure,
                SmtpTlsFindingSeverity.Error,
                "Finding.DnsFailure",
                culture,
                domain,
                StatusLabel(resolution.Status),
                mxQuery?.Error ?? resolution.Detail),
        };
        result.Findings = new[] { finding };
        return result;
    }

    private static SmtpTlsResult ForMailHost(SmtpDomainResolution resolution, SmtpMailHost host, int? port, SmtpTlsMode tlsMode, CultureInfo culture, TimeSpan elapsed)
    {
        var result = NewResult(resolution, host.Name, port, tlsMode, elapsed);
        result.MxHost = host.Name;
        result.MxPreference = host.Preference;
        result.IsImplicitMx = host.IsImplicitMx;
        result.ServerName = host.Name;
        var reason = host.Status switch
        {
            SmtpDnsStatus.NoRecords => NoAddressText(resolution.AddressFamily, culture),
            SmtpDnsStatus.NxDomain => LocalizedText.Get("Fleet.Dns.NxDomain", culture),
            _ => host.Status + (string.IsNullOrEmpty(host.Error) ? string.Empty : ": " + host.Error),
        };
        result.Findings = new[] { Finding(SmtpTlsFindingId.MxNoAddress, SmtpTlsFindingSeverity.Error, "Finding.MxNoAddress", culture, host.Name, host.Preference, resolution.Domain, reason) };
        result.Transcript = host.Queries.Select(q => "* " + LocalizedText.Format("Fleet.Dns.Query", culture, q)).ToArray();
        return result;
    }

    private static SmtpTlsResult NewResult(SmtpDomainResolution resolution, string server, int? port, SmtpTlsMode tlsMode, TimeSpan elapsed)
    {
        var effectivePort = port ?? (tlsMode == SmtpTlsMode.Implicit ? 465 : 25);
        var implicitTls = tlsMode == SmtpTlsMode.Implicit || (tlsMode == SmtpTlsMode.Auto && effectivePort == 465);
        return new SmtpTlsResult
        {
            Server = server,
            Port = effectivePort,
            TlsMode = (implicitTls ? SmtpTlsMode.Implicit : SmtpTlsMode.StartTls).ToString(),
            Domain = resolution.Domain,
            Status = nameof(SmtpTlsStatus.Error),
            Transcript = resolution.Queries.Select(q => "* DNS: " + q).Concat(new[] { "* " + resolution.Detail }).ToArray(),
            Timestamp = DateTimeOffset.UtcNow,
            Duration = elapsed,
        };
    }

    private static SmtpTlsFinding Finding(SmtpTlsFindingId id, SmtpTlsFindingSeverity severity, string key, CultureInfo culture, params object?[] args) =>
        new(id, severity, LocalizedText.Format(key, culture, args));

    private static string NoAddressText(AddressFamilyPreference family, CultureInfo culture) => LocalizedText.Get(
        family switch
        {
            AddressFamilyPreference.IPv4 => "Fleet.Dns.NoIPv4",
            AddressFamilyPreference.IPv6 => "Fleet.Dns.NoIPv6",
            _ => "Fleet.Dns.NoRecords",
        },
        culture);

    private static string StatusLabel(SmtpDomainResolutionStatus status) => status switch
    {
        SmtpDomainResolutionStatus.ServerFailure => "SERVFAIL",
        SmtpDomainResolutionStatus.Refused => "REFUSED",
        SmtpDomainResolutionStatus.Timeout => "TIMEOUT",
        _ => status.ToString().ToUpperInvariant(),
    };
}
