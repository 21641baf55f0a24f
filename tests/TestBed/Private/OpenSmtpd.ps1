# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The OpenSMTPD family: Debian 12's OpenSMTPD 6.8, unpacked from its package (it conflicts with
# Postfix in dpkg). Under OpenSSL 3 it cannot do server-side TLS: it answers "220 2.0.0 Ready to start
# TLS" and then sends alert internal_error for every client (upstream issues 1171, 1239), which makes
# it the bed's real "TLS broken after 220" server. One daemon serves every scenario, one listener each.
#
# It has compiled-in paths (/var/spool/smtpd, its chroot /var/lib/opensmtpd/empty) and reverse-resolves
# every client through its bundled resolver, so it runs in a private mount namespace (`unshare -m`, no
# network namespace) where those paths and /run (its control socket) are fresh tmpfs folders and
# /etc/resolv.conf says `lookup file`.

$script:OpenSmtpdPackages = @('opensmtpd')

# Listener options per scenario kind (smtpd.conf `listen on` line), and what each does.
$script:OpenSmtpdScenarios = [ordered]@{
    'tls-broken'    = @{ Listen = 'tls pki bed'; Expect = @{ Enforcement = 'NotEnforced' } }
    'no-starttls'   = @{ Listen = ''; TlsMode = 'None'; Expect = @{ Enforcement = 'NotEnforced' } }
    'required-mail' = @{ Listen = 'tls-require pki bed'; Expect = @{ Enforcement = 'TlsRequired'; EnforcementStep = 'MAIL FROM' } }
}

function Get-OpenSmtpdPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the OpenSMTPD scenarios cannot run here, or $null when they can.
    #>
    if (-not $IsLinux) { return 'the OpenSMTPD scenarios need Linux' }
    if (-not [Environment]::IsPrivilegedProcess) { return 'the OpenSMTPD scenarios need root (mount namespace, privilege separation)' }
    foreach ($tool in 'apt-get', 'apt-cache', 'dpkg', 'useradd', 'unshare', 'mount', 'sh') {
        if (-not (Find-NativeTool $tool)) { return "'$tool' is not available" }
    }
    $null
}

