<#
.SYNOPSIS
    Measures SmtpTls against openssl s_client and testssl.sh on the same machine and prints a table.
.DESCRIPTION
    Brings up the Postfix test bed (in a root of its own, so a bed that tests use is left alone), then
    measures:
      1. 1,000 endpoint checks (STARTTLS + certificate validation against the bed's CA) in one
         Test-SmtpTls call, against the good instance and a mix of scenarios: checks per second
         (median of -Rounds runs; the first run also gives the memory growth), right after a short
         warm-up (a fresh session, while the tiered JIT is still compiling) and again in the warm state,
         after -WarmStateChecks more checks. These rounds run in a new pwsh (tools/BenchSession.ps1) that
         imports the module and does nothing else first, as a user's session would: not in this one, which
         started the bed and whose start-up code the tiered JIT would recompile during the rounds.
      2. The same list checked one after the other with `openssl s_client -starttls smtp -brief
         -CAfile ... -verify_hostname ...`, run from a shell loop (so PowerShell's own cost of
         starting a native command is not charged to openssl): checks per second and the ratio.
         Beside it, the floor of any .NET client: tools/BareClient has the same conversation with the same
         targets at the same concurrency (banner, EHLO, STARTTLS, SslStream handshake with chain validation,
         EHLO, QUIT) and nothing else, in a fresh process with the same warm-up and rounds.
      3. Test-SmtpTls -ProtocolScan on one host (median of 5 calls) against `testssl.sh --starttls
         smtp -p` on it (median of 3), and the ratio.
      4. Import-Module time in a fresh pwsh, and then the first check's (median of 5).
      5. Working-set and managed-heap growth of the measuring session over the 1,000 checks (results kept).
      6. Internet latency: 3,000 checks at -ThrottleLimit 1000 against the fleet test server
         (tests/SmtpTls.FleetServer) waiting 100 ms before every reply, against the rate of step 1,
         with memory growth and threads.
      7. Streamed input: -StreamLines targets (default 100,000) piped from Get-Content into
         -ThrottleLimit 1000, each answered after 200 ms with a 421 by the fleet test server, results
         dropped: the working set and managed heap sampled every 10,000 results stay flat (bounded
         queue with backpressure).
    Every call passes -ThrottleLimitPerAddress 0: the bed's servers all listen on 127.0.0.1, and the
    default of 5 checks per address is for real servers, not for a benchmark of the client.
    Writes the figures to -OutputPath as JSON. Every target is on 127.0.0.1; testssl.sh runs with
    --ip 127.0.0.1 --nodns none inside a private mount namespace (unshare -m) whose /etc/resolv.conf
    says nameserver 127.0.0.1, so that it sends nothing beyond loopback even though it looks names
    up through the system resolver.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [int] $Checks = 1000,
    [int] $ThrottleLimit = 32,
    [ValidateRange(1, 9)] [int] $Rounds = 3,
    # Step 1's unmeasured checks first. The runtime keeps recompiling hot code (tiered JIT) for a few thousand
    # checks (about 7,000 in our runs), more slowly the busier the machine is: 64 measures a fresh session.
    [ValidateRange(1, 100000)] [int] $WarmupChecks = 64,
    # Then this many more unmeasured checks and the same rounds again: the warm state, after the compiling (0: skip).
    [ValidateRange(0, 1000000)] [int] $WarmStateChecks = 8000,
    # Step 6: checks against the server that waits before every reply, and how many at once.
    [int] $DelayedChecks = 3000,
    [int] $DelayedThrottleLimit = 1000,
    [int] $ReplyDelayMilliseconds = 100,
    # Step 7: targets streamed from a file through Get-Content.
    [int] $StreamLines = 100000,
    # The bed's work directory; default: out/bench-testbed (not tests/.testbed, which test runs use).
    [string] $BedRoot
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$PSStyle.OutputRendering = 'PlainText'
$repoRoot = Split-Path $PSScriptRoot -Parent
if (-not $BedRoot) { $BedRoot = Join-Path $repoRoot 'out/bench-testbed' }
Import-Module (Join-Path $repoRoot 'tests/TestBed/SmtpTestBed.psm1') -Force
. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
Import-Module (Join-Path $repoRoot 'tests/TestBed/FleetServer.psm1') -Force
# The bed's servers share 127.0.0.1: no per-address politeness in a benchmark of the client.
$unlimited = @{ ThrottleLimitPerAddress = 0 }

function Measure-Seconds([scriptblock] $Action) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Action
    $watch.Stop()
    $watch.Elapsed.TotalSeconds
}

