# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# Server families beside Postfix: Exim (Exim.ps1), OpenSMTPD (OpenSmtpd.ps1) and Dovecot's submission
# server (DovecotSubmission.ps1). This file holds what they share: the package cache for the servers
# that cannot be installed beside Postfix, and starting, waiting for and stopping all families at once.
#
# Every family scenario entry in testbed.json has the fields of a Postfix scenario (Address, Port,
# TlsMode, ServerName, Description, LeafCertificateFile) plus Family, Product, Kind (the scenario kind
# shared across families, see $script:FamilyKinds) and Expect (what the server does, as configured).

$script:FamilyNames = @('exim', 'opensmtpd', 'dovecot')

# Kinds of scenario a family can express. Tests parametrise over (family, kind) pairs by these names.
$script:FamilyKinds = [ordered]@{
    'good'          = 'STARTTLS, leaf and intermediate from the private CA'
    'expired'       = 'STARTTLS, leaf expired a year ago'
    'wrong-name'    = 'STARTTLS, leaf for other.example.test'
    'no-starttls'   = 'TLS not offered at all'
    'broken-cert'   = 'STARTTLS advertised, certificate and key do not match: the server refuses STARTTLS (454)'
    'tls-broken'    = 'STARTTLS answered with 220, then the handshake breaks on the server side'
    'tls12'         = 'STARTTLS, only TLS 1.2'
    'legacy'        = 'STARTTLS, only TLS 1.0 and 1.1'
    'required-mail' = 'TLS enforced at MAIL FROM'
    'required-rcpt' = 'TLS enforced at RCPT TO (MAIL FROM accepted)'
    'policy-mail'   = 'MAIL FROM refused for a reason that is not TLS (an ACL without a message)'
    'auth-required' = 'MAIL FROM refused until the client has authenticated (not TLS enforcement)'
    'submission'    = 'AUTH PLAIN/LOGIN offered only after STARTTLS; mail only when authenticated'
    'implicit'      = 'implicit TLS (like port 465), good chain'
}

function Get-FamilyPackageCache {
    <#
    .SYNOPSIS
        The folder (outside the repository) where downloaded and unpacked Debian packages are kept between runs.
    #>
    if ($env:SMTPTLS_PACKAGE_CACHE) { return $env:SMTPTLS_PACKAGE_CACHE }
    Join-Path ([IO.Path]::GetTempPath()) 'smtptls-testbed-packages'
}

function Get-UnpackedDebianPackage {
    <#
    .SYNOPSIS
        Downloads Debian packages with `apt-get download` and unpacks them with `dpkg -x` into one
        tree; returns the tree's path. Reuses a complete earlier tree of the same package versions.
    .DESCRIPTION
        For servers that cannot be installed beside Postfix (exim4 and opensmtpd conflict with it in
        dpkg): they run from the unpacked tree with a configuration of their own. Their shared
        libraries are ordinary packages that are installed (tests/packages.txt).
    .PARAMETER Name
        The cache folder's name (one per family).
    .PARAMETER Package
        The Debian packages to download and unpack.
    .PARAMETER Probe
        A file below the tree whose presence shows that the tree is complete.
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string[]] $Package,
        [Parameter(Mandatory)] [string] $Probe
    )
    $apt = Find-NativeTool 'apt-get'
    $dpkg = Find-NativeTool 'dpkg'
    if (-not $apt -or -not $dpkg) { throw "apt-get and dpkg are needed to unpack $($Package -join ', ')" }
    $directory = Join-Path (Get-FamilyPackageCache) $Name
    $tree = Join-Path $directory 'tree'
    $stamp = Join-Path $directory 'packages.txt'
    # The versions apt would download now: a newer security update replaces the cached tree.
    $policy = Invoke-NativeCommand (Find-NativeTool 'apt-cache') (@('policy') + $Package)
    $wanted = (@($Package | ForEach-Object {
                $candidate = [regex]::Match($policy.Output, "(?ms)^$([regex]::Escape($_)):.*?Candidate: (\S+)").Groups[1].Value
                "$_=$candidate"
            }) -join "`n")
    if ((Test-Path -LiteralPath (Join-Path $tree $Probe)) -and (Test-Path -LiteralPath $stamp) -and
        (Get-Content -LiteralPath $stamp -Raw).Trim() -eq $wanted) {
        return $tree
    }
    if (Test-Path -LiteralPath $directory) { Remove-Item -LiteralPath $directory -Recurse -Force }
    $downloads = Join-Path $directory 'debs'
    New-BedDirectory $directory, $downloads, $tree
    # apt-get download writes into the process's current directory (not PowerShell's location).
    $previous = [Environment]::CurrentDirectory
    [Environment]::CurrentDirectory = $downloads
    try { Invoke-NativeCommand $apt (@('download', '-q') + $Package) | Out-Null }
    finally { [Environment]::CurrentDirectory = $previous }
    foreach ($deb in Get-ChildItem -LiteralPath $downloads -Filter '*.deb') {
        Invoke-NativeCommand $dpkg '-x', $deb.FullName, $tree | Out-Null
    }
    if (-not (Test-Path -LiteralPath (Join-Path $tree $Probe))) { throw "Unpacking $($Package -join ', ') gave no $Probe" }
    Set-Content -LiteralPath $stamp -Value $wanted
    $tree
}

