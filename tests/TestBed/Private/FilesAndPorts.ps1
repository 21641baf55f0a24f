# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# Bed directories, instance paths, free loopback ports and user ids.

function New-BedDirectory {
    <#
    .SYNOPSIS
        Creates directories readable and traversable by everyone, whatever the umask: Postfix's
        unprivileged daemons open files below them by path.
    #>
    param([Parameter(Mandatory)] [string[]] $Path)
    foreach ($directory in $Path) {
        $null = New-Item -ItemType Directory -Path $directory -Force
        [IO.File]::SetUnixFileMode($directory, $script:DirectoryMode)
    }
}

function Get-InstanceBase {
    <#
    .SYNOPSIS
        Where the Postfix instance directories of a bed root live.
    .DESCRIPTION
        Under the root when every directory above it can be traversed by other users. Otherwise
        (a clone below /root, say) in a temporary directory named after the root: the virtual
        delivery agent runs as nobody and smtpd as postfix, and both open files there by path.
    #>
    param([Parameter(Mandatory)] [string] $Root)
    $directory = [IO.DirectoryInfo]::new($Root)
    while ($directory) {
        if ($directory.Exists -and -not ([IO.File]::GetUnixFileMode($directory.FullName) -band [IO.UnixFileMode]::OtherExecute)) {
            $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Root))).Substring(0, 12).ToLowerInvariant()
            return Join-Path ([IO.Path]::GetTempPath()) "smtptls-testbed-$hash"
        }
        $directory = $directory.Parent
    }
    Join-Path $Root 'instances'
}

function Get-FreeTcpPort {
    <#
    .SYNOPSIS
        Distinct free loopback ports: all listeners stay open until every port is chosen.
    #>
    param([Parameter(Mandatory)] [int] $Count)
    $listeners = @(1..$Count | ForEach-Object {
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start()
            $listener
        })
    try { $listeners | ForEach-Object { $_.LocalEndpoint.Port } }
    finally { $listeners | ForEach-Object { $_.Stop() } }
}

function Get-UserId {
    <#
    .SYNOPSIS
        Uid and gid of a local account from /etc/passwd, or the fallback when it is missing.
    #>
    param([Parameter(Mandatory)] [string] $Name, [int] $Fallback)
    $entry = Get-Content -LiteralPath '/etc/passwd' | Where-Object { $_.StartsWith("${Name}:") } | Select-Object -First 1
    if (-not $entry) { return [pscustomobject]@{ Uid = $Fallback; Gid = $Fallback } }
    $fields = $entry.Split(':')
    [pscustomobject]@{ Uid = [int]$fields[2]; Gid = [int]$fields[3] }
}
