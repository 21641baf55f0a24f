<#
.SYNOPSIS
    Bench step 1 in a pwsh session of its own: the Test-SmtpTls rounds, fresh and warm.
.DESCRIPTION
    Started by tools/Bench.ps1 in a new pwsh, so that the session measured is what a user's is: the module
    imported, a target list read, nothing else run before. (In Bench's own process the test bed's start-up, a few
    seconds of PowerShell that writes the PKI and Postfix's configuration, left code for the tiered JIT to
    recompile during the measured rounds: 500-900 more methods per round of 1,000 checks and 0.3-0.5 ms more client
    CPU per check, charged to Test-SmtpTls. The plainest .NET client and openssl were always measured in fresh
    processes.)
    Imports -ModulePath, runs -WarmupChecks unmeasured checks, then -Rounds measured calls of Test-SmtpTls over the
    targets in -TargetsFile (one address:port a line); then, unless -WarmStateChecks is 0, that many more unmeasured
    checks and the same rounds again (the warm state). Writes the rounds' figures as JSON to -OutputPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TargetsFile,
    [Parameter(Mandatory)] [string] $ServerName,
    [Parameter(Mandatory)] [string] $CaFile,
    [Parameter(Mandatory)] [string] $OutputPath,
    [int] $ThrottleLimit = 32,
    [ValidateRange(1, 9)] [int] $Rounds = 3,
    [ValidateRange(1, 100000)] [int] $WarmupChecks = 64,
    [ValidateRange(0, 1000000)] [int] $WarmStateChecks = 8000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath
$targets = [IO.File]::ReadAllLines($TargetsFile)
# The bed's servers share 127.0.0.1: no per-address politeness in a benchmark of the client.
$unlimited = @{ ThrottleLimitPerAddress = 0 }

function Get-MachineBusyMilliseconds {
    <# CPU time all processors spent busy since boot (Linux /proc/stat), or $null elsewhere. #>
    if (-not [IO.File]::Exists('/proc/stat')) { return $null }
    # One .NET read and split (no pipeline): it runs next to the measured rounds, whose CPU figure it must not colour.
    $fields = [IO.File]::ReadAllLines('/proc/stat')[0].Split(' ', [StringSplitOptions]::RemoveEmptyEntries)
    # cpu user nice system idle iowait irq softirq steal: busy = all but idle and iowait, in clock ticks (USER_HZ = 100).
    ([double]$fields[1] + [double]$fields[2] + [double]$fields[3] + [double]$fields[6] + [double]$fields[7] + [double]$fields[8]) * 10
}

function Invoke-UnmeasuredChecks([int] $Count) {
    $list = for ($i = 0; $i -lt $Count; $i++) { $targets[$i % $targets.Count] }
    $null = Test-SmtpTls -Server $list -ServerName $ServerName -TrustedRootPath $CaFile -ThrottleLimit $ThrottleLimit @unlimited
}

function Measure-SmtpTlsRounds {
    <#
        -Rounds calls of Test-SmtpTls over the targets, each with its seconds, client CPU, rest-of-machine CPU,
        methods JIT-compiled, memory growth, results returned and Passed.
    #>
    # Each round's results are kept and counted after the last round: PowerShell code run between rounds (Where-Object
    # over 1,000 results) is recompiled by the tiered JIT in the background during the next round, which would be
    # charged with it. Only the first round's memory growth is reported, before any other round's results exist.
    $roundResults = [Collections.Generic.List[object]]::new()
    $runs = @(foreach ($round in 1..$Rounds) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $workingSetBefore = $process.WorkingSet64
        $heapBefore = [GC]::GetTotalMemory($true)
        # The machine's window encloses the client's, so that "rest of machine" is never charged with the client.
        $machineBefore = Get-MachineBusyMilliseconds
        $cpuBefore = $process.TotalProcessorTime
        $jitBefore = [Runtime.JitInfo]::GetCompiledMethodCount($false)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = Test-SmtpTls -Server $targets -ServerName $ServerName -TrustedRootPath $CaFile -ThrottleLimit $ThrottleLimit @unlimited
        $watch.Stop()
        $process.Refresh()
        $ownMs = ($process.TotalProcessorTime - $cpuBefore).TotalMilliseconds
        # Methods the runtime compiled meanwhile: tiered JIT recompiles hot code for the first few thousand checks.
        # (A count, not JitInfo's compile time, which is wall time and grows with the machine's load.)
        $jitMethods = [Runtime.JitInfo]::GetCompiledMethodCount($false) - $jitBefore
        $machineAfter = Get-MachineBusyMilliseconds
        $workingSetGrowth = ($process.WorkingSet64 - $workingSetBefore) / 1MB
        $heapGrowth = ([GC]::GetTotalMemory($false) - $heapBefore) / 1MB
        $roundResults.Add($results)
        $results = $null
        [ordered]@{
            Seconds            = $watch.Elapsed.TotalSeconds
            CpuMsPerCheck      = $ownMs / $targets.Count
            JitMethods         = $jitMethods
            # Everything else the machine did meanwhile: Postfix of the bed, and whatever else runs here.
            OtherCpuMsPerCheck = if ($null -ne $machineBefore) { [math]::Max(0, $machineAfter - $machineBefore - $ownMs) / $targets.Count } else { $null }
            WorkingSetGrowth   = $workingSetGrowth
            HeapGrowth         = $heapGrowth
        }
    })
    for ($round = 0; $round -lt $Rounds; $round++) {
        $runs[$round].Returned = @($roundResults[$round]).Count
        $runs[$round].Passed = @($roundResults[$round] | Where-Object Status -EQ 'Passed').Count
    }
    , @($runs)
}

# Warm-up: first-use costs (loading, the first compilation of every method) are not what a fleet run pays per check.
Invoke-UnmeasuredChecks $WarmupChecks
$fresh = Measure-SmtpTlsRounds
$warm = $null
if ($WarmStateChecks -gt 0) {
    # The warm state: once the session has run this many more checks, the tiered JIT has done its work.
    Invoke-UnmeasuredChecks $WarmStateChecks
    $warm = Measure-SmtpTlsRounds
}
[ordered]@{ Fresh = $fresh; Warm = $warm } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $OutputPath -Encoding utf8