function Add-SystemAccount {
    <#
    .SYNOPSIS
        Creates a system user (and its group) that a family's daemon drops privileges to, unless it exists.
    .DESCRIPTION
        What the family's package would have created on installation (Debian-exim, opensmtpd, opensmtpq);
        the unpacked daemons look these names up at run time.
    #>
    param([Parameter(Mandatory)] [string] $Name)
    $entry = Get-Content -LiteralPath '/etc/passwd' | Where-Object { $_.StartsWith("${Name}:") }
    if ($entry) { return }
    $useradd = Find-NativeTool 'useradd'
    if (-not $useradd) { throw "useradd is needed to create the system user $Name" }
    Invoke-NativeCommand $useradd '--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', $Name | Out-Null
}

function Copy-FamilyTlsFile {
    <#
    .SYNOPSIS
        Copies a certificate chain and key from the bed's PKI into an instance, owned by the daemon's user, key mode 0600.
    .OUTPUTS
        The chain's and the key's new paths.
    #>
    param(
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Chain,
        [Parameter(Mandatory)] [string] $Key,
        [Parameter(Mandatory)] [string] $Owner
    )
    $tls = Join-Path $Directory 'tls'
    New-BedDirectory $tls
    $chainPath = Join-Path $tls 'chain.pem'
    $keyPath = Join-Path $tls 'key.pem'
    Copy-Item -LiteralPath (Join-Path $PkiDirectory $Chain) -Destination $chainPath -Force
    Copy-Item -LiteralPath (Join-Path $PkiDirectory $Key) -Destination $keyPath -Force
    [IO.File]::SetUnixFileMode($keyPath, [IO.UnixFileMode]'UserRead, UserWrite')
    Invoke-NativeCommand (Find-NativeTool 'chown') '-R', $Owner, $tls | Out-Null
    [pscustomobject]@{ Chain = $chainPath; Key = $keyPath }
}

function New-FamilyEntry {
    <#
    .SYNOPSIS
        One family scenario's entry for testbed.json.
    #>
    param(
        [Parameter(Mandatory)] [string] $Family,
        [Parameter(Mandatory)] [string] $Product,
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $Address,
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $Description,
        [string] $TlsMode = 'StartTls',
        [string] $Leaf,
        [string] $PkiDirectory,
        [string] $LogFile,
        [string] $Maildir,
        [System.Collections.IDictionary] $Expect = @{}
    )
    [ordered]@{
        Family              = $Family
        Product             = $Product
        Kind                = $Kind
        Address             = $Address
        Port                = $Port
        TlsMode             = $TlsMode
        ServerName          = $script:ServerName
        Description         = $Description
        LeafCertificateFile = if ($Leaf) { Join-Path $PkiDirectory $Leaf } else { $null }
        LogFile             = $LogFile
        Maildir             = $Maildir
        Expect              = $Expect
    }
}

