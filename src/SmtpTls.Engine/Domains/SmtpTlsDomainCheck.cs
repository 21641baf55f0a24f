using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Policy;
using SmtpTls.Probing;

namespace SmtpTls.Domains;

/// <summary>
/// The check of one mail domain, the workflow behind <c>Test-SmtpTls -Domain [-IncludePolicy]</c>: resolve the
/// MX hosts, check every address in the order a sender tries them, and, when asked, check the domain's
/// MTA-STS, DANE and TLS-RPT against the certificates those hosts presented and attach that verdict to
/// every result.
/// </summary>
/// <remarks>
/// <para>One call does it all: <see cref="CheckAsync"/>. A caller that schedules the MX checks itself (the
/// cmdlet runs them through its throttled pipeline queue, and writes each result as soon as it is ready) uses
/// <see cref="PrepareAsync"/>, then <see cref="SmtpTlsDomainTarget.ProbeAsync"/> per target, or
/// <see cref="RunAsync"/> for all of them with the policy verdict.</para>
/// <example>
/// <code>
/// var options = new SmtpTlsDomainCheckOptions(new SmtpDnsResolver())
/// {
///     Probe = { Timeout = TimeSpan.FromSeconds(10) },
/// };
/// options.Policy = new DomainPolicyOptions(options.Resolver);
/// var checkedDomain = await SmtpTlsDomainCheck.CheckAsync("example.com", options, cancellationToken);
/// foreach (var result in checkedDomain.Results)
/// {
///     Console.WriteLine($"{result.MxHost} {result.Address} {result.Status} MTA-STS: {result.Policy?.MtaStsSummary}");
/// }
/// </code>
/// </example>
/// </remarks>
public sealed class SmtpTlsDomainCheck
{
    private readonly DomainPolicyOptions? _policy;

    private SmtpTlsDomainCheck(string domain, SmtpDomainResolution resolution, IReadOnlyList<SmtpTlsDomainTarget> targets, DomainPolicyOptions? policy)
    {
        Domain = domain;
        Resolution = resolution;
        Targets = targets;
        _policy = policy;
    }

    /// <summary>The domain as it was asked for.</summary>
    public string Domain { get; }

    /// <summary>What DNS said about the domain's mail hosts (its Detail and Queries tell how it got there).</summary>
    public SmtpDomainResolution Resolution { get; }

    /// <summary>What the check covers, in the order a sender tries the hosts.</summary>
    public IReadOnlyList<SmtpTlsDomainTarget> Targets { get; }

    /// <summary>Whether <see cref="RunAsync"/> also checks the domain's policies (<see cref="SmtpTlsDomainCheckOptions.Policy"/> was set).</summary>
    public bool IncludesPolicy => _policy is not null;

