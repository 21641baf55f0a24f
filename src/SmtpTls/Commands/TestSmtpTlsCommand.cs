using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns;
using SmtpTls.Domains;
using SmtpTls.Localization;
using SmtpTls.Policy;
using SmtpTls.Probing;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Checks whether a mail server offers TLS properly and returns a verdict with findings.</para>
/// <para type="description">Connects to each server, speaks SMTP up to STARTTLS (or starts with implicit TLS),
/// completes the TLS handshake, analyses the presented certificate and, on request, finds the accepted
/// protocol versions and whether TLS is enforced. With -Domain it checks every address of every MX host
/// of each domain. Servers are checked concurrently.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SmtpTls", DefaultParameterSetName = ServerSet)]
[OutputType(typeof(SmtpTlsResult), typeof(bool))]
public sealed class TestSmtpTlsCommand : SmtpEndpointCommandBase
{
    private const string ServerSet = "Server";
    private const string DomainSet = "Domain";
    private const int DefaultPerAddress = 5;
    private const int DefaultSpacingMilliseconds = 50;

    // -Quiet's outputs, boxed once rather than per check.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private SmtpAddressLimiter? _addressLimiter;
    private SharedEndpointChecks? _sharedChecks;
    private string? _enforcementDomain;
    private SmtpDnssecTrustAnchor? _dnssecAnchor;

    /// <summary>Host names, IPv4/IPv6 literals, <c>host:port</c> or <c>[IPv6]:port</c>.</summary>
    /// <remarks>Declared again here (hiding the base's) only to put it into its own parameter set beside -Domain.</remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ServerSet)]
    [Alias("ComputerName", "HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public new string[] Server
    {
        get => base.Server;
        set => base.Server = value;
    }

    /// <summary>Mail domains: their MX hosts (or, without MX, their own A/AAAA records) are resolved and every address is checked.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = DomainSet)]
    [ValidateNotNullOrEmpty]
    public string[] Domain { get; set; } = Array.Empty<string>();

    /// <summary>Write the results in input order (a domain's in MX order) instead of as they complete.</summary>
    [Parameter]
    public SwitchParameter Ordered { get; set; }

    /// <summary>Also find which of SSL 3.0 to TLS 1.3 the server accepts and whether it accepts weak ciphers.</summary>
    [Parameter]
    public SwitchParameter ProtocolScan { get; set; }

    /// <summary>
    /// Also run the deep scan (implies -ProtocolScan): every accepted suite per version and its order, groups
    /// including post-quantum hybrids, certificates per key type, resumption, renegotiation, compression,
    /// fallback SCSV, OCSP stapling and STARTTLS injection, in the result's Deep property.
    /// </summary>
    [Parameter]
    public SwitchParameter Deep { get; set; }

    /// <summary>
    /// Also ask, before STARTTLS, to take mail as a sender would (MAIL FROM, RCPT TO postmaster, then RSET;
    /// never DATA) and report whether the refusal means TLS is enforced.
    /// </summary>
    [Parameter]
    public SwitchParameter CheckEnforcement { get; set; }

    /// <summary>
    /// With -CheckEnforcement: the domain whose postmaster RCPT TO names. Default: the -Domain being
    /// checked, else the server name without its first label.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EnforcementDomain { get; set; }

    /// <summary>A certificate expiring within this many days gives a warning. Default 30.</summary>
    [Parameter]
    [ValidateRange(0, 3650)]
    public int ExpiryWarningDays { get; set; } = 30;

    /// <summary>
    /// With -Domain: also check the domain's MTA-STS, DANE (TLSA) and TLS-RPT records against the certificates
    /// the MX hosts presented, and attach the outcome to each result as <c>Policy</c>. A domain's results are
    /// then held back until all of its servers are checked and its policy check is done.
    /// </summary>
    [Parameter(ParameterSetName = DomainSet)]
    public SwitchParameter IncludePolicy { get; set; }

    /// <summary>
    /// With -IncludePolicy: the DNSSEC trust anchor for the root zone that DANE answers are validated from,
    /// a file of DS and/or DNSKEY records for "." in zone-file form (root.key, root.ds, a dnssec-keygen .key
    /// file) or IANA's root-anchors.xml. Default: IANA's root anchors, built in (KSK-2017 and KSK-2024).
    /// </summary>
    [Parameter(ParameterSetName = DomainSet)]
    [ValidateNotNullOrEmpty]
    public string? TrustAnchorPath { get; set; }

    /// <summary>
    /// How many checks may be in flight per IP address (whatever the port). Default 5, where a sending MTA
    /// such as Postfix starts per destination; 0: no limit (for a test bed on loopback).
    /// </summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int ThrottleLimitPerAddress { get; set; } = DefaultPerAddress;

    /// <summary>
    /// The least time between two new connections to one address, in milliseconds. Default 50 while a
    /// per-address limit applies; with -ThrottleLimitPerAddress 0 only when given.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public int ConnectionSpacingMilliseconds { get; set; } = DefaultSpacingMilliseconds;

    /// <summary>How often a check the server throttled (Status Throttled) is tried again. Default 2; 0: never.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaximumRetryCount { get; set; } = 2;

    /// <summary>Seconds before the first retry of a throttled check, doubled for each further one. Default 10.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int RetryIntervalSec { get; set; } = 10;

    /// <summary>The local address to connect from (providers allow-list scanners by address); it must belong to this machine.</summary>
    [Parameter]
    [ValidateNotNull]
    public IPAddress? SourceAddress { get; set; }

    /// <summary>Return only $true (Passed) or $false per server.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    private protected override bool OrderedOutput => Ordered.IsPresent;

    /// <inheritdoc />
    private protected override bool NeedsDnsResolver => ParameterSetName == DomainSet;

    /// <inheritdoc />
    private protected override void ConfigureProgress(PipelineWorkQueue queue)
    {
        var culture = EffectiveCulture;
        queue.ProgressActivity = LocalizedText.Get("Fleet.Progress.Activity", culture);
        queue.ProgressStatus = (done, total, running) => LocalizedText.Format("Fleet.Progress.Status", culture, done, total, running);
    }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (EnforcementDomain is not null)
        {
            // The name goes into RCPT TO: only a valid domain name, never text that could carry a command.
            if (!DnsNames.TryToAscii(EnforcementDomain, out var ascii, out var error))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException(LocalizedText.Format("Probe.EnforcementDomain.Invalid", EffectiveCulture, EnforcementDomain, error), nameof(EnforcementDomain)),
                    "InvalidEnforcementDomain", ErrorCategory.InvalidArgument, EnforcementDomain));
            }

