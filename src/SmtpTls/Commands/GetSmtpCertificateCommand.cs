using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using SmtpTls.Certificates;
using SmtpTls.Localization;
using SmtpTls.Probing;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Gets the certificate chain a mail server presents, analysed and exportable.</para>
/// <para type="description">Connects like Test-SmtpTls (STARTTLS or implicit TLS), completes the handshake, closes
/// the session with QUIT and returns an SmtpCertificateInfo: subject, names, issuer, validity, key, fingerprints,
/// chain validity against the system store and -TrustedRootPath, host-name match (RFC 6125) and the DANE TLSA
/// 3 1 1 data. Certificates are shown even when they are expired, untrusted or for another name. The chain is
/// built offline: no revocation checks and no downloads of missing intermediates.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SmtpCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SmtpCertificateInfo))]
public sealed class GetSmtpCertificateCommand : SmtpEndpointCommandBase
{
    private readonly ConcurrentDictionary<int, (string Server, X509Certificate2[] Chain)> _chainsToSave = new();
    private string? _outFilePath;
    private int _sequence;

    /// <summary>Output only certificates that expire within this many days (expired ones included).</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public int? ExpiringWithinDays { get; set; }

    /// <summary>Write the presented chains (leaf first, as sent) to this file as PEM.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("Path")]
    public string? OutFile { get; set; }

    /// <summary>Overwrite -OutFile if it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (OutFile is null)
        {
            return;
        }

        // Refuse before connecting anywhere, so a nightly job fails fast instead of after the checks.
        // Only a file-system path: "Env:/X" or "Variable:/X" would otherwise become a file "X" in the working folder.
        _outFilePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile, out var provider, out _);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException(LocalizedText.Format("Certificate.OutFile.NotFileSystem", EffectiveCulture, OutFile, provider.Name)),
                "OutFileNotFileSystem",
                ErrorCategory.InvalidArgument,
                OutFile));
        }

        if (!Force.IsPresent && (File.Exists(_outFilePath) || Directory.Exists(_outFilePath)))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException(LocalizedText.Format("Certificate.OutFile.Exists", EffectiveCulture, _outFilePath)),
                "OutFileExists",
                ErrorCategory.ResourceExists,
                OutFile));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var settings = ReadOptions();
        var culture = settings.Culture;
        var queue = settings.Queue;
        foreach (var server in Server)
        {
            if (string.IsNullOrWhiteSpace(server))
            {
                continue;
            }

            var options = settings.NewProbeOptions(server, server);
            options.ExpiryWarningDays = ExpiringWithinDays ?? CertificateAnalyzer.DefaultExpiryWarningDays;

            // Only the certificate is wanted: QUIT right after the handshake.
            options.ReadCapabilitiesAfterTls = false;

            var index = Interlocked.Increment(ref _sequence);
            var withinDays = ExpiringWithinDays;
            var saving = _outFilePath is not null;
            queue.Start(
                async token =>
                {
                    var result = await SmtpTlsProbe.ProbeAsync(options, token).ConfigureAwait(false);
                    var info = result.Certificate ?? throw new SmtpCertificateUnavailableException(FailureMessage(result, server, culture), result);
                    if (withinDays is { } days && info.NotAfter.ToUniversalTime() > info.CheckedAt.UtcDateTime.AddDays(days))
                    {
                        queue.Verbose(LocalizedText.Format("Certificate.Verbose.NotExpiring", culture, server, info.NotAfter, days));
                        return null;
                    }

                    if (saving)
                    {
                        _chainsToSave[index] = (server, info.PresentedChain.Select(e => e.GetCertificate()).Where(c => c is not null).Select(c => c!).ToArray());
                    }

                    return info;
                },
                ex => ToErrorRecord(ex, server));
            queue.WaitForRoom(this);
        }

        Queue.Drain(this);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (_outFilePath is null || _chainsToSave.IsEmpty)
        {
            return;
        }

        // On the pipeline thread, in input order, so -WhatIf/-Confirm work and the file is reproducible.
        var chains = _chainsToSave.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        var certificates = chains.SelectMany(c => c.Chain).ToList();
        var servers = string.Join(", ", chains.Select(c => c.Server));
        var action = LocalizedText.Format("Certificate.OutFile.Action", EffectiveCulture, certificates.Count, servers);
        if (!ShouldProcess(_outFilePath, action))
        {
            return;
        }

        try
        {
            // Checked again where it counts: a file created while the servers were checked is not overwritten without -Force.
            var bytes = new UTF8Encoding(false).GetBytes(CertificatePem.Write(certificates));
            using (var stream = new FileStream(_outFilePath, Force.IsPresent ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
            }

            WriteVerbose(LocalizedText.Format("Certificate.OutFile.Written", EffectiveCulture, certificates.Count, servers, _outFilePath));
        }
        catch (IOException ex) when (!Force.IsPresent && (File.Exists(_outFilePath) || Directory.Exists(_outFilePath)))
        {
            WriteError(new ErrorRecord(
                new IOException(LocalizedText.Format("Certificate.OutFile.Exists", EffectiveCulture, _outFilePath), ex),
                "OutFileExists",
                ErrorCategory.ResourceExists,
                OutFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "OutFileWriteFailed", ErrorCategory.WriteError, OutFile));
        }
    }

    private static string FailureMessage(SmtpTlsResult result, string server, System.Globalization.CultureInfo culture)
    {
        var target = string.IsNullOrEmpty(result.Server) ? server : result.Server + ":" + result.Port;
        var finding = FirstError(result);
        // The explanation travels typed, as the result's Resolution (and in the exception's Data): the message is for people.
        var detail = finding?.Message ?? string.Empty;
        return LocalizedText.Format("Certificate.Error.NoCertificate", culture, target, detail).Trim();
    }

    private static SmtpTlsFinding? FirstError(SmtpTlsResult result) =>
        result.Findings.FirstOrDefault(f => f.Level == SmtpTlsFindingSeverity.Error) ?? result.Findings.FirstOrDefault();

    private static ErrorRecord ToErrorRecord(Exception ex, string server)
    {
        if (ex is not SmtpCertificateUnavailableException unavailable)
        {
            return new ErrorRecord(ex, "SmtpCertificateProbeFailed", ErrorCategory.NotSpecified, server);
        }

        var id = FirstError(unavailable.Result)?.Id ?? "NoCertificate";
        var category = !Enum.TryParse<SmtpTlsFindingId>(id, out var kind) ? ErrorCategory.NotSpecified : kind switch
        {
            SmtpTlsFindingId.TlsNotAvailable or SmtpTlsFindingId.TlsNotOffered or SmtpTlsFindingId.TlsLegacyOnly => ErrorCategory.ResourceUnavailable,
            SmtpTlsFindingId.Timeout => ErrorCategory.OperationTimeout,
            SmtpTlsFindingId.ConnectionFailed => ErrorCategory.ConnectionError,
            SmtpTlsFindingId.InvalidTarget => ErrorCategory.InvalidArgument,
            SmtpTlsFindingId.PortMismatch or SmtpTlsFindingId.NotSmtp => ErrorCategory.ProtocolError,
            SmtpTlsFindingId.TlsHandshakeFailed => ErrorCategory.SecurityError,
            _ => ErrorCategory.NotSpecified,
        };

        return new ErrorRecord(unavailable, id, category, server);
    }
}
