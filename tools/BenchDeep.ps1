<#
.SYNOPSIS
    Measures Test-SmtpTls -Deep against testssl.sh on the same port and prints a table.
.DESCRIPTION
    Brings up the Postfix scenarios 'good' (client cipher order) and 'dual-cert' (RSA and ECDSA
    certificates, server cipher order) in a bed root of its own, then measures on each:
      1. Test-SmtpTls -Deep, median of -Rounds calls, with the connections it opened;
      2. testssl.sh --starttls smtp --fast, once;
      3. the full testssl.sh run (all checks), once, unless -SkipFullTestssl.
    testssl.sh runs with --ip 127.0.0.1 --nodns none in a private mount namespace (unshare -m) whose
    resolv.conf names only 127.0.0.1, so nothing leaves loopback. Writes the figures to -OutputPath.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [ValidateRange(1, 21)] [int] $Rounds = 5,
    [switch] $SkipFullTestssl,
    [string] $BedRoot
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$PSStyle.OutputRendering = 'PlainText'
$repoRoot = Split-Path $PSScriptRoot -Parent
if (-not $BedRoot) { $BedRoot = Join-Path $repoRoot 'out/bench-deep-testbed' }
Import-Module (Join-Path $repoRoot 'tests/TestBed/SmtpTestBed.psm1') -Force
. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

function Invoke-TestsslRun {
    <# One testssl.sh run on a STARTTLS endpoint; seconds, or $null when it could not run or did not finish. #>
    param([string] $Target, [string[]] $Checks)
    if (-not ((Get-Command testssl -ErrorAction Ignore) -and (Get-Command unshare -ErrorAction Ignore))) { return $null }
    $run = Invoke-LoopbackTestssl -Target $Target -Checks $Checks
    if (-not ($run.Output -match 'Done ')) {
        Write-Warning "testssl.sh $($Checks -join ' ') did not finish (exit code $($run.ExitCode)): $(($run.Output | Select-Object -Last 5) -join "`n")"
        return $null
    }
    $run.Seconds
}

$load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } else { 'n/a' }
$bed = Start-SmtpTestBed -Root $BedRoot -Scenario good, dual-cert
try {
    if (-not $bed.Available) { throw "The deep benchmark needs the Postfix test bed: $($bed.Reason)" }
    Import-Module $ModulePath
    $rows = foreach ($scenario in 'good', 'dual-cert') {
        $entry = $bed.Scenarios.$scenario
        $target = "$($entry.Address):$($entry.Port)"
        # Warm-up: JIT and first-use costs are not what each endpoint of a fleet pays.
        $null = Test-SmtpTls -Server $target -ServerName $entry.ServerName -TrustedRootPath $bed.CaFile -Deep
        $samples = foreach ($i in 1..$Rounds) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $result = Test-SmtpTls -Server $target -ServerName $entry.ServerName -TrustedRootPath $bed.CaFile -Deep
            $clock.Stop()
            [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Connections = $result.Deep.Connections; Suites = $result.Deep.CipherSuites.Count }
        }
        $fast = Invoke-TestsslRun -Target $target -Checks '--fast'
        $full = if ($SkipFullTestssl) { $null } else { Invoke-TestsslRun -Target $target -Checks @() }
        $deepMs = Get-Median $samples.Ms
        [pscustomobject]@{
            Scenario        = $scenario
            DeepMs          = [math]::Round($deepMs, 0)
            DeepConnections = ($samples | Select-Object -Last 1).Connections
            Suites          = ($samples | Select-Object -Last 1).Suites
            TestsslFastS    = if ($fast) { [math]::Round($fast, 1) } else { $null }
            TestsslFullS    = if ($full) { [math]::Round($full, 1) } else { $null }
            RatioFast       = if ($fast) { [math]::Round($fast * 1000 / $deepMs, 0) } else { $null }
            RatioFull       = if ($full) { [math]::Round($full * 1000 / $deepMs, 0) } else { $null }
        }
    }

    $figures = [ordered]@{
        Rounds             = $Rounds
        Endpoints          = @($rows)
        LoadAverageAtStart = $load
        Machine            = "{0} cores, {1}" -f [Environment]::ProcessorCount, [Runtime.InteropServices.RuntimeInformation]::OSDescription
    }
    $null = New-Item -ItemType Directory -Path (Split-Path $OutputPath) -Force
    $figures | ConvertTo-Json -Depth 4 | Set-Content $OutputPath -Encoding utf8

    $table = foreach ($row in $rows) {
        [pscustomobject]@{ Measure = "Test-SmtpTls -Deep on $($row.Scenario), median of $Rounds"; Value = "$($row.DeepMs) ms ($($row.Suites) suites, $($row.DeepConnections) connections)"; Target = '< 300 ms' }
        [pscustomobject]@{ Measure = "testssl.sh --fast, same port"; Value = if ($row.TestsslFastS) { "$($row.TestsslFastS) s ($($row.RatioFast)x slower)" } else { 'not measured' }; Target = '' }
        [pscustomobject]@{ Measure = "testssl.sh full run, same port"; Value = if ($row.TestsslFullS) { "$($row.TestsslFullS) s ($($row.RatioFull)x slower)" } else { 'not measured' }; Target = '' }
    }
    Write-Host ($table | Format-Table -AutoSize -Wrap | Out-String -Width 240).TrimEnd()
    Write-Host "Load average at start $load; $($figures.Machine). Figures written to $OutputPath"
}
finally {
    Stop-SmtpTestBed -Root $BedRoot
}
