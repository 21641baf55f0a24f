<#
.SYNOPSIS
    The scheduled check of README "Scheduled checks": a list of domains (or servers), Test-SmtpTls, a CSV
    file, an HTML report, JSON lines for monitoring, and exit code 1 when any check failed.
.EXAMPLE
    pwsh -NoProfile -File ./Invoke-MailTlsCheck.ps1 -ListPath /etc/smtptls/domains.txt -OutputFolder /var/lib/smtptls
.NOTES
    tests/examples/ScheduledCheck.Tests.ps1 runs this very file against the test bed.
#>
[CmdletBinding()]
param(
    # One domain (or, with -ListKind Server, one host[:port]) per line; empty lines and # comments are skipped.
    [Parameter(Mandatory)] [string] $ListPath,
    # Where the dated CSV, HTML and JSON-lines files go.
    [Parameter(Mandatory)] [string] $OutputFolder,
    [ValidateSet('Domain', 'Server')] [string] $ListKind = 'Domain',
    # More Test-SmtpTls parameters, e.g. @{ IncludePolicy = $true; DnsServer = '192.0.2.53' }.
    [hashtable] $TestParameters = @{},
    [string] $Culture = 'en-US'
)

$ErrorActionPreference = 'Stop'
Import-Module SmtpTls

$targets = @(Get-Content -LiteralPath $ListPath | ForEach-Object Trim | Where-Object { $_ -and -not $_.StartsWith('#') })
$stamp = Get-Date -Format 'yyyy-MM-dd'
$null = New-Item -ItemType Directory -Path $OutputFolder -Force
$base = Join-Path $OutputFolder "smtptls-$stamp"

# A target that cannot be checked still gives a result (Status Error), so nothing is lost here.
$check = @{ $ListKind = $targets } + $TestParameters
$results = @(Test-SmtpTls @check)

$results | Export-Csv -LiteralPath "$base.csv" -NoTypeInformation -Encoding utf8
$results | Export-SmtpTlsReport -Path "$base.html" -Culture $Culture -Title "Mail TLS $stamp" -Force
# One JSON document per line: what log shippers and monitoring systems read.
$results | ForEach-Object { ConvertTo-Json -InputObject $_ -Compress } | Set-Content -LiteralPath "$base.jsonl" -Encoding utf8

$failed = @($results | Where-Object Status -in 'Failed', 'Error')
Write-Host ("{0} checked, {1} failed; report: {2}.html" -f $results.Count, $failed.Count, $base)
if ($failed.Count -gt 0) {
    foreach ($result in $failed) {
        # Findings.ToString() reads "Id(Severity); ...", the same text as the CSV column.
        Write-Host ("{0} {1} {2}:{3} {4}: {5}" -f $result.Domain, $result.MxHost, $result.Server, $result.Port, $result.Status, $result.Findings.ToString()).Trim()
    }
    exit 1
}
exit 0
