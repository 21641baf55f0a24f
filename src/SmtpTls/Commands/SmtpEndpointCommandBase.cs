using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using SmtpTls.Certificates;

namespace SmtpTls.Commands;

/// <summary>
/// The parameters every cmdlet that connects to a mail server shares (-Server, -Port, -TlsMode,
/// -ServerName, -TrustedRootPath, -TimeoutSeconds, -ThrottleLimit), their pipeline binding, and the
/// concurrent, cancellable execution of the checks.
/// </summary>
public abstract class SmtpEndpointCommandBase : PSCmdlet
{
    private PipelineWorkQueue? _queue;

    /// <summary>Host names, IPv4/IPv6 literals, <c>host:port</c> or <c>[IPv6]:port</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] Server { get; set; } = Array.Empty<string>();

    /// <summary>The port; a port in -Server wins. Default 25, or 465 with -TlsMode Implicit.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Auto (465 implicit TLS, else STARTTLS), StartTls or Implicit.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.Auto;

    /// <summary>The name sent as SNI and checked against the certificate; default: the server's host name.</summary>
    /// <remarks>No null check: a piped result of an IP check carries ServerName = null, which means "not given".</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? ServerName { get; set; }

    /// <summary>A PEM file or folder with extra trust anchors (a private CA), trusted in addition to the system store.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootPath { get; set; }

    /// <summary>Bound on every network step, in seconds. Default 10.</summary>
    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How many servers are checked at once. Default 32.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>The language of messages; default: the session's UI culture.</summary>
    [Parameter]
    public CultureInfo? Culture { get; set; }

    /// <summary>The trust anchors loaded from -TrustedRootPath, or null.</summary>
    protected TrustAnchors? Anchors { get; private set; }

    /// <summary>The effective culture for messages.</summary>
    protected CultureInfo EffectiveCulture => Culture ?? CultureInfo.CurrentUICulture;

    /// <summary>Whether -Verbose output is wanted, so transcript lines are only collected when someone reads them.</summary>
    protected bool VerboseWanted
    {
        get
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose))
            {
                return verbose is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(verbose);
            }

            return GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue;
        }
    }

    /// <summary>The queue that runs the checks; valid between BeginProcessing and EndProcessing.</summary>
    private protected PipelineWorkQueue Queue => _queue ?? throw new InvalidOperationException("BeginProcessing has not run.");

    /// <summary>Whether results go out in input order rather than as they complete.</summary>
    private protected virtual bool OrderedOutput => false;

    /// <summary>Sets up Write-Progress on the queue (default: none).</summary>
    private protected virtual void ConfigureProgress(PipelineWorkQueue queue)
    {
    }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (!string.IsNullOrEmpty(TrustedRootPath))
        {
            var path = GetUnresolvedProviderPathFromPSPath(TrustedRootPath);
            try
            {
                Anchors = TrustAnchors.Load(path, EffectiveCulture);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "TrustedRootPathInvalid", ErrorCategory.InvalidArgument, TrustedRootPath));
            }
        }

        _queue = new PipelineWorkQueue(ThrottleLimit, OrderedOutput);
        ConfigureProgress(_queue);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Queue.DrainToEnd(this);
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        _queue?.Stop();
    }

    /// <summary>Releases the queue when the pipeline ends, also after Ctrl+C.</summary>
    protected void DisposeQueue()
    {
        _queue?.Dispose();
    }
}
