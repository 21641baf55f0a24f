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