function Start-ServerFamily {
    <#
    .SYNOPSIS
        Writes the configurations of the requested families and starts their daemons; Wait-ServerFamily collects them.
    .DESCRIPTION
        A family whose prerequisites are missing (no root, no apt, a package that cannot be
        downloaded) is reported as unavailable with the reason, and the others still run.
    .OUTPUTS
        One object per family: Name, Available, Reason, Product, Entries (scenario entries), Wait (a script block).
    #>
    param(
        [string[]] $Family = $script:FamilyNames,
        [Parameter(Mandatory)] [string] $InstanceBase,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account,
        [int] $RelayPort
    )
    foreach ($name in $Family) {
        try {
            switch ($name) {
                'exim' { Start-EximFamily -InstanceBase $InstanceBase -PkiDirectory $PkiDirectory -Account $Account }
                'opensmtpd' { Start-OpenSmtpdFamily -InstanceBase $InstanceBase -PkiDirectory $PkiDirectory }
                'dovecot' { Start-DovecotSubmissionFamily -InstanceBase $InstanceBase -PkiDirectory $PkiDirectory -Account $Account -RelayPort $RelayPort }
                default { throw "unknown family '$name' (known: $($script:FamilyNames -join ', '))" }
            }
        }
        catch {
            Write-Warning "SmtpTls test bed: $name scenarios skipped: $($_.Exception.Message) ($($_.InvocationInfo.PositionMessage))"
            [pscustomobject]@{ Name = $name; Available = $false; Reason = $_.Exception.Message; Product = $null; Entries = [ordered]@{}; Wait = $null; Account = $null }
        }
    }
}

