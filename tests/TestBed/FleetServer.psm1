<#
    The fleet test server (tests/SmtpTls.FleetServer): a light STARTTLS server on loopback that can wait
    before every reply (internet latency), refuse connections beyond a limit with Postfix's anvil 421,
    and count its clients (connections, the most at once, refusals, client addresses). Used by
    tests/Pester/TestSmtpTlsPoliteness.Tests.ps1 and tools/Bench.ps1.

    Start-FleetTestServer returns a descriptor (ProcessId, Address, Port, Ports, Endpoint, StatsFile);
    Get-FleetTestServerStats reads the counts; Stop-FleetTestServer ends it. Every server also stops by
    itself after -LifetimeSeconds.
#>

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ProjectDirectory = Join-Path $script:RepoRoot 'tests/SmtpTls.FleetServer'
$script:Assembly = Join-Path $script:ProjectDirectory 'bin/Release/net10.0/SmtpTls.FleetServer.dll'

function Initialize-FleetTestServer {
    <#
    .SYNOPSIS
        Builds the fleet server unless its assembly is newer than every source.
    #>
    $sources = @(Get-ChildItem -LiteralPath $script:ProjectDirectory -Recurse -File -Include '*.cs', '*.csproj' |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    $newest = ($sources | Measure-Object -Property LastWriteTimeUtc -Maximum).Maximum
    if ((Test-Path -LiteralPath $script:Assembly) -and (Get-Item -LiteralPath $script:Assembly).LastWriteTimeUtc -ge $newest) {
        return
    }
    $output = & dotnet build (Join-Path $script:ProjectDirectory 'SmtpTls.FleetServer.csproj') -c Release --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building the fleet test server failed: $($output -join "`n")" }
}

function Start-FleetTestServer {
    <#
    .SYNOPSIS
        Starts a fleet test server in the background and waits until it listens.
    .PARAMETER Directory
        Its work directory (ready-file, stats-file, logs); created when missing.
    .PARAMETER CertificateFile
        PEM certificate the server presents (for example the test bed's good.pem).
    .PARAMETER KeyFile
        Its PEM private key.
    .PARAMETER DelayMilliseconds
        Wait before every reply.
    .PARAMETER MaxConnections
        Connections beyond this many at once get "421 4.7.0 ... Error: too many connections from ..."; 0: no limit.
    .PARAMETER ThrottleFirst
        The first this many connections get that 421 whatever the load.
    .PARAMETER Address
        The loopback address to listen on.
    .PARAMETER Listeners
        How many ports to listen on (Ports in the result), counted together: one host with several ports.
    .PARAMETER LifetimeSeconds
        The server stops by itself after this long.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $CertificateFile,
        [Parameter(Mandatory)] [string] $KeyFile,
        [ValidateRange(0, 60000)] [int] $DelayMilliseconds = 0,
        [ValidateRange(0, 100000)] [int] $MaxConnections = 0,
        [ValidateRange(0, [int]::MaxValue)] [int] $ThrottleFirst = 0,
        [string] $Address = '127.0.0.1',
        [ValidateRange(1, 16)] [int] $Listeners = 1,
        [ValidateRange(10, 86400)] [int] $LifetimeSeconds = 1800
    )
    Initialize-FleetTestServer
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $ready = Join-Path $Directory 'ready.json'
    $stats = Join-Path $Directory 'stats.json'
    Remove-Item -LiteralPath $ready, $stats -Force -ErrorAction Ignore
    $arguments = @($script:Assembly, '--cert', $CertificateFile, '--key', $KeyFile, '--address', $Address,
        '--listeners', $Listeners, '--delay-ms', $DelayMilliseconds, '--max-connections', $MaxConnections, '--throttle-first', $ThrottleFirst,
        '--ready-file', $ready, '--stats-file', $stats, '--max-seconds', $LifetimeSeconds) | ForEach-Object { "`"$_`"" }
    # Output to files, never to our pipes: a server holding them would keep a reader of our output waiting.
    $process = Start-Process -FilePath (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source -ArgumentList $arguments -PassThru `
        -RedirectStandardInput '/dev/null' -RedirectStandardOutput (Join-Path $Directory 'server.log') -RedirectStandardError (Join-Path $Directory 'server.err')
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path -LiteralPath $ready)) {
        if ($process.HasExited -or [DateTime]::UtcNow -ge $deadline) {
            $log = Get-Content -LiteralPath (Join-Path $Directory 'server.err'), (Join-Path $Directory 'server.log') -ErrorAction Ignore
            if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force -ErrorAction Ignore }
            throw "The fleet test server did not start: $($log -join "`n")"
        }
        Start-Sleep -Milliseconds 25
    }
    $endpoint = Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json
    [pscustomobject]@{
        ProcessId = $process.Id
        Address   = $endpoint.Address
        Port      = [int]$endpoint.Port
        Ports     = @($endpoint.Ports | ForEach-Object { [int]$_ })
        Endpoint  = "$($endpoint.Address):$($endpoint.Port)"
        StatsFile = $stats
        Directory = $Directory
    }
}

function Get-FleetTestServerStats {
    <#
    .SYNOPSIS
        The server's counts: Connections, Concurrent, PeakConcurrent, Refused, Sources (address -> connections).
    .PARAMETER Server
        What Start-FleetTestServer returned.
    .PARAMETER Connections
        Wait (up to -TimeoutSeconds) until at least this many connections were accepted and none is open,
        since the file is rewritten shortly after a connection ends.
    #>
    param([Parameter(Mandatory)] $Server, [int] $Connections = 0, [int] $TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $stats = $null
        if (Test-Path -LiteralPath $Server.StatsFile) {
            $stats = Get-Content -LiteralPath $Server.StatsFile -Raw -ErrorAction Ignore | ConvertFrom-Json -ErrorAction Ignore
        }
        if ($stats -and $stats.Connections -ge $Connections -and $stats.Concurrent -eq 0) { return $stats }
        if ([DateTime]::UtcNow -ge $deadline) { return $stats }
        Start-Sleep -Milliseconds 50
    }
}

function Stop-FleetTestServer {
    <#
    .SYNOPSIS
        Stops a server that Start-FleetTestServer started (by its process id, only if it is still that server).
    #>
    param([Parameter(Mandatory)] $Server)
    $process = Get-Process -Id $Server.ProcessId -ErrorAction Ignore
    if ($process -and $process.CommandLine -match 'SmtpTls\.FleetServer') {
        Stop-Process -Id $Server.ProcessId -Force -ErrorAction Ignore
        $null = $process.WaitForExit(5000)
    }
}

Export-ModuleMember -Function Start-FleetTestServer, Get-FleetTestServerStats, Stop-FleetTestServer, Initialize-FleetTestServer
