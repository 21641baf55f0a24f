using System;
using System.Management.Automation;
using SmtpTls.Probing;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Checks whether a mail server offers TLS properly and returns a verdict with findings.</para>
/// <para type="description">Connects to each server, speaks SMTP up to STARTTLS (or starts with implicit TLS),
/// completes the TLS handshake, analyses the presented certificate and, on request, finds the accepted
/// protocol versions and whether TLS is enforced. Servers are checked concurrently.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SmtpTls")]
[OutputType(typeof(SmtpTlsResult), typeof(bool))]
public sealed class TestSmtpTlsCommand : SmtpEndpointCommandBase, IDisposable
{
    /// <summary>The name to say in EHLO; default: this machine's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeloName { get; set; }

    /// <summary>Also find which of SSL 3.0 to TLS 1.3 the server accepts and whether it accepts weak ciphers.</summary>
    [Parameter]
    public SwitchParameter ProtocolScan { get; set; }

    /// <summary>Also try MAIL FROM before STARTTLS to see whether TLS is enforced (RSET follows; nothing is sent).</summary>
    [Parameter]
    public SwitchParameter CheckEnforcement { get; set; }

    /// <summary>A certificate expiring within this many days gives a warning. Default 30.</summary>
    [Parameter]
    [ValidateRange(0, 3650)]
    public int ExpiryWarningDays { get; set; } = 30;

    /// <summary>Return only $true (Passed) or $false per server.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var verbose = VerboseWanted;
        foreach (var server in Server)
        {
            if (string.IsNullOrWhiteSpace(server))
            {
                continue;
            }

            var options = new SmtpTlsProbeOptions(server)
            {
                Port = Port,
                TlsMode = TlsMode,
                ServerName = ServerName,
                HeloName = HeloName,
                TrustAnchors = Anchors,
                ProtocolScan = ProtocolScan.IsPresent,
                CheckEnforcement = CheckEnforcement.IsPresent,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                ExpiryWarningDays = ExpiryWarningDays,
                Culture = EffectiveCulture,
            };

            if (verbose)
            {
                var queue = Queue;
                var prefix = "[" + server + "] ";
                options.Transcript = line => queue.Verbose(prefix + line);
            }

            var quiet = Quiet.IsPresent;
            Queue.Start(
                async token =>
                {
                    var result = await SmtpTlsProbe.ProbeAsync(options, token).ConfigureAwait(false);
                    return quiet ? result.Status == nameof(SmtpTlsStatus.Passed) : result;
                },
                ex => new ErrorRecord(ex, "SmtpTlsProbeFailed", ErrorCategory.NotSpecified, server));
        }

        // Results of servers that are done already go out while further input still arrives.
        Queue.Drain(this);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeQueue();
}