function Get-PwshCommand {
    <# How to start a fresh pwsh like this one: its own executable, or dotnet + pwsh.dll for the dotnet tool. #>
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    , @($process)
}

function Measure-FreshSession {
    <#
        Five fresh pwsh sessions, each timing inside itself Import-Module and then the first Test-SmtpTls check
        (-Target, which should pass): the medians. The first check pays the loading and first compilation of the
        whole per-check path, which is what a user at the prompt waits for once.
    #>
    param([string] $Target, [string] $CaFile, [string] $ServerName)
    $pwsh = Get-PwshCommand
    # The paths and names reach the child through its environment, never spliced into the command text.
    $script = '$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module $env:SMTPTLS_BENCH_MODULE; $null = Get-Command Test-SmtpTls; ' +
        '$import = $w.Elapsed.TotalMilliseconds; $w.Restart(); ' +
        '$r = Test-SmtpTls -Server $env:SMTPTLS_BENCH_TARGET -ServerName $env:SMTPTLS_BENCH_NAME -TrustedRootPath $env:SMTPTLS_BENCH_CA; ' +
        '"$import $($w.Elapsed.TotalMilliseconds) $($r.Status)"'
    $env:SMTPTLS_BENCH_MODULE = $ModulePath; $env:SMTPTLS_BENCH_TARGET = $Target; $env:SMTPTLS_BENCH_NAME = $ServerName; $env:SMTPTLS_BENCH_CA = $CaFile
    try {
        $samples = foreach ($i in 1..5) {
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
            if ($LASTEXITCODE -ne 0) { throw "Import-Module and a first check in a fresh pwsh failed: $output" }
            $import, $check, $status = "$($output | Select-Object -Last 1)".Split(' ')
            if ($status -ne 'Passed') { throw "The first check in a fresh pwsh did not pass: $output" }
            [pscustomobject]@{ ImportMs = [double]$import; FirstCheckMs = [double]$check }
        }
    }
    finally {
        Remove-Item Env:SMTPTLS_BENCH_MODULE, Env:SMTPTLS_BENCH_TARGET, Env:SMTPTLS_BENCH_NAME, Env:SMTPTLS_BENCH_CA -ErrorAction Ignore
    }
    [pscustomobject]@{ ImportMs = Get-Median $samples.ImportMs; FirstCheckMs = Get-Median $samples.FirstCheckMs }
}

function Invoke-BenchSession {
    <#
        Step 1's Test-SmtpTls rounds, fresh and (unless -WarmStateChecks is 0) warm, in a new pwsh that imports the
        module and does nothing else first (tools/BenchSession.ps1): a user's session, not this one, which started
        the bed. Returns Fresh and Warm, each the rounds' figures.
    #>
    param([string[]] $Targets, [string] $CaFile, [string] $ServerName)
    $pwsh = Get-PwshCommand
    $list = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-session-targets-$PID.txt"
    $figures = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-session-$PID.json"
    Set-Content -LiteralPath $list -Value $Targets
    try {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'BenchSession.ps1') `
            -ModulePath $ModulePath -TargetsFile $list -ServerName $ServerName -CaFile $CaFile -OutputPath $figures `
            -ThrottleLimit $ThrottleLimit -Rounds $Rounds -WarmupChecks $WarmupChecks -WarmStateChecks $WarmStateChecks 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The measuring session (tools/BenchSession.ps1) failed: $($output -join "`n")" }
        $session = Get-Content -LiteralPath $figures -Raw | ConvertFrom-Json
        [pscustomobject]@{ Fresh = @($session.Fresh); Warm = if ($session.Warm) { @($session.Warm) } else { $null } }
    }
    finally {
        Remove-Item -LiteralPath $list, $figures -ErrorAction Ignore
    }
}

