using System;
using System.IO;
using System.Management.Automation;
using SmtpTls.Certificates;

namespace SmtpTls.Commands;

/// <summary>
/// The parameters of every cmdlet that connects to a mail server (-Port, -ServerName, -HeloName, -TrustedRootPath,
/// -TimeoutSeconds, with -Culture from <see cref="SmtpCommandBase"/>), the loading of the trust anchors, and the
/// queue that runs the network work off the pipeline thread and relays its output, warnings and -Verbose lines back.
/// </summary>
/// <remarks>
/// The cmdlets differ only in what they declare on top: the endpoint checks (<see cref="SmtpEndpointCommandBase"/>)
/// take many servers and a probe TLS mode, Send-SmtpTestMessage one server and a sending TLS policy.
/// <see cref="ReadOptions"/> is the one place where these parameters become engine options.
/// </remarks>
public abstract class SmtpConnectionCommandBase : SmtpCommandBase, IDisposable
{
    private PipelineWorkQueue? _queue;

    /// <summary>Sets the default of <see cref="TimeoutSeconds"/>, which depends on the work (a check or a whole send).</summary>
    /// <param name="defaultTimeoutSeconds">The bound on every network step when -TimeoutSeconds is not given.</param>
    private protected SmtpConnectionCommandBase(int defaultTimeoutSeconds)
    {
        TimeoutSeconds = defaultTimeoutSeconds;
    }

    /// <summary>The port; a port in -Server wins. Default 25, or 465 with implicit TLS.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The name sent as SNI and checked against the certificate; default: the server's host name.</summary>
    /// <remarks>No null check: a piped result of an IP check carries ServerName = null, which means "not given".</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? ServerName { get; set; }

    /// <summary>The name said in EHLO; default: this machine's name (servers that check it reject a bad one).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeloName { get; set; }

    /// <summary>A PEM file or folder with extra trust anchors (a private CA), trusted in addition to the system store.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootPath { get; set; }

    /// <summary>Bound on every network step (connect, each reply, the handshake), in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSeconds { get; set; }

    /// <summary>The trust anchors loaded from -TrustedRootPath in <see cref="BeginProcessing"/>, or null.</summary>
    protected TrustAnchors? Anchors { get; private set; }

    /// <summary>The queue that runs the network work; valid between BeginProcessing and EndProcessing.</summary>
    private protected PipelineWorkQueue Queue => _queue ?? throw new InvalidOperationException("BeginProcessing has not run.");

    /// <summary>How much network work runs at once (default: one thing at a time).</summary>
    private protected virtual int ConcurrentWork => 1;

    /// <summary>Whether output goes out in input order rather than as the work completes.</summary>
    private protected virtual bool OrderedOutput => false;

    /// <summary>Sets up Write-Progress on the queue (default: none).</summary>
    /// <param name="queue">The queue just created.</param>
    private protected virtual void ConfigureProgress(PipelineWorkQueue queue)
    {
    }

    /// <summary>
    /// Reads the connection parameters of the current record, on the pipeline thread, into the builder of the engine
    /// options: work that starts later on other threads must not read the cmdlet, whose piped parameters change per record.
    /// </summary>
    /// <returns>A snapshot of the parameters, ready to make engine options for any server.</returns>
    private protected virtual SmtpOptionsBuilder ReadOptions() => new(Queue, VerboseWanted, EffectiveCulture)
    {
        Port = Port,
        ServerName = ServerName,
        HeloName = HeloName,
        Anchors = Anchors,
        Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
    };

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

        _queue = new PipelineWorkQueue(ConcurrentWork, OrderedOutput);
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

    /// <summary>Releases the queue when the pipeline ends, also after Ctrl+C; PowerShell calls it for every cmdlet that is disposable.</summary>
    public void Dispose()
    {
        _queue?.Dispose();
        GC.SuppressFinalize(this);
    }
}