function Wait-ServerFamily {
    <#
    .SYNOPSIS
        Waits until every scenario of every started family sends its banner; returns the descriptor's Families section.
    .DESCRIPTION
        A family that does not come up is a failure of the bed (like a Postfix instance): the error
        names the scenario and quotes the family's log.
    #>
    param([psobject[]] $Started = @())
    $families = [ordered]@{}
    $failures = foreach ($family in $Started) {
        if ($family.Available) {
            foreach ($entry in $family.Entries.GetEnumerator()) {
                try {
                    $null = Wait-SmtpBanner -Address $entry.Value.Address -Port $entry.Value.Port -Implicit:($entry.Value.TlsMode -eq 'Implicit') -Timeout ([TimeSpan]::FromSeconds(20))
                }
                catch {
                    $log = if ($entry.Value.LogFile) { @(Get-Content -LiteralPath $entry.Value.LogFile -Tail 15 -ErrorAction Ignore) -join "`n    " }
                    "$($family.Name) scenario '$($entry.Key)' ($($entry.Value.Address):$($entry.Value.Port)) did not come up: $($_.Exception.Message)`n  $($entry.Value.LogFile):`n    $log"
                }
            }
        }
        $families[$family.Name] = [ordered]@{
            Available = $family.Available
            Reason    = $family.Reason
            Product   = $family.Product
            Account   = $family.Account
            Scenarios = $family.Entries
        }
    }
    if ($failures) { throw "SmtpTls test bed: $(@($failures).Count) family scenario(s) failed.`n$($failures -join "`n")" }
    $families
}

function Stop-ServerFamily {
    <#
    .SYNOPSIS
        Stops every family daemon below an instance directory (from the pid files on disk), all at once.
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    if (-not (Test-Path -LiteralPath $InstanceBase)) { return }
    Stop-EximFamily -InstanceBase $InstanceBase
    Stop-OpenSmtpdFamily -InstanceBase $InstanceBase
    Stop-DovecotSubmissionFamily -InstanceBase $InstanceBase
}

function Start-Daemon {
    <#
    .SYNOPSIS
        Starts a daemon that forks into the background; returns the running start, which ends once the daemon runs.
    .DESCRIPTION
        Through `sh -c 'exec ... </dev/null >file 2>file'`: the daemon's output goes to files, never to
        this process's pipes, which the forked daemon would inherit and hold open for ever (and a
        stdin pipe it closes at once would fail a writer with "Broken pipe"). Wait-Daemon collects the exit codes.
    #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [Parameter(Mandatory)] [string] $OutputPrefix
    )
    $script = 'exec "$@" </dev/null >"$OUT" 2>"$ERR"'
    $start = Start-NativeCommand (Find-NativeTool 'env') (@("OUT=$OutputPrefix.out", "ERR=$OutputPrefix.err", (Find-NativeTool 'sh'), '-c', $script, 'sh', $FilePath) + $ArgumentList)
    $start | Add-Member -NotePropertyName OutputPrefix -NotePropertyValue $OutputPrefix -PassThru
}

function Wait-Daemon {
    <#
    .SYNOPSIS
        Waits for starts from Start-Daemon; throws with their output when one failed.
    #>
    param([psobject[]] $Start = @(), [Parameter(Mandatory)] [string] $Product)
    $failures = foreach ($item in $Start) {
        $done = $item | Wait-NativeCommand -AllowFailure
        if ($done.ExitCode -ne 0) {
            $said = (@(Get-Content -LiteralPath "$($item.OutputPrefix).err", "$($item.OutputPrefix).out" -ErrorAction Ignore) -join ' ').Trim()
            "$($done.CommandLine) exited with $($done.ExitCode): $said"
        }
    }
    if ($failures) { throw "$Product did not start: $($failures -join '; ')" }
}

function Get-ProcessIdByCommandLine {
    <#
    .SYNOPSIS
        The ids of running processes whose command line contains a path below the bed's instance folder.
    .DESCRIPTION
        Finds a family's daemons even when their pid files are gone (a start that failed halfway, an
        instance folder removed under them): each daemon names its own configuration file there.
    #>
    param([Parameter(Mandatory)] [string] $Pattern)
    foreach ($entry in Get-ChildItem -LiteralPath '/proc' -Directory -ErrorAction Ignore) {
        if ($entry.Name -notmatch '^\d+$') { continue }
        try { $commandLine = [IO.File]::ReadAllText("/proc/$($entry.Name)/cmdline").Replace([char]0, ' ') }
        catch [IO.IOException], [UnauthorizedAccessException] { continue }
        if ($commandLine -match $Pattern -and (Test-ProcessRunning -Id $entry.Name -CommandPattern $Pattern)) { [int]$entry.Name }
    }
}

function Stop-PidFileProcess {
    <#
    .SYNOPSIS
        Sends SIGTERM to the processes named in pid files (and to those -Also finds) when they still run
        the expected program, and waits for them.
    #>
    param([string[]] $PidFile = @(), [Parameter(Mandatory)] [string] $CommandPattern, [int[]] $Also = @())
    $cat = Find-NativeTool 'cat'
    $ids = @(foreach ($file in $PidFile) {
            if (-not (Test-Path -LiteralPath $file)) { continue }
            # Daemons may hold a lock on their pid file, which .NET cannot read past.
            $text = (Start-NativeCommand $cat $file | Wait-NativeCommand -AllowFailure).Output.Trim()
            if ($text -match '^\d+$' -and (Test-ProcessRunning -Id $text -CommandPattern $CommandPattern)) { [int]$text }
        }) + @($Also) | Select-Object -Unique
    if (-not $ids) { return }
    $kill = Find-NativeTool 'kill'
    Start-NativeCommand $kill (@('-TERM') + @($ids | ForEach-Object { "$_" })) | Wait-NativeCommand -AllowFailure | Out-Null
    Wait-ProcessExit -Id $ids -CommandPattern $CommandPattern -Timeout ([TimeSpan]::FromSeconds(10))
}