function Invoke-OpensslLoop {
    <# Checks every target one after the other with openssl s_client, from a POSIX shell loop; returns seconds and how many verified. #>
    param([string[]] $Targets, [string] $CaFile, [string] $ServerName)
    $list = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-targets-$PID.txt"
    $log = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-openssl-$PID.txt"
    Set-Content -LiteralPath $list -Value $Targets
    $loop = 'while read t; do openssl s_client -starttls smtp -brief -CAfile "$1" -servername "$2" -verify_hostname "$2" -connect "$t" </dev/null 2>&1 | grep -c "^Verification: OK"; done < "$3" > "$4"'
    try {
        $seconds = Measure-Seconds { & sh -c $loop sh $CaFile $ServerName $list $log }
        $verified = @(Get-Content -LiteralPath $log | Where-Object { $_ -eq '1' }).Count
        [pscustomobject]@{ Seconds = $seconds; Verified = $verified }
    }
    finally {
        Remove-Item -LiteralPath $list, $log -ErrorAction Ignore
    }
}

function Invoke-Testssl {
    <# testssl.sh -p on one endpoint (loopback-only resolver); returns seconds and its protocol lines. #>
    param([string] $Target)
    $run = Invoke-LoopbackTestssl -Target $Target -Checks '-p'
    $offered = @($run.Output | Where-Object { $_ -match '^\s*(SSLv\d|TLS 1(\.\d)?)\s+offered' } | ForEach-Object { ($_ -split '\s{2,}')[0].Trim() })
    if ($offered.Count -eq 0) {
        # unshare -m needs root (or a user namespace); a run that tested nothing is no measurement.
        Write-Warning "testssl.sh reported no offered protocol (exit code $($run.ExitCode)): $($run.Output -join "`n")"
        return $null
    }
    [pscustomobject]@{ Seconds = $run.Seconds; Offered = $offered }
}

function Measure-DelayedFleet {
    <# Step 6: many checks against a server across the "internet" (a delay before every reply), at high concurrency. #>
    param([string] $Directory, $Good, [string] $CaFile, [string] $ServerName)
    # The good scenario's certificate with its intermediate, so that the checks pass as against Postfix.
    $pki = Split-Path $Good.LeafCertificateFile
    $server = Start-FleetTestServer -Directory $Directory -CertificateFile (Join-Path $pki 'good-chain.pem') -KeyFile (Join-Path $pki 'good.key') -DelayMilliseconds $ReplyDelayMilliseconds
    try {
        $targets = @($server.Endpoint) * $DelayedChecks
        $null = Test-SmtpTls -Server $targets[0..([math]::Min(99, $targets.Count - 1))] -ServerName $ServerName -TrustedRootPath $CaFile -ThrottleLimit 100 @unlimited
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $workingSetBefore = $process.WorkingSet64
        $heapBefore = [GC]::GetTotalMemory($true)
        $seconds = Measure-Seconds { $script:delayedResults = Test-SmtpTls -Server $targets -ServerName $ServerName -TrustedRootPath $CaFile -ThrottleLimit $DelayedThrottleLimit -TimeoutSeconds 30 @unlimited }
        $process.Refresh()
        $stats = Get-FleetTestServerStats -Server $server -Connections ($DelayedChecks + 100)
        $figures = [pscustomobject]@{
            Seconds          = $seconds
            ChecksPerSecond  = $DelayedChecks / $seconds
            Passed           = @($script:delayedResults | Where-Object Status -EQ 'Passed').Count
            WorkingSetGrowth = ($process.WorkingSet64 - $workingSetBefore) / 1MB
            HeapGrowth       = ([GC]::GetTotalMemory($false) - $heapBefore) / 1MB
            Threads          = $process.Threads.Count
            PeakConcurrent   = if ($stats) { $stats.PeakConcurrent } else { $null }
        }
        $script:delayedResults = $null
        $figures
    }
    finally {
        Stop-FleetTestServer -Server $server
    }
}

function Measure-StreamedInput {
    <#
    Step 7: -Lines targets piped from a file, results dropped as they come; the working set and managed heap
    are sampled every 10,000 results. The target is the fleet test server answering every connection after
    200 ms with "421 too many connections" (no TLS, so the run measures the queue, not the handshake; no
    retries): checks take longer than Get-Content takes to read a line, so without backpressure the input
    would pile up in the queue.
    #>
    param([int] $Lines, [string] $Directory, $Good)
    $pki = Split-Path $Good.LeafCertificateFile
    $server = Start-FleetTestServer -Directory $Directory -CertificateFile (Join-Path $pki 'good-chain.pem') -KeyFile (Join-Path $pki 'good.key') -DelayMilliseconds 200 -ThrottleFirst ([int]::MaxValue)
    $file = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-stream-$PID.txt"
    [IO.File]::WriteAllLines($file, [string[]](@($server.Endpoint) * $Lines))
    try {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $workingSet = [Collections.Generic.List[double]]::new()
        $heap = [Collections.Generic.List[double]]::new()
        $process.Refresh()
        $workingSet.Add([math]::Round($process.WorkingSet64 / 1MB, 0))
        $heap.Add([math]::Round([GC]::GetTotalMemory($false) / 1MB, 0))
        $seconds = Measure-Seconds {
            Get-Content -LiteralPath $file | Test-SmtpTls -TimeoutSeconds 10 -ThrottleLimit 1000 -MaximumRetryCount 0 @unlimited | ForEach-Object {
                $script:streamCount++
                if ($script:streamCount % 10000 -eq 0) {
                    $process.Refresh()
                    $workingSet.Add([math]::Round($process.WorkingSet64 / 1MB, 0))
                    $heap.Add([math]::Round([GC]::GetTotalMemory($false) / 1MB, 0))
                }
            }
        }
        [pscustomobject]@{ Seconds = $seconds; Returned = $script:streamCount; WorkingSetMb = @($workingSet); HeapMb = @($heap) }
    }
    finally {
        Remove-Item -LiteralPath $file -ErrorAction Ignore
        Stop-FleetTestServer -Server $server
    }
}

$script:streamCount = 0
$load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } else { 'n/a' }
$bed = Start-SmtpTestBed -Root $BedRoot
try {
    if (-not $bed.Available) { throw "The benchmark needs the Postfix test bed: $($bed.Reason)" }
    Import-Module $ModulePath
    $ca = $bed.CaFile
    $good = $bed.Scenarios.'good'
    $serverName = $good.ServerName

    # 90% good, the rest spread over the other STARTTLS scenarios, so that failures are on the path too.
    $mix = 'expired', 'wrong-name', 'self-signed', 'incomplete-chain', 'broken-cert', 'no-starttls', 'required', 'submission'
    $targets = for ($i = 0; $i -lt $Checks; $i++) {
        $scenario = if ($i % 10 -eq 9) { $mix[[math]::Floor($i / 10) % $mix.Count] } else { 'good' }
        $entry = $bed.Scenarios.$scenario
        "$($entry.Address):$($entry.Port)"
    }
    $expectedPassed = @($targets | Where-Object { $_ -in "$($good.Address):$($good.Port)", "127.0.0.1:$($bed.Scenarios.required.Port)", "127.0.0.1:$($bed.Scenarios.submission.Port)" }).Count

    $session = Invoke-BenchSession -Targets $targets -CaFile $ca -ServerName $serverName
    $runs = $session.Fresh
    $smtpTlsSeconds = Get-Median $runs.Seconds
    $first = $runs[0]

    # The warm state: the same rounds again once the session has run -WarmStateChecks more checks, when the tiered JIT
    # has done its work (what a long fleet run pays per check); the plainest client after as many checks.
    $warmRuns = $session.Warm
    $bareWarm = $null
    $checksBeforeWarm = $WarmupChecks + $Rounds * $Checks + $WarmStateChecks
    if ($warmRuns) {
        $bareWarm = Invoke-BareClient -Targets $targets -CaFile $ca -ServerName $serverName -ThrottleLimit $ThrottleLimit -WarmupChecks $checksBeforeWarm -Rounds $Rounds
    }

    $bare = Invoke-BareClient -Targets $targets -CaFile $ca -ServerName $serverName -ThrottleLimit $ThrottleLimit -WarmupChecks $WarmupChecks -Rounds $Rounds
    $openssl = Invoke-OpensslLoop -Targets $targets -CaFile $ca -ServerName $serverName

    $scanTarget = "$($good.Address):$($good.Port)"
    $scan = Test-SmtpTls -Server $scanTarget -ServerName $serverName -TrustedRootPath $ca -ProtocolScan @unlimited
    $scanSamples = foreach ($i in 1..5) {
        Measure-Seconds { Test-SmtpTls -Server $scanTarget -ServerName $serverName -TrustedRootPath $ca -ProtocolScan @unlimited }
    }
    $scanSeconds = Get-Median $scanSamples
    $scanAccepted = @($scan.SupportedProtocols | Where-Object Accepted | ForEach-Object Protocol)

    $testssl = $null
    if ((Get-Command testssl -ErrorAction Ignore) -and (Get-Command unshare -ErrorAction Ignore)) {
        $testsslRuns = @(foreach ($i in 1..3) { Invoke-Testssl -Target $scanTarget })
        if ($testsslRuns.Count -gt 0) {
            $testssl = [pscustomobject]@{ Seconds = Get-Median $testsslRuns.Seconds; Offered = $testsslRuns[0].Offered }
        }
    }

    $freshSession = Measure-FreshSession -Target $scanTarget -CaFile $ca -ServerName $serverName

    # Per-call overhead around one quick check: a call must cost its check, not a poll interval.
    # Moved here from the Pester fleet tests (issue 13): a time target belongs in the benchmark.
    $overheadSamples = foreach ($i in 1..20) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $single = Test-SmtpTls -Server $scanTarget -ServerName $serverName -TrustedRootPath $ca @unlimited
        $clock.Elapsed.TotalMilliseconds - $single.Duration.TotalMilliseconds
    }
    $callOverheadMs = Get-Median $overheadSamples
    $delayed = Measure-DelayedFleet -Directory (Join-Path $BedRoot 'fleet-delayed') -Good $good -CaFile $ca -ServerName $serverName
    $stream = Measure-StreamedInput -Lines $StreamLines -Directory (Join-Path $BedRoot 'fleet-stream') -Good $good

    $figures = [ordered]@{
        Checks                    = $Checks
        ThrottleLimit             = $ThrottleLimit
        Rounds                    = $Rounds
        WarmupChecks              = $WarmupChecks
        ResultsReturned           = @($runs.Returned)
        ResultsPassed             = @($runs.Passed)
        ExpectedPassed            = $expectedPassed
        SmtpTlsSeconds            = @($runs | ForEach-Object { [math]::Round($_.Seconds, 2) })
        SmtpTlsChecksPerSecond    = [math]::Round($Checks / $smtpTlsSeconds, 0)
        SmtpTlsBestChecksPerSecond = [math]::Round($Checks / ($runs.Seconds | Measure-Object -Minimum).Minimum, 0)
        ClientCpuMsPerCheck       = [math]::Round((Get-Median $runs.CpuMsPerCheck), 2)
        JitMethodsPerRound        = @($runs.JitMethods)
        BareClientChecksPerSecond = [math]::Round($Checks / $bare.Seconds, 0)
        BareClientCpuMsPerCheck   = [math]::Round($bare.CpuMsPerCheck, 2)
        BareClientVerified        = $bare.Verified
        SmtpTlsVsBareClientPercent = [math]::Round(100 * $bare.Seconds / $smtpTlsSeconds, 0)
        RatioBareClientVsOpenssl  = [math]::Round($openssl.Seconds / $bare.Seconds, 1)
        WarmStateChecks           = $WarmStateChecks
        WarmChecksBefore          = if ($warmRuns) { $checksBeforeWarm } else { $null }
        WarmResultsPassed         = if ($warmRuns) { @($warmRuns.Passed) } else { $null }
        WarmChecksPerSecond       = if ($warmRuns) { [math]::Round($Checks / (Get-Median $warmRuns.Seconds), 0) } else { $null }
        WarmClientCpuMsPerCheck   = if ($warmRuns) { [math]::Round((Get-Median $warmRuns.CpuMsPerCheck), 2) } else { $null }
        WarmOtherCpuMsPerCheck    = if ($warmRuns -and $null -ne $warmRuns[0].OtherCpuMsPerCheck) { [math]::Round((Get-Median $warmRuns.OtherCpuMsPerCheck), 2) } else { $null }
        WarmJitMethodsPerRound    = if ($warmRuns) { @($warmRuns.JitMethods) } else { $null }
        WarmRatioVsOpenssl        = if ($warmRuns) { [math]::Round($openssl.Seconds / (Get-Median $warmRuns.Seconds), 2) } else { $null }
        WarmBareClientChecksPerSecond = if ($bareWarm) { [math]::Round($Checks / $bareWarm.Seconds, 0) } else { $null }
        WarmBareClientCpuMsPerCheck = if ($bareWarm) { [math]::Round($bareWarm.CpuMsPerCheck, 2) } else { $null }
        WarmSmtpTlsVsBareClientPercent = if ($warmRuns -and $bareWarm) { [math]::Round(100 * $bareWarm.Seconds / (Get-Median $warmRuns.Seconds), 0) } else { $null }
        WarmRatioBareClientVsOpenssl = if ($bareWarm) { [math]::Round($openssl.Seconds / $bareWarm.Seconds, 1) } else { $null }
        OtherCpuMsPerCheck        = if ($null -ne $runs[0].OtherCpuMsPerCheck) { [math]::Round((Get-Median $runs.OtherCpuMsPerCheck), 2) } else { $null }
        OpensslSeconds            = [math]::Round($openssl.Seconds, 2)
        OpensslChecksPerSecond    = [math]::Round($Checks / $openssl.Seconds, 0)
        OpensslVerified           = $openssl.Verified
        RatioVsOpenssl            = [math]::Round($openssl.Seconds / $smtpTlsSeconds, 2)
        ProtocolScanMs            = [math]::Round($scanSeconds * 1000, 0)
        ProtocolScanAccepted      = $scanAccepted
        TestsslProtocolsMs        = if ($testssl) { [math]::Round($testssl.Seconds * 1000, 0) } else { $null }
        TestsslOffered            = if ($testssl) { $testssl.Offered } else { $null }
        RatioVsTestssl            = if ($testssl) { [math]::Round($testssl.Seconds / $scanSeconds, 0) } else { $null }
        ImportModuleMs            = [math]::Round($freshSession.ImportMs, 0)
        FirstCheckMs              = [math]::Round($freshSession.FirstCheckMs, 0)
        CallOverheadMs            = [math]::Round($callOverheadMs, 2)
        DelayedChecks             = $DelayedChecks
        DelayedThrottleLimit      = $DelayedThrottleLimit
        ReplyDelayMs              = $ReplyDelayMilliseconds
        DelayedChecksPerSecond    = [math]::Round($delayed.ChecksPerSecond, 0)
        DelayedPassed             = $delayed.Passed
        DelayedVsUndelayedPercent = [math]::Round(100 * $delayed.ChecksPerSecond / ($Checks / $smtpTlsSeconds), 0)
        DelayedWorkingSetGrowthMb = [math]::Round($delayed.WorkingSetGrowth, 1)
        DelayedHeapGrowthMb       = [math]::Round($delayed.HeapGrowth, 1)
        DelayedThreads            = $delayed.Threads
        DelayedPeakConcurrent     = $delayed.PeakConcurrent
        StreamLines               = $StreamLines
        StreamSeconds             = [math]::Round($stream.Seconds, 1)
        StreamReturned            = $stream.Returned
        StreamWorkingSetMb        = $stream.WorkingSetMb
        StreamHeapMb              = $stream.HeapMb
        WorkingSetGrowthMb        = [math]::Round($first.WorkingSetGrowth, 1)
        ManagedHeapGrowthMb       = [math]::Round($first.HeapGrowth, 1)
        LoadAverageAtStart        = $load
        Machine                   = "{0} cores, {1}" -f [Environment]::ProcessorCount, [Runtime.InteropServices.RuntimeInformation]::OSDescription
        PowerShell                = $PSVersionTable.PSVersion.ToString()
        Runtime                   = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    }
    $null = New-Item -ItemType Directory -Path (Split-Path $OutputPath) -Force
    $figures | ConvertTo-Json | Set-Content $OutputPath -Encoding utf8

    $table = @(
        [pscustomobject]@{ Measure = "$Checks checks, one Test-SmtpTls call (-ThrottleLimit $ThrottleLimit), median of $Rounds"; Value = "$($figures.SmtpTlsChecksPerSecond) checks/s ($([math]::Round($smtpTlsSeconds, 2)) s; best $($figures.SmtpTlsBestChecksPerSecond)/s; CPU per check: $($figures.ClientCpuMsPerCheck) ms client, $($figures.OtherCpuMsPerCheck) ms rest of machine)"; Target = '' }
        [pscustomobject]@{ Measure = "Same list, plainest .NET client (tools/BareClient, $ThrottleLimit at once), median of $Rounds"; Value = "$($figures.BareClientChecksPerSecond) checks/s (CPU per check: $($figures.BareClientCpuMsPerCheck) ms; $($bare.Verified -join '/') verified; $($figures.RatioBareClientVsOpenssl)x openssl)"; Target = '' }
        [pscustomobject]@{ Measure = 'Test-SmtpTls / plainest .NET client'; Value = "$($figures.SmtpTlsVsBareClientPercent)% of its rate"; Target = '' }
        [pscustomobject]@{ Measure = 'Same list, openssl s_client one after another'; Value = "$($figures.OpensslChecksPerSecond) checks/s ($($figures.OpensslSeconds) s; $($openssl.Verified) verified)"; Target = '' }
        [pscustomobject]@{ Measure = 'Ratio Test-SmtpTls / openssl'; Value = "$($figures.RatioVsOpenssl)x"; Target = '5x (floor 4x)' }
    )
    if ($warmRuns) {
        $table += @(
            [pscustomobject]@{ Measure = "Warm state: the same, after $checksBeforeWarm checks in the session"; Value = "$($figures.WarmChecksPerSecond) checks/s (CPU per check: $($figures.WarmClientCpuMsPerCheck) ms client, $($figures.WarmOtherCpuMsPerCheck) ms rest of machine; methods JIT-compiled per run $($warmRuns.JitMethods -join '/'))"; Target = '' }
            [pscustomobject]@{ Measure = 'Warm state, plainest .NET client'; Value = "$($figures.WarmBareClientChecksPerSecond) checks/s (CPU per check: $($figures.WarmBareClientCpuMsPerCheck) ms; $($bareWarm.Verified -join '/') verified; $($figures.WarmRatioBareClientVsOpenssl)x openssl); Test-SmtpTls at $($figures.WarmSmtpTlsVsBareClientPercent)% of its rate"; Target = '' }
            [pscustomobject]@{ Measure = 'Ratio Test-SmtpTls / openssl, warm state'; Value = "$($figures.WarmRatioVsOpenssl)x"; Target = '5x (floor 4x)' }
        )
    }
    $table += @(
        [pscustomobject]@{ Measure = 'Test-SmtpTls -ProtocolScan, one host (median of 5)'; Value = "$($figures.ProtocolScanMs) ms ($($scanAccepted -join ', ') accepted)"; Target = '< 50 ms' }
        [pscustomobject]@{ Measure = 'testssl.sh --starttls smtp -p, same host (median of 3)'; Value = if ($testssl) { "$($figures.TestsslProtocolsMs) ms ($($testssl.Offered -join ', ') offered; ratio $($figures.RatioVsTestssl)x)" } else { 'not measured: testssl or unshare missing, or testssl failed (see the warning)' }; Target = '' }
        [pscustomobject]@{ Measure = 'Import-Module in a fresh pwsh (median of 5)'; Value = "$($figures.ImportModuleMs) ms"; Target = '< 400 ms' }
        [pscustomobject]@{ Measure = 'Then the first Test-SmtpTls check in that pwsh (median of 5)'; Value = "$($figures.FirstCheckMs) ms"; Target = '' }
        [pscustomobject]@{ Measure = 'Test-SmtpTls call overhead around one check (median of 20)'; Value = "$($figures.CallOverheadMs) ms"; Target = '< 6 ms' }
        [pscustomobject]@{ Measure = "Memory growth over the $Checks checks, results kept"; Value = "$($figures.WorkingSetGrowthMb) MB working set, $($figures.ManagedHeapGrowthMb) MB managed heap"; Target = '< 150 MB' }
        [pscustomobject]@{ Measure = "$DelayedChecks checks, $ReplyDelayMilliseconds ms before every reply, -ThrottleLimit $DelayedThrottleLimit"; Value = "$($figures.DelayedChecksPerSecond) checks/s = $($figures.DelayedVsUndelayedPercent)% of the undelayed rate ($($delayed.Passed) Passed; $($figures.DelayedWorkingSetGrowthMb) MB working set, $($figures.DelayedHeapGrowthMb) MB heap growth; $($delayed.Threads) threads; $($delayed.PeakConcurrent) at once at the server)"; Target = '>= 100%' }
        [pscustomobject]@{ Measure = "$StreamLines targets streamed from Get-Content, results dropped"; Value = "$($stream.Returned) results in $($figures.StreamSeconds) s; working set MB every 10,000: $($stream.WorkingSetMb -join ' '); heap MB: $($stream.HeapMb -join ' ')"; Target = 'flat' }
    )
    # Wide enough for every row on one line, also when the output goes to a file or a CI log.
    Write-Host ($table | Format-Table -AutoSize -Wrap | Out-String -Width 240).TrimEnd()
    Write-Host ("Results: {0} returned per run, {1} Passed (expected {2}); methods JIT-compiled per run {3}; load average at start {4}; {5} checks warm-up; {6}" -f ($runs.Returned -join '/'), ($runs.Passed -join '/'), $expectedPassed, ($runs.JitMethods -join '/'), $load, $WarmupChecks, $figures.Machine)
    if ($warmRuns) { Write-Host ("Warm state: {0} Passed per run (expected {1})" -f ($warmRuns.Passed -join '/'), $expectedPassed) }
    Write-Host "Figures written to $OutputPath"
}
finally {
    Stop-SmtpTestBed -Root $BedRoot
}
