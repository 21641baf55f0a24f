# Dot-sourced by tools/Bench.ps1 and tools/BenchDeep.ps1: what both benchmarks measure with.

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { return $sorted[[math]::Floor($sorted.Count / 2)] }
    ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}

function Invoke-LoopbackTestssl {
    <#
        testssl.sh --starttls smtp with the given checks on one endpoint, in a private mount namespace whose
        resolv.conf names only 127.0.0.1 (testssl.sh looks names up through the system resolver, which must
        not be asked); returns the seconds it took and its output lines.
    #>
    param([Parameter(Mandatory)] [string] $Target, [string[]] $Checks = @())
    $resolv = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-resolv-$PID.conf"
    Set-Content -LiteralPath $resolv -Value 'nameserver 127.0.0.1'
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = & unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --nodns none --starttls smtp "$@"' sh $resolv @Checks $Target 2>&1
        $clock.Stop()
        [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Output = @($output | ForEach-Object { "$_" }); ExitCode = $LASTEXITCODE }
    }
    finally {
        Remove-Item -LiteralPath $resolv -ErrorAction Ignore
    }
}

function Invoke-BareClient {
    <#
        The plainest .NET STARTTLS client (tools/BareClient: banner, EHLO, STARTTLS, SslStream handshake with chain
        validation against -CaFile, EHLO, QUIT, nothing else) over -Targets (address:port), -ThrottleLimit at once,
        after -WarmupChecks unmeasured checks, -Rounds times, in a process of its own; built first unless its
        assembly is newer than its sources. Returns the median round's seconds and CPU per check, and per round
        how many chains validated and how many checks broke off.
    #>
    param(
        [Parameter(Mandatory)] [string[]] $Targets,
        [Parameter(Mandatory)] [string] $CaFile,
        [Parameter(Mandatory)] [string] $ServerName,
        [int] $ThrottleLimit = 32,
        [int] $WarmupChecks = 64,
        [int] $Rounds = 3
    )
    $project = Join-Path $PSScriptRoot 'BareClient'
    $assembly = Join-Path $project 'bin/Release/net10.0/SmtpTls.BareClient.dll'
    $newest = (Get-ChildItem -LiteralPath $project -File -Filter '*.cs*' | Measure-Object -Property LastWriteTimeUtc -Maximum).Maximum
    if (-not (Test-Path -LiteralPath $assembly) -or (Get-Item -LiteralPath $assembly).LastWriteTimeUtc -lt $newest) {
        $output = & dotnet build (Join-Path $project 'SmtpTls.BareClient.csproj') -c Release --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building tools/BareClient failed: $($output -join "`n")" }
    }
    $list = Join-Path ([IO.Path]::GetTempPath()) "smtptls-bench-bare-$PID.txt"
    Set-Content -LiteralPath $list -Value $Targets
    try {
        $output = & dotnet $assembly $list $ServerName $CaFile $ThrottleLimit $WarmupChecks $Rounds 2>&1
        if ($LASTEXITCODE -ne 0) { throw "tools/BareClient failed: $($output -join "`n")" }
        $measured = @($output | ForEach-Object { "$_" | ConvertFrom-Json })
        [pscustomobject]@{
            Seconds       = Get-Median $measured.Seconds
            CpuMsPerCheck = Get-Median @($measured | ForEach-Object { $_.CpuMs / $_.Checks })
            Verified      = @($measured.Verified)
            Failed        = @($measured.Failed)
        }
    }
    finally {
        Remove-Item -LiteralPath $list -ErrorAction Ignore
    }
}