            _enforcementDomain = ascii;
        }

        if (TrustAnchorPath is not null)
        {
            try
            {
                _dnssecAnchor = SmtpDnssecTrustAnchor.Load(GetUnresolvedProviderPathFromPSPath(TrustAnchorPath));
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is FormatException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "TrustAnchorPathInvalid", ErrorCategory.InvalidArgument, TrustAnchorPath));
            }
        }

        if (SourceAddress is { } source && !SmtpSourceAddress.IsUsable(source, out var sourceError))
        {
            var message = LocalizedText.Format("Fleet.SourceAddress.NotLocal", EffectiveCulture, source, sourceError);
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message, nameof(SourceAddress)), "SourceAddressNotLocal", ErrorCategory.InvalidArgument, source));
        }

        // Spacing is part of being polite to one address; whoever lifts the limit (a test bed) gets none unless asked.
        var spacing = ThrottleLimitPerAddress > 0 || MyInvocation.BoundParameters.ContainsKey(nameof(ConnectionSpacingMilliseconds))
            ? ConnectionSpacingMilliseconds
            : 0;
        _addressLimiter = new SmtpAddressLimiter(ThrottleLimitPerAddress, TimeSpan.FromMilliseconds(spacing));
        if (ParameterSetName == DomainSet)
        {
            _sharedChecks = new SharedEndpointChecks();
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // Everything the checks need is read here, on the pipeline thread: parameters bound from
        // piped objects change per record, and session state may not be touched from other threads.
        var settings = new ProbeSettings(this);
        if (ParameterSetName == DomainSet)
        {
            foreach (var domain in Domain)
            {
                if (!string.IsNullOrWhiteSpace(domain))
                {
                    Queue.Add(DomainJob(domain.Trim(), settings));
                    Queue.WaitForRoom(this);
                }
            }
        }
        else
        {
            foreach (var server in Server)
            {
                if (!string.IsNullOrWhiteSpace(server))
                {
                    Queue.Add(ProbeJob(settings.NewOptions(server, server), server, settings));
                    Queue.WaitForRoom(this);
                }
            }
        }

        // Results of servers that are done already go out while further input still arrives.
        Queue.Drain(this);
    }

    /// <summary>One check; its result (or $true/$false with -Quiet) is the job's output.</summary>
    private static PipelineJob ProbeJob(SmtpTlsProbeOptions options, string label, ProbeSettings settings) =>
        new ProbeCheck(options, label, settings.Quiet, null).ToJob();

    /// <summary>One check run by <paramref name="probe"/> with <paramref name="options"/>; its result (or $true/$false with -Quiet) is the job's output.</summary>
    private static PipelineJob ProbeJob(SmtpTlsProbeOptions options, string label, ProbeSettings settings, Func<CancellationToken, Task<SmtpTlsResult>> probe) =>
        new ProbeCheck(options, label, settings.Quiet, probe).ToJob();

    /// <summary>$true/$false of -Quiet, boxed once.</summary>
    private static object QuietOutput(SmtpTlsResult result) => result.Status == nameof(SmtpTlsStatus.Passed) ? BoxedTrue : BoxedFalse;

    /// <summary>
    /// Stands for the engine's domain check (<see cref="SmtpTlsDomainCheck"/>): one job per MX address, whose
    /// results go out as each check completes; with -IncludePolicy the whole domain in this one queue slot, its
    /// results together after the policy check.
    /// </summary>
    private PipelineJob DomainJob(string domain, ProbeSettings settings)
    {
        var options = settings.NewDomainOptions(domain, DnsResolver!, _sharedChecks);
        return PipelineJob.Expand(
            async token =>
            {
                var check = await SmtpTlsDomainCheck.PrepareAsync(domain, options, token).ConfigureAwait(false);
                if (settings.Verbose)
                {
                    settings.Queue.Verbose("[" + domain + "] " + check.Resolution.Detail);
                    foreach (var query in check.Resolution.Queries)
                    {
                        settings.Queue.Verbose("[" + domain + "] " + LocalizedText.Format("Fleet.Dns.Query", settings.Culture, query));
                    }
                }

                var jobs = new List<PipelineJob>();
                if (check.IncludesPolicy)
                {
                    foreach (var target in check.Targets)
                    {
                        if (target.Options is { } probeOptions)
                        {
                            settings.Shared.RelayTranscript(probeOptions, Label(domain, target.MailTarget!));
                        }
                    }

                    var checkedDomain = await check.RunAsync(token).ConfigureAwait(false);
                    if (checkedDomain.PolicyError is { } error)
                    {
                        jobs.Add(PipelineJob.Run(
                            _ => Task.FromException<object?>(error),
                            ex => new ErrorRecord(ex, "SmtpTlsPolicyFailed", ErrorCategory.NotSpecified, domain)));
                    }

                    foreach (var result in checkedDomain.Results)
                    {
                        jobs.Add(PipelineJob.Ready(settings.Quiet ? QuietOutput(result) : result));
                    }

                    return jobs;
                }

                foreach (var target in check.Targets)
                {
                    if (target.Options is { } probeOptions)
                    {
                        var label = Label(domain, target.MailTarget!);
                        settings.Shared.RelayTranscript(probeOptions, label);
                        jobs.Add(ProbeJob(probeOptions, label, settings, target.ProbeAsync));
                    }
                    else
                    {
                        jobs.Add(PipelineJob.Ready(settings.Quiet ? BoxedFalse : target.Result));
                    }
                }

                return jobs;
            },
            ex => new ErrorRecord(ex, "SmtpTlsDomainFailed", ErrorCategory.NotSpecified, domain));
    }

    /// <summary>How -Verbose lines and error records name one MX address of a domain.</summary>
    private static string Label(string domain, SmtpMailTarget target) => domain + " " + target.MxHost + " " + target.Address;

    /// <summary>
    /// One check as a queue job: the engine's task is awaited by the queue, which then reads the result from it, so a
    /// check costs this object and its three delegates rather than closures and a continuation state machine of its own.
    /// </summary>
    private sealed class ProbeCheck
    {
        private readonly SmtpTlsProbeOptions _options;
        private readonly string _label;
        private readonly bool _quiet;
        private readonly Func<CancellationToken, Task<SmtpTlsResult>>? _probe;

        public ProbeCheck(SmtpTlsProbeOptions options, string label, bool quiet, Func<CancellationToken, Task<SmtpTlsResult>>? probe)
        {
            _options = options;
            _label = label;
            _quiet = quiet;
            _probe = probe;
        }

        public PipelineJob ToJob() => PipelineJob.Run(Start, Output, Fail);

        private Task Start(CancellationToken token) => _probe is { } probe ? probe(token) : SmtpTlsProbe.ProbeAsync(_options, token);

        private object? Output(Task completed)
        {
            var result = ((Task<SmtpTlsResult>)completed).Result;
            return _quiet ? QuietOutput(result) : result;
        }

        private ErrorRecord Fail(Exception ex) => new(ex, "SmtpTlsProbeFailed", ErrorCategory.NotSpecified, _label);
    }

    /// <summary>
    /// The parameters of one ProcessRecord call, read on the pipeline thread, for checks that start later on others:
    /// the shared ones in <see cref="Shared"/>, and those only Test-SmtpTls has.
    /// </summary>
    private sealed class ProbeSettings
    {
        /// <summary>Reads the parameters of the current record.</summary>
        public ProbeSettings(TestSmtpTlsCommand command)
        {
            Shared = command.ReadOptions();
            Quiet = command.Quiet.IsPresent;
            ProtocolScan = command.ProtocolScan.IsPresent;
            Deep = command.Deep.IsPresent;
            CheckEnforcement = command.CheckEnforcement.IsPresent;
            EnforcementDomain = command._enforcementDomain;
            ExpiryWarningDays = command.ExpiryWarningDays;
            IncludePolicy = command.IncludePolicy.IsPresent;
            DnssecAnchor = command._dnssecAnchor ?? SmtpDnssecTrustAnchor.IanaRoot;
            AddressLimiter = command._addressLimiter;
            SourceAddress = command.SourceAddress;
            ThrottledRetries = command.MaximumRetryCount;
            ThrottledRetryDelay = TimeSpan.FromSeconds(command.RetryIntervalSec);
        }

        /// <summary>The parameters every connecting cmdlet shares, and the builder of the probe options.</summary>
        public SmtpOptionsBuilder Shared { get; }

        /// <summary>-IncludePolicy: a domain's policy verdict goes on each of its results.</summary>
        public bool IncludePolicy { get; }

        /// <summary>-Quiet: $true or $false per check instead of the result.</summary>
        public bool Quiet { get; }

        /// <summary>The cmdlet's queue.</summary>
        public PipelineWorkQueue Queue => Shared.Queue;

        /// <summary>Whether -Verbose lines are wanted.</summary>
        public bool Verbose => Shared.Verbose;

        /// <summary>The language of messages.</summary>
        public System.Globalization.CultureInfo Culture => Shared.Culture;

        private SmtpAddressLimiter? AddressLimiter { get; }

        private IPAddress? SourceAddress { get; }

        private int ThrottledRetries { get; }

        private TimeSpan ThrottledRetryDelay { get; }

        /// <summary>The DNSSEC trust anchor for -IncludePolicy (-TrustAnchorPath, else IANA's root anchors).</summary>
        public SmtpDnssecTrustAnchor DnssecAnchor { get; }

        private bool ProtocolScan { get; }

        private bool Deep { get; }

        private bool CheckEnforcement { get; }

        private string? EnforcementDomain { get; }

        private int ExpiryWarningDays { get; }

        /// <summary>The engine's options for checking <paramref name="domain"/>: the probe template, the shared limiter and endpoints, and the policy check with -IncludePolicy.</summary>
        public SmtpTlsDomainCheckOptions NewDomainOptions(string domain, SmtpDnsResolver resolver, SharedEndpointChecks? shared) => new(resolver)
        {
            Probe = NewOptions(domain, domain),
            SharedEndpoints = shared,
            Policy = IncludePolicy
                ? new DomainPolicyOptions(resolver) { TrustAnchors = Shared.Anchors ?? Certificates.TrustAnchors.None, Timeout = Shared.Timeout, Culture = Shared.Culture, DnssecTrustAnchor = DnssecAnchor }
                : null,
        };

        /// <summary>Options for a server named with -Server (or the template of a domain's checks).</summary>
        public SmtpTlsProbeOptions NewOptions(string server, string label) => WithOwn(Shared.NewProbeOptions(server, label));

        private SmtpTlsProbeOptions WithOwn(SmtpTlsProbeOptions options)
        {
            options.ProtocolScan = ProtocolScan;
            options.Deep = Deep;
            options.CheckEnforcement = CheckEnforcement;
            options.EnforcementDomain = EnforcementDomain;
            options.ExpiryWarningDays = ExpiryWarningDays;
            options.AddressLimiter = AddressLimiter;
            options.SourceAddress = SourceAddress;
            options.ThrottledRetries = ThrottledRetries;
            options.ThrottledRetryDelay = ThrottledRetryDelay;
            return options;
        }
    }
}
