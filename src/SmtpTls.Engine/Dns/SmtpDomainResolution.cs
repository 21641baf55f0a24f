using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls;

/// <summary>
/// The mail hosts of one domain and every address to test, with the DNS evidence behind them.
/// Every outcome, NXDOMAIN, SERVFAIL and timeouts included, is a result, never an exception.
/// </summary>
public sealed class SmtpDomainResolution
{
    /// <summary>Creates a domain resolution.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="domain"/> is null.</exception>
    public SmtpDomainResolution(
        string input,
        string domain,
        AddressFamilyPreference addressFamily,
        SmtpDomainResolutionStatus status,
        IEnumerable<SmtpMailHost>? mailHosts,
        IEnumerable<SmtpMailTarget>? targets,
        IEnumerable<SmtpDnsNote>? notes,
        IEnumerable<SmtpDnsQuery>? queries,
        string detail)
    {
        Input = input ?? throw new ArgumentNullException(nameof(input));
        Domain = domain ?? throw new ArgumentNullException(nameof(domain));
        AddressFamily = addressFamily;
        Status = status;
        MailHosts = (mailHosts ?? Enumerable.Empty<SmtpMailHost>()).ToArray();
        Targets = (targets ?? Enumerable.Empty<SmtpMailTarget>()).ToArray();
        Notes = (notes ?? Enumerable.Empty<SmtpDnsNote>()).ToArray();
        Queries = (queries ?? Enumerable.Empty<SmtpDnsQuery>()).ToArray();
        Detail = detail ?? string.Empty;
    }

    /// <summary>The domain as it was given.</summary>
    public string Input { get; }

    /// <summary>The domain in ASCII (punycode) form, lower case, without trailing dot; the input when it is not a valid name.</summary>
    public string Domain { get; }

    /// <summary>Which address families were looked up.</summary>
    public AddressFamilyPreference AddressFamily { get; }

    /// <summary>What the resolution came to.</summary>
    public SmtpDomainResolutionStatus Status { get; }

    /// <summary>
    /// Whether the domain accepts mail according to DNS: true when there is at least one target,
    /// false for a null MX, NXDOMAIN or a domain without mail hosts, null when DNS failed or no MX host resolved.
    /// </summary>
    public bool? AcceptsMail => Status switch
    {
        SmtpDomainResolutionStatus.Resolved or SmtpDomainResolutionStatus.PartiallyResolved => true,
        SmtpDomainResolutionStatus.NullMx or SmtpDomainResolutionStatus.NxDomain or SmtpDomainResolutionStatus.NoMailHosts => false,
        _ => null,
    };

    /// <summary>True when the domain has no MX records and its own A/AAAA records were used instead.</summary>
    public bool IsImplicitMx => MailHosts.Count == 1 && MailHosts[0].IsImplicitMx;

    /// <summary>The mail hosts in the order a sender tries them: by preference, then by name.</summary>
    public IReadOnlyList<SmtpMailHost> MailHosts { get; }

    /// <summary>Every (MX host, address) pair to test, in mail-host order.</summary>
    public IReadOnlyList<SmtpMailTarget> Targets { get; }

    /// <summary>Findings about the DNS set-up that are not failures (MX pointing to a CNAME, ...).</summary>
    public IReadOnlyList<SmtpDnsNote> Notes { get; }

    /// <summary>Every query made, MX first, then each host's A and AAAA queries.</summary>
    public IReadOnlyList<SmtpDnsQuery> Queries { get; }

    /// <summary>
    /// Whether every query came back with the AD bit: the resolver claims DNSSEC validation for all of it.
    /// SmtpTls does not validate DNSSEC itself.
    /// </summary>
    public bool IsAuthenticated => Queries.Count > 0 && Queries.All(q => q.AuthenticatedData);

    /// <summary>A one-line English explanation of <see cref="Status"/>.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Domain}: {Status}, {Targets.Count} target(s)";
}
