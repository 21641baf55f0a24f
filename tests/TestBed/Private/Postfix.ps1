# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# Postfix instances: prerequisites, main.cf/master.cf, start, wait for the banner, stop.

function Get-PostfixPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the Postfix scenarios cannot run here, or $null when they can.
    #>
    if (-not $IsLinux) { return 'the Postfix scenarios need Linux' }
    if (-not [Environment]::IsPrivilegedProcess) {
        return 'the Postfix scenarios need root (postfix start, queue ownership); this process is not root'
    }
    foreach ($tool in 'postfix', 'postqueue', 'postsuper', 'saslpasswd2', 'openssl', 'script') {
        if (-not (Find-NativeTool $tool)) {
            return "'$tool' is not installed (Debian packages: tests/packages.txt)"
        }
    }
    $null
}

function Write-PostfixInstance {
    <#
    .SYNOPSIS
        Creates one instance's directories and writes its main.cf, master.cf and, for AUTH, its SASL files.
    .OUTPUTS
        The paths Start-PostfixInstance needs and the scenario's entry for the descriptor.
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [hashtable] $Definition,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [psobject] $MailOwner,
        [Parameter(Mandatory)] [pscredential] $Account
    )
    $etc = Join-Path $Directory 'etc'
    $queue = Join-Path $Directory 'queue'
    $data = Join-Path $Directory 'data'
    $log = Join-Path $Directory 'log'
    $mail = Join-Path $Directory 'mail'
    $maildir = Join-Path $mail 'Maildir'
    New-BedDirectory $Directory, $etc, $queue, $data, $log, $mail, $maildir
    New-BedDirectory (Join-Path $maildir 'cur'), (Join-Path $maildir 'new'), (Join-Path $maildir 'tmp')
    $logFile = Join-Path $log 'postfix.log'
    $tlsMode = if ($Definition.ContainsKey('TlsMode')) { $Definition.TlsMode } else { 'StartTls' }

    $settings = [ordered]@{
        compatibility_level           = '3.6'
        queue_directory               = $queue
        data_directory                = $data
        # The instance's own log, written by postlogd: there may be no syslog, and a failed start quotes it.
        maillog_file                  = $logFile
        maillog_file_prefixes         = $log
        myhostname                    = $script:ServerName
        mydomain                      = $script:Domain
        myorigin                      = '$mydomain'
        mydestination                 = ''
        inet_interfaces               = '127.0.0.1'
        inet_protocols                = 'ipv4'
        mynetworks                    = '127.0.0.0/8'
        smtpd_banner                  = "`$myhostname ESMTP Postfix (SmtpTls test bed: $Name)"
        # Nothing leaves an instance and nothing is looked up in DNS: relaying is refused, and
        # whatever is not for the test domain goes to the error transport.
        relayhost                     = ''
        smtpd_relay_restrictions      = 'reject_unauth_destination'
        default_transport             = 'error:5.7.1 outbound delivery is disabled in the SmtpTls test bed'
        relay_transport               = 'error:5.7.1 outbound delivery is disabled in the SmtpTls test bed'
        local_transport               = 'error:5.7.1 local delivery is disabled in the SmtpTls test bed'
        smtp_dns_support_level        = 'disabled'
        smtpd_peername_lookup         = 'no'
        alias_maps                    = ''
        alias_database                = ''
        # Postfix would mail the postmaster a transcript of every provoked TLS failure.
        notify_classes                = ''
        biff                          = 'no'
        # Every recipient in the test domain lands in this instance's one Maildir.
        virtual_mailbox_domains       = $script:Domain
        virtual_mailbox_base          = $mail
        virtual_mailbox_maps          = 'static:Maildir/'
        virtual_uid_maps              = "static:$($MailOwner.Uid)"
        virtual_gid_maps              = "static:$($MailOwner.Gid)"
        # Tests provoke errors on purpose; by default smtpd sleeps a second after each.
        smtpd_error_sleep_time        = '0s'
        in_flow_delay                 = '0s'
        smtpd_tls_security_level      = 'may'
        smtpd_tls_protocols           = '>=TLSv1.2'
        smtpd_tls_mandatory_protocols = '>=TLSv1.2'
        # The Received header then records protocol and cipher, so a test can see how a message came in.
        smtpd_tls_received_header     = 'yes'
        smtpd_tls_loglevel            = '1'
    }
    if ($Definition.Chain) {
        $settings.smtpd_tls_cert_file = Join-Path $PkiDirectory $Definition.Chain
        $settings.smtpd_tls_key_file = Join-Path $PkiDirectory $Definition.Key
    }
    if ($Definition.ContainsKey('SecurityLevel')) {
        # Debian's OpenSSL refuses weak keys and suites at its default security level (2) already when
        # Postfix loads them ("ee key too small"): this instance gets a baseline OpenSSL configuration
        # of its own (Postfix's tls_config_file), so that it can present what a badly run server does.
        $openSslConfig = Join-Path $etc 'openssl.cnf'
        Set-Content -LiteralPath $openSslConfig -Value @(
            'openssl_conf = smtptls_bed'
            '[smtptls_bed]'
            'ssl_conf = smtptls_bed_ssl'
            '[smtptls_bed_ssl]'
            'system_default = smtptls_bed_defaults'
            '[smtptls_bed_defaults]'
            "CipherString = DEFAULT:@SECLEVEL=$($Definition.SecurityLevel)"
        )
        $settings.tls_config_file = $openSslConfig
    }
    if ($Definition.ContainsKey('Settings')) {
        # {pki} stands for the certificate cache, for settings that name several of its files.
        foreach ($setting in $Definition.Settings.GetEnumerator()) { $settings[$setting.Key] = $setting.Value -replace '\{pki\}', $PkiDirectory }
    }
    # A scenario's Companion (a bed function) writes, and may start, what Postfix needs beside it:
    # a SASL provider, certificate maps. Its settings win over the scenario's.
    $companion = if ($Definition.ContainsKey('Companion')) {
        & $Definition.Companion -Directory $Directory -Etc $etc -PkiDirectory $PkiDirectory -Account $Account
    }
    if ($companion) {
        foreach ($setting in $companion.Settings.GetEnumerator()) { $settings[$setting.Key] = $setting.Value }
    }
    $mainCf = Join-Path $etc 'main.cf'
    Set-Content -LiteralPath $mainCf -Value ($settings.GetEnumerator() | ForEach-Object { "$($_.Key) = $($_.Value)" })

    Write-PostfixMasterConfiguration -Etc $etc -Port $Port
    # `postfix start` waits about two seconds when main.cf is less than a second old.
    [IO.File]::SetLastWriteTimeUtc($mainCf, [DateTime]::UtcNow.AddSeconds(-10))

    $postfixOwned = @($data)
    if ($Definition.ContainsKey('Sasl')) {
        $saslConfig = Join-Path $etc 'sasl'
        $saslData = Join-Path $Directory 'sasl'
        $saslDb = Join-Path $saslData 'sasldb2'
        New-BedDirectory $saslConfig, $saslData
        Set-Content -LiteralPath (Join-Path $saslConfig 'smtpd.conf') -Value @(
            'pwcheck_method: auxprop'
            'auxprop_plugin: sasldb'
            'mech_list: PLAIN LOGIN'
            "sasldb_path: $saslDb"
        )
        $user, $realm = $Account.UserName.Split('@', 2)
        Invoke-NativeCommand (Find-NativeTool 'saslpasswd2') '-f', $saslDb, '-p', '-c', '-u', $realm, $user -InputText $Account.GetNetworkCredential().Password | Out-Null
        # smtpd reads the database as postfix at AUTH time.
        $postfixOwned += $saslData
    }

    $instance = [pscustomobject]@{
        Name         = $Name
        Etc          = $etc
        LogFile      = $logFile
        PostfixOwned = $postfixOwned
        MailOwned    = $mail
        Entry        = [ordered]@{
            Address             = '127.0.0.1'
            Port                = $Port
            TlsMode             = $tlsMode
            ServerName          = $script:ServerName
            Description         = $Definition.Description
            ConfigDirectory     = $etc
            QueueDirectory      = $queue
            Maildir             = $maildir
            LogFile             = $logFile
            LeafCertificateFile = if ($Definition.Leaf) { Join-Path $PkiDirectory $Definition.Leaf } else { $null }
        }
    }
    if ($companion) {
        $instance.PostfixOwned = @($instance.PostfixOwned) + @($companion.PostfixOwned)
        foreach ($item in $companion.Entry.GetEnumerator()) { $instance.Entry[$item.Key] = $item.Value }
    }
    $instance
}

