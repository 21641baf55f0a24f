# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The scripted hostile servers of tests/SmtpTls.HostileServer: build, start, wait, stop.

function Get-HostileServerAssembly {
    <#
    .SYNOPSIS
        Where `dotnet build -c Release` puts the hostile server.
    #>
    Join-Path $script:HostileProjectDirectory 'bin/Release/net10.0/SmtpTls.HostileServer.dll'
}

function Start-HostileServerBuild {
    <#
    .SYNOPSIS
        Starts `dotnet build` of the hostile server unless its assembly is newer than every source;
        returns the running build or $null.
    .DESCRIPTION
        Even an up-to-date `dotnet build` costs seconds, which is most of a warm bed start.
    #>
    $assembly = Get-HostileServerAssembly
    $sources = @(Get-ChildItem -LiteralPath $script:HostileProjectDirectory -Recurse -File -Include '*.cs', '*.csproj' |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) +
        @(Get-Item -LiteralPath (Join-Path $script:RepoRoot 'Directory.Build.props') -ErrorAction Ignore)
    $newestSource = ($sources | Measure-Object -Property LastWriteTimeUtc -Maximum).Maximum
    if ((Test-Path -LiteralPath $assembly) -and (Get-Item -LiteralPath $assembly).LastWriteTimeUtc -ge $newestSource) {
        return $null
    }
    Start-NativeCommand (Find-NativeTool 'dotnet') 'build', (Join-Path $script:HostileProjectDirectory 'SmtpTls.HostileServer.csproj'), '-c', 'Release', '--nologo', '-v', 'quiet'
}

function Start-HostileServer {
    <#
    .SYNOPSIS
        Launches the hostile server in the background; returns its process id.
    .DESCRIPTION
        Runs a copy of the build output in the bed directory, so a rebuild for another bed never
        overwrites an assembly that is running. Its output goes to files, never to this process's
        pipes: a server that held them open would keep a caller that reads our output (CI,
        `| Tee-Object`) waiting. It deliberately outlives this process, because other processes
        use the bed; Stop-SmtpTestBed, the next Start-SmtpTestBed or at the latest its lifetime
        cap ends it.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [int] $LifetimeSeconds)
    $binary = Join-Path $Directory 'bin'
    New-BedDirectory $Directory, $binary
    foreach ($stale in 'ready.json', 'stop') { Remove-Item -LiteralPath (Join-Path $Directory $stale) -Force -ErrorAction Ignore }
    $built = Get-HostileServerAssembly
    $name = [IO.Path]::GetFileNameWithoutExtension($built)
    foreach ($file in "$name.dll", "$name.deps.json", "$name.runtimeconfig.json") {
        Copy-Item -LiteralPath (Join-Path (Split-Path $built) $file) -Destination $binary -Force
    }
    $arguments = @((Join-Path $binary (Split-Path $built -Leaf)), '--ready-file', (Join-Path $Directory 'ready.json'),
        '--stop-file', (Join-Path $Directory 'stop'), '--max-seconds', $LifetimeSeconds) | ForEach-Object { "`"$_`"" }
    $process = Start-Process -FilePath (Find-NativeTool 'dotnet') -ArgumentList $arguments -PassThru `
        -RedirectStandardInput '/dev/null' -RedirectStandardOutput (Join-Path $Directory 'server.log') -RedirectStandardError (Join-Path $Directory 'server.err')
    Set-Content -LiteralPath (Join-Path $Directory 'server.pid') -Value $process.Id
    $process.Id
}

function Wait-HostileServer {
    <#
    .SYNOPSIS
        Waits for the ready-file and returns the behaviours' endpoints from it.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [int] $ProcessId)
    $ready = Join-Path $Directory 'ready.json'
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path -LiteralPath $ready)) {
        $running = Test-ProcessRunning -Id $ProcessId -CommandPattern 'SmtpTls\.HostileServer'
        if (-not $running -or [DateTime]::UtcNow -ge $deadline) {
            $output = Get-Content -LiteralPath (Join-Path $Directory 'server.err'), (Join-Path $Directory 'server.log') -ErrorAction Ignore
            throw "SmtpTls test bed: the hostile server $(if ($running) { 'wrote no ready-file in 20 s' } else { 'exited' }): $($output -join "`n")"
        }
        Start-Sleep -Milliseconds 25
    }
    (Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json).Behaviours
}

function Stop-HostileServer {
    <#
    .SYNOPSIS
        Asks the hostile server to stop through its stop-file, and kills it if it does not.
    #>
    param([Parameter(Mandatory)] [string] $Directory)
    $pidFile = Join-Path $Directory 'server.pid'
    if (-not (Test-Path -LiteralPath $pidFile)) { return }
    $id = [int](Get-Content -LiteralPath $pidFile -Raw).Trim()
    if (Test-ProcessRunning -Id $id -CommandPattern 'SmtpTls\.HostileServer') {
        $null = New-Item -ItemType File -Path (Join-Path $Directory 'stop') -Force
        Wait-ProcessExit -Id $id -CommandPattern 'SmtpTls\.HostileServer' -Timeout ([TimeSpan]::FromSeconds(5))
    }
    Remove-Item -LiteralPath $pidFile -Force
}
