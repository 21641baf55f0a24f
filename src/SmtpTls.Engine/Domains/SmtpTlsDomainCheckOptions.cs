using System;
using SmtpTls.Dns;
using SmtpTls.Policy;
using SmtpTls.Probing;

namespace SmtpTls.Domains;

/// <summary>What <see cref="SmtpTlsDomainCheck"/> checks for a mail domain and how.</summary>
/// <remarks>
/// One options object may serve many domains at once: the check only reads it. Share
/// <see cref="SmtpTlsProbeOptions.AddressLimiter"/> and <see cref="SharedEndpoints"/> between the domains of one
/// run so that a provider's MX hosts are contacted politely and each endpoint only once.
/// </remarks>
public sealed class SmtpTlsDomainCheckOptions
{
    /// <summary>The placeholder server of the default <see cref="Probe"/> template; every MX check replaces it with an MX address.</summary>
    public const string TemplateServer = "mx.invalid";

    private SmtpTlsProbeOptions _probe = new(TemplateServer);

    /// <summary>Creates options that resolve the domain's MX hosts (and, with <see cref="Policy"/>, its policy records) through <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The DNS resolver for the MX, A and AAAA lookups.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public SmtpTlsDomainCheckOptions(SmtpDnsResolver resolver)
    {
        Resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
    }

    /// <summary>The DNS resolver for the domain's MX hosts and their addresses.</summary>
    public SmtpDnsResolver Resolver { get; }

    /// <summary>
    /// The template every MX check starts from: port, TLS mode, trust anchors, timeout, culture, address family,
    /// address limiter, retries and the rest. Its <see cref="SmtpTlsProbeOptions.Server"/> is not used (each check
    /// connects to one MX address); its <see cref="SmtpTlsProbeOptions.ServerName"/>, when set, replaces the MX host
    /// name as the name the certificate is checked against; its <see cref="SmtpTlsProbeOptions.HostResolver"/> and
    /// <see cref="SmtpTlsProbeOptions.MailTarget"/> are not used.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value set is null.</exception>
    public SmtpTlsProbeOptions Probe
    {
        get => _probe;
        set => _probe = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// When set, the domain's MTA-STS, DANE and TLS-RPT are checked against the certificates its MX hosts
    /// presented, and every result of the domain carries the verdict as <see cref="SmtpTlsResult.Policy"/>.
    /// Null (the default): no policy check.
    /// </summary>
    public DomainPolicyOptions? Policy { get; set; }

    /// <summary>
    /// Shared by the domains of one run: an MX endpoint that several domains use is checked once and the
    /// others get a copy marked with <see cref="SmtpTlsResult.ReusedFrom"/>. Null: every check runs.
    /// </summary>
    public SharedEndpointChecks? SharedEndpoints { get; set; }
}