function Write-PostfixMasterConfiguration {
    <#
    .SYNOPSIS
        Writes an instance's master.cf: its SMTP port, no chroot, only the services this bed uses.
    #>
    param([Parameter(Mandatory)] [string] $Etc, [Parameter(Mandatory)] [int] $Port)
    # postlog is required by maillog_file.
    Set-Content -LiteralPath (Join-Path $Etc 'master.cf') -Value @"
$Port      inet  n       -       n       -       -       smtpd
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
virtual    unix  -       n       n       -       -       virtual
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
"@
}

function Start-PostfixInstance {
    <#
    .SYNOPSIS
        Runs `postfix -c <etc> start` for every instance at once; Wait-PostfixInstance collects them.
    .DESCRIPTION
        Under `script`, because postfix prints its fatal start-up errors only to a terminal.
        `postfix start` returns once the master has bound its port (master -w).
    #>
    param([Parameter(Mandatory)] [psobject[]] $Instance)
    foreach ($item in $Instance) {
        $item | Add-Member -NotePropertyName Start -NotePropertyValue (
            Start-NativeCommand (Find-NativeTool 'script') '-qec', "'$(Find-NativeTool 'postfix')' -c '$($item.Etc)' start", '/dev/null') -PassThru -Force
    }
}

function Wait-PostfixInstance {
    <#
    .SYNOPSIS
        Waits for the starts and for every instance's banner; throws with postfix's own words
        and the log tail when any instance did not come up.
    .DESCRIPTION
        Another process can take a port between Get-FreeTcpPort releasing it and the master
        binding it; such an instance is moved to a new port and started again, twice at most.
    #>
    param([Parameter(Mandatory)] [psobject[]] $Instance)
    $failures = foreach ($item in $Instance) {
        for ($attempt = 1; ; $attempt++) {
            $start = $item.Start | Wait-NativeCommand -AllowFailure
            $startOutput = ($start.Output + $start.Error).Trim()
            Set-Content -LiteralPath (Join-Path (Split-Path $item.LogFile) 'start.log') -Value $startOutput
            $logTail = @(Get-Content -LiteralPath $item.LogFile -Tail 15 -ErrorAction Ignore)
            if ($start.ExitCode -eq 0 -or $attempt -ge 3 -or -not ($logTail -match 'Address already in use')) { break }
            $item.Entry.Port = Get-FreeTcpPort -Count 1
            Write-PostfixMasterConfiguration -Etc $item.Etc -Port $item.Entry.Port
            $null = Start-PostfixInstance -Instance $item
        }
        $problem = if ($start.ExitCode -ne 0) {
            "postfix start exited with $($start.ExitCode)"
        }
        else {
            try {
                $null = Wait-SmtpBanner -Port $item.Entry.Port -Implicit:($item.Entry.TlsMode -eq 'Implicit') -Timeout ([TimeSpan]::FromSeconds(10))
                $null
            }
            catch { $_.Exception.Message }
        }
        if ($problem) {
            $logTail = @(Get-Content -LiteralPath $item.LogFile -Tail 15 -ErrorAction Ignore)
            if (-not $logTail) { $logTail = '(nothing logged)' }
            "Scenario '$($item.Name)' (127.0.0.1:$($item.Entry.Port)) did not come up: $problem`n  postfix start said: $startOutput`n  $($item.LogFile), last lines:`n    $($logTail -join "`n    ")"
        }
    }
    if ($failures) {
        throw "SmtpTls test bed: $(@($failures).Count) Postfix instance(s) failed.`n$($failures -join "`n")"
    }
}

function Wait-SmtpBanner {
    <#
    .SYNOPSIS
        Connects until the server sends its 220 banner (after a TLS handshake for implicit TLS).
    #>
    param(
        [Parameter(Mandatory)] [int] $Port,
        [switch] $Implicit,
        [Parameter(Mandatory)] [TimeSpan] $Timeout,
        [string] $Address = '127.0.0.1'
    )
    $deadline = [DateTime]::UtcNow + $Timeout
    $lastProblem = 'no connection attempt'
    while ([DateTime]::UtcNow -lt $deadline) {
        $client = [Net.Sockets.TcpClient]::new()
        $stream = $null
        try {
            if (-not $client.ConnectAsync($Address, $Port).Wait(2000)) { throw 'connect timed out' }
            $stream = $client.GetStream()
            $stream.ReadTimeout = 5000
            if ($Implicit) {
                # Any certificate will do: this only checks that the instance answers.
                $stream = [Net.Security.SslStream]::new($stream, $false, { $true })
                $stream.ReadTimeout = 5000
                $stream.AuthenticateAsClient($script:ServerName)
            }
            $banner = [Text.StringBuilder]::new()
            while ($banner.Length -lt 1000) {
                $byte = $stream.ReadByte()
                if ($byte -lt 0 -or $byte -eq 10) { break }
                $null = $banner.Append([char]$byte)
            }
            $line = $banner.ToString().TrimEnd("`r")
            if ($line.StartsWith('220 ')) {
                $quit = [Text.Encoding]::ASCII.GetBytes("QUIT`r`n")
                $stream.Write($quit, 0, $quit.Length)
                return $line
            }
            $lastProblem = "unexpected banner '$line'"
        }
        catch {
            $lastProblem = $_.Exception.GetBaseException().Message
        }
        finally {
            if ($stream) { $stream.Dispose() }
            $client.Dispose()
        }
        Start-Sleep -Milliseconds 100
    }
    throw "no SMTP banner on ${Address}:$Port within $($Timeout.TotalSeconds) s ($lastProblem)"
}

function Stop-PostfixInstance {
    <#
    .SYNOPSIS
        Stops every instance below a directory that still has a running master, all at once.
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    if (-not (Test-Path -LiteralPath $InstanceBase)) { return }
    $masterPattern = '(^|/)master( |$)'
    $cat = Find-NativeTool 'cat'
    $running = foreach ($directory in Get-ChildItem -LiteralPath $InstanceBase -Directory) {
        $pidFile = Join-Path $directory.FullName 'queue/pid/master.pid'
        if (-not (Test-Path -LiteralPath $pidFile)) { continue }
        # The master holds a flock on its pid file, and .NET cannot open a flocked file for reading.
        $text = (Invoke-NativeCommand $cat $pidFile).Output.Trim()
        if ($text -match '^\d+$' -and (Test-ProcessRunning -Id $text -CommandPattern $masterPattern)) {
            [pscustomobject]@{ Etc = Join-Path $directory.FullName 'etc'; Id = [int]$text }
        }
    }
    if (-not $running) { return }
    $postfix = Find-NativeTool 'postfix'
    if ($postfix) {
        # All at once: each `postfix stop` sleeps a second while its master exits. Failures are
        # fine here, whatever survives is killed by Wait-ProcessExit.
        $stops = @($running | ForEach-Object { Start-NativeCommand $postfix '-c', $_.Etc, 'stop' })
        $stops | Wait-NativeCommand -AllowFailure | Out-Null
    }
    Wait-ProcessExit -Id $running.Id -CommandPattern $masterPattern -Timeout ([TimeSpan]::FromSeconds(10))
}