    /// <summary>Checks <paramref name="domain"/> from start to end: <see cref="PrepareAsync"/>, then <see cref="RunAsync"/>.</summary>
    /// <param name="domain">The mail domain (Unicode or ASCII).</param>
    /// <param name="options">What to check and how.</param>
    /// <param name="cancellationToken">Cancels the DNS lookups, the checks and the policy check.</param>
    /// <returns>Every result of the domain, with the policy verdict when <see cref="SmtpTlsDomainCheckOptions.Policy"/> is set.</returns>
    /// <exception cref="ArgumentException"><paramref name="domain"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<SmtpTlsDomainCheckResult> CheckAsync(string domain, SmtpTlsDomainCheckOptions options, CancellationToken cancellationToken = default)
    {
        var check = await PrepareAsync(domain, options, cancellationToken).ConfigureAwait(false);
        return await check.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves the domain's MX hosts and plans one check per address. What DNS answered never throws: a
    /// domain without hosts to check becomes one target with a final <see cref="SmtpTlsDomainTarget.Result"/>.
    /// </summary>
    /// <param name="domain">The mail domain (Unicode or ASCII).</param>
    /// <param name="options">What to check and how; read now, so later changes do not affect this check.</param>
    /// <param name="cancellationToken">Cancels the DNS lookups.</param>
    /// <returns>The prepared check; nothing has been contacted but DNS.</returns>
    /// <exception cref="ArgumentException"><paramref name="domain"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<SmtpTlsDomainCheck> PrepareAsync(string domain, SmtpTlsDomainCheckOptions options, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            throw new ArgumentException("A mail domain is required.", nameof(domain));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var probe = options.Probe;
        var shared = options.SharedEndpoints;
        var policy = options.Policy;
        var clock = Stopwatch.StartNew();
        var resolution = await options.Resolver.ResolveMailHostsAsync(domain, probe.AddressFamily, cancellationToken).ConfigureAwait(false);
        var plan = SmtpTlsDomainPlan.Create(resolution, probe.Port, probe.TlsMode, probe.Culture, clock.Elapsed);
        var targets = new List<SmtpTlsDomainTarget>(plan.Count);
        foreach (var item in plan)
        {
            if (item.Result is { } ready)
            {
                targets.Add(new SmtpTlsDomainTarget(null, null, ready, shared));
                continue;
            }

            var target = item.Target!;
            var check = probe.CopyFor(target.Address);
            check.ServerName = string.IsNullOrWhiteSpace(probe.ServerName) ? target.MxHost : probe.ServerName;
            check.MailTarget = target;
            check.HostResolver = null;
            targets.Add(new SmtpTlsDomainTarget(target, check, null, shared));
        }

        return new SmtpTlsDomainCheck(domain, resolution, targets, policy);
    }

    /// <summary>
    /// Checks every target concurrently (the address limiter of the options still applies), then, when the
    /// options asked for it, the domain's policies against the certificates the MX hosts presented.
    /// </summary>
    /// <param name="cancellationToken">Cancels the checks and the policy check.</param>
    /// <returns>
    /// The results in plan order, each with <see cref="SmtpTlsResult.Policy"/> set to the domain's verdict. A policy
    /// check that fails as a whole leaves Policy null and says why in <see cref="SmtpTlsDomainCheckResult.PolicyError"/>.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpTlsDomainCheckResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var checks = new Task<SmtpTlsResult>[Targets.Count];
        for (var i = 0; i < Targets.Count; i++)
        {
            checks[i] = Targets[i].ProbeAsync(cancellationToken);
        }

        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        if (_policy is null)
        {
            return new SmtpTlsDomainCheckResult(Domain, results, null, null);
        }

        var (policy, policyError) = await CheckPolicyAsync(results, cancellationToken).ConfigureAwait(false);
        return new SmtpTlsDomainCheckResult(Domain, results, policy, policyError);
    }

    /// <summary>
    /// The one place where a domain's policy verdict is made and attached to its results: the certificate each
    /// checked MX endpoint presented goes to <see cref="DomainPolicyChecker"/>, and its verdict to every result.
    /// </summary>
    private async Task<(SmtpDomainPolicyResult? Policy, Exception? Error)> CheckPolicyAsync(IReadOnlyList<SmtpTlsResult> results, CancellationToken cancellationToken)
    {
        var presented = new List<PresentedMxCertificate>();
        for (var i = 0; i < results.Count; i++)
        {
            if (Targets[i].Result is null)
            {
                var result = results[i];
                presented.Add(new PresentedMxCertificate(result.MxHost ?? result.Server, result.Certificate, result.Address, result.Port));
            }
        }

        SmtpDomainPolicyResult? policy = null;
        Exception? error = null;
        try
        {
            policy = await DomainPolicyChecker.CheckAsync(Domain, presented, _policy!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The TLS results stay useful: they go out with Policy null, and the failure beside them.
            error = ex;
        }

        foreach (var result in results)
        {
            result.Policy = policy;
        }

        return (policy, error);
    }
}
