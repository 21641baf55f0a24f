using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using SmtpTls.Reporting;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Writes the results of SmtpTls checks as one self-contained HTML report.</para>
/// <para type="description">Collects Test-SmtpTls results (and Get-SmtpCertificate and Send-SmtpTestMessage
/// output) from the pipeline and writes one HTML file with a summary, a chart of expiring certificates, the
/// domains' policy verdicts and a sortable, filterable table of the results.</para>
/// </summary>
/// <remarks>The report model and the HTML are the engine's (<see cref="SmtpTlsReport"/>, <see cref="HtmlReportWriter"/>); this class binds, checks the path and writes the file.</remarks>
[Cmdlet(VerbsData.Export, "SmtpTlsReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSmtpTlsReportCommand : SmtpCommandBase
{
    private SmtpTlsReport? _report;
    private string _path = string.Empty;

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>A result of Test-SmtpTls, Get-SmtpCertificate or Send-SmtpTestMessage; usually from the pipeline.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    /// <summary>The report's heading; default "SmtpTls report".</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _path = GetUnresolvedProviderPathFromPSPath(Path);
        var folder = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            ThrowTerminatingError(new ErrorRecord(
                new DirectoryNotFoundException($"The folder '{folder}' does not exist; create it first or choose another -Path."),
                "ReportFolderNotFound", ErrorCategory.ObjectNotFound, folder));
        }

        if (Directory.Exists(_path))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"'{_path}' is a folder; -Path names the HTML file to write, e.g. '{System.IO.Path.Combine(_path, "report.html")}'."),
                "ReportPathIsFolder", ErrorCategory.InvalidArgument, _path));
        }

        if (File.Exists(_path) && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"The file '{_path}' exists already; use -Force to overwrite it."),
                "ReportFileExists", ErrorCategory.ResourceExists, _path));
        }

        _report = new SmtpTlsReport(EffectiveCulture, DateTimeOffset.Now) { Title = Title ?? string.Empty };
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var item = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        if (item is null || _report!.TryAdd(item))
        {
            return;
        }

        var typeName = InputObject is PSObject { TypeNames.Count: > 0 } psObject ? psObject.TypeNames[0] : item.GetType().FullName;
        var hint = typeName is not null && typeName.StartsWith("Deserialized.", StringComparison.Ordinal)
            ? " Results that crossed remoting or Import-Clixml are property bags: run Export-SmtpTlsReport where the checks ran (inside Invoke-Command), or export them with Export-Csv."
            : string.Empty;
        WriteError(new ErrorRecord(
            new ArgumentException($"Export-SmtpTlsReport takes the output of Test-SmtpTls, Get-SmtpCertificate or Send-SmtpTestMessage, not {typeName}.{hint}"),
            "UnsupportedReportInput", ErrorCategory.InvalidArgument, InputObject));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var report = _report!;
        if (!ShouldProcess(_path, $"Write an HTML report of {report.Rows.Count} result(s)"))
        {
            return;
        }

        // Written beside the target and moved into place, so that a failure never leaves half a report.
        var temporary = _path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                HtmlReportWriter.Write(report, writer);
            }

            if (File.Exists(_path))
            {
                File.Delete(_path);
            }

            File.Move(temporary, _path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            ThrowTerminatingError(new ErrorRecord(ex, "ReportNotWritten", ErrorCategory.WriteError, _path));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(_path));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the error that matters is the one being reported.
        }
    }
}