function Start-OpenSmtpdFamily {
    <#
    .SYNOPSIS
        Unpacks OpenSMTPD (cached), writes its configuration (one listener per scenario) and starts it in a private mount namespace.
    #>
    param(
        [Parameter(Mandatory)] [string] $InstanceBase,
        [Parameter(Mandatory)] [string] $PkiDirectory
    )
    $problem = Get-OpenSmtpdPrerequisiteProblem
    if ($problem) { throw $problem }
    $tree = Get-UnpackedDebianPackage -Name 'opensmtpd' -Package $script:OpenSmtpdPackages -Probe 'usr/sbin/smtpd'
    # The users its privilege-separated processes run as (created by the package's postinst).
    Add-SystemAccount -Name 'opensmtpd'
    Add-SystemAccount -Name 'opensmtpq'

    $directory = Join-Path $InstanceBase 'opensmtpd'
    $etc = Join-Path $directory 'etc'
    $mail = Join-Path $directory 'mail'
    New-BedDirectory $directory, $etc, $mail
    # smtpd refuses a key that others can read; root owns both files.
    $tls = Copy-FamilyTlsFile -PkiDirectory $PkiDirectory -Directory $directory -Chain 'good-chain.pem' -Key 'good.key' -Owner 'root:'
    Set-Content -LiteralPath (Join-Path $etc 'resolv.conf') -Value @(
        '# OpenSMTPD''s resolver: /etc/hosts only, so no client lookup leaves the machine.'
        'lookup file'
    )
    $mailOwner = Get-UserId -Name 'nobody' -Fallback 65534
    Invoke-NativeCommand (Find-NativeTool 'chown') "$($mailOwner.Uid):$($mailOwner.Gid)", $mail | Out-Null

    $kinds = @($script:OpenSmtpdScenarios.Keys)
    $ports = @(Get-FreeTcpPort -Count $kinds.Count)
    $config = [Collections.Generic.List[string]]::new()
    $config.Add("# SmtpTls test bed, OpenSMTPD scenarios: $($kinds -join ', ')")
    $config.Add("pki bed cert `"$($tls.Chain)`"")
    $config.Add("pki bed key `"$($tls.Key)`"")
    $entries = [ordered]@{}
    $smtpd = Join-Path $tree 'usr/sbin/smtpd'
    # The package version (6.8.0p2-4+b4) names the product: smtpd has no version switch.
    $stamp = Get-Content -LiteralPath (Join-Path (Split-Path $tree) 'packages.txt') -Raw
    $product = if ($stamp -match 'opensmtpd=(\d[^-\s]*)') { "OpenSMTPD $($Matches[1])" } else { 'OpenSMTPD' }
    # With -d smtpd logs to stderr.
    $logFile = Join-Path $directory 'smtpd.log'
    for ($i = 0; $i -lt $kinds.Count; $i++) {
        $definition = $script:OpenSmtpdScenarios[$kinds[$i]]
        $config.Add("listen on 127.0.0.1 port $($ports[$i]) $($definition['Listen']) hostname $($script:ServerName)".Replace('  ', ' '))
        $tlsMode = if ($definition['TlsMode']) { $definition['TlsMode'] } else { 'StartTls' }
        $entries[$kinds[$i]] = New-FamilyEntry -Family 'opensmtpd' -Product $product -Kind $kinds[$i] -Address '127.0.0.1' -Port $ports[$i] `
            -Description $script:FamilyKinds[$kinds[$i]] -TlsMode $tlsMode -PkiDirectory $PkiDirectory -LogFile $logFile -Maildir (Join-Path $mail 'Maildir') -Expect $definition['Expect']
    }
    # Every recipient of the test domain goes to one Maildir, delivered as nobody.
    $config.Add("action `"bed`" maildir `"$mail/Maildir`" virtual { `"@$($script:Domain)`" = `"nobody`" }")
    $config.Add("match from any for domain `"$($script:Domain)`" action `"bed`"")
    $configPath = Join-Path $etc 'smtpd.conf'
    Set-Content -LiteralPath $configPath -Value $config
    $check = Start-NativeCommand $smtpd '-n', '-f', $configPath | Wait-NativeCommand -AllowFailure
    if ($check.ExitCode -ne 0) { throw "smtpd -n rejected $configPath`: $($check.Error)$($check.Output)" }

    $script = Join-Path $directory 'run-in-namespace.sh'
    Set-Content -LiteralPath $script -Value @(
        '#!/bin/sh'
        '# Runs inside `unshare -m`: these mounts are private to smtpd and vanish with it.'
        'set -e'
        # /run (also /var/run) holds smtpd''s control socket, one per machine: a private one per bed.
        'mount -t tmpfs -o mode=0755 smtptls-run /run'
        # /etc/resolv.conf may be a link into /run (systemd-resolved): give the link a target to cover.
        'target=$(readlink -f /etc/resolv.conf)'
        'mkdir -p "$(dirname "$target")"'
        '[ -e "$target" ] || : > "$target"'
        "mount --bind '$etc/resolv.conf' /etc/resolv.conf"
        'mount -t tmpfs -o mode=0755 smtptls-spool /var/spool'
        'mkdir -m 0711 /var/spool/smtpd'
        'mount -t tmpfs -o mode=0755 smtptls-lib /var/lib'
        'mkdir -p -m 0755 /var/lib/opensmtpd/empty'
        "exec '$smtpd' -d -f '$configPath'"
    )
    $process = Start-Process -FilePath (Find-NativeTool 'unshare') -ArgumentList '-m', '--propagation', 'private', (Find-NativeTool 'sh'), "`"$script`"" -PassThru `
        -RedirectStandardInput '/dev/null' -RedirectStandardOutput (Join-Path $directory 'smtpd.out') -RedirectStandardError $logFile
    # unshare execs the shell, which execs smtpd: one process id throughout.
    Set-Content -LiteralPath (Join-Path $directory 'smtpd.pid') -Value $process.Id
    [pscustomobject]@{
        Name      = 'opensmtpd'
        Available = $true
        Reason    = ''
        Product   = $product
        Entries   = $entries
        Account   = $null
    }
}

function Stop-OpenSmtpdFamily {
    <#
    .SYNOPSIS
        Stops the bed's OpenSMTPD (its privilege-separated children exit with it).
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    $running = @(Get-ProcessIdByCommandLine -Pattern ('smtpd -d -f ' + [regex]::Escape((Join-Path $InstanceBase 'opensmtpd/etc/smtpd.conf'))))
    Stop-PidFileProcess -PidFile @(Join-Path $InstanceBase 'opensmtpd/smtpd.pid') -CommandPattern 'smtpd -d -f' -Also $running
}
