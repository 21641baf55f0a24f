# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The Dovecot submission family: Dovecot's own submission server (dovecot-submissiond, installed
# beside Postfix), one `dovecot -c <config>` per scenario with its own base_dir, state_dir and log.
# These are not the Dovecot that serves as Postfix's SASL provider: that one has configs of its own.
#
# Dovecot treats a client as secure when it connects from the address it connects to (127.0.0.1 to
# 127.0.0.1) and then offers AUTH before TLS. The scenarios therefore listen on 127.0.0.2, which a
# local client reaches from 127.0.0.1, like any client from elsewhere. Accepted mail is relayed
# (submission_relay_host) to the bed's Postfix 'good' instance and lands in its Maildir.

$script:DovecotAddress = '127.0.0.2'

# Settings per scenario kind. Ssl: Dovecot's ssl setting. OpenSsl: MinProtocol/MaxProtocol for the
# OpenSSL configuration the scenario's processes get (Dovecot 2.3 has no ssl_max_protocol).
$script:DovecotScenarios = [ordered]@{
    # ssl = required: MAIL FROM before TLS gets "530 5.7.0 TLS required."; AUTH only after STARTTLS.
    'good'          = @{ Ssl = 'required'; Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         Expect = @{ Enforcement = 'TlsRequired'; EnforcementStep = 'MAIL FROM'; AuthAfterTlsOnly = $true } }
    # ssl = yes: MAIL FROM before login gets "530 5.7.0 Authentication required.": not TLS enforcement.
    'auth-required' = @{ Ssl = 'yes'; Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         Expect = @{ Enforcement = 'AuthenticationRequired'; EnforcementStep = 'MAIL FROM'; AuthAfterTlsOnly = $true } }
    'expired'       = @{ Ssl = 'required'; Chain = 'expired-chain.pem'; Key = 'expired.key'; Leaf = 'expired.pem' }
    'wrong-name'    = @{ Ssl = 'required'; Chain = 'wrong-name-chain.pem'; Key = 'wrong-name.key'; Leaf = 'wrong-name.pem' }
    'no-starttls'   = @{ Ssl = 'no'; TlsMode = 'None' }
    # Dovecot loads the key at STARTTLS, answers 220 and then "421 4.0.0 <host> TLS initialization failed." in plain text.
    'tls-broken'    = @{ Ssl = 'yes'; Chain = 'good-chain.pem'; Key = 'unrelated.key' }
    'tls12'         = @{ Ssl = 'required'; Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; MinProtocol = 'TLSv1.2'; MaxProtocol = 'TLSv1.2'
                         Expect = @{ Versions = @('Tls12') } }
    'legacy'        = @{ Ssl = 'required'; Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; MinProtocol = 'TLSv1'; MaxProtocol = 'TLSv1.1'
                         Expect = @{ Versions = @('Tls10', 'Tls11') } }
    'implicit'      = @{ Ssl = 'required'; Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; TlsMode = 'Implicit' }
}

function Get-DovecotSubmissionPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the Dovecot submission scenarios cannot run here, or $null when they can.
    #>
    if (-not $IsLinux) { return 'the Dovecot scenarios need Linux' }
    if (-not [Environment]::IsPrivilegedProcess) { return 'the Dovecot scenarios need root' }
    if (-not (Find-NativeTool 'dovecot')) { return "'dovecot' is not installed (Debian packages dovecot-core, dovecot-submissiond: tests/packages.txt)" }
    $libexec = '/usr/lib/dovecot/submission-login'
    if (-not (Test-Path -LiteralPath $libexec)) { return "Dovecot's submission server is not installed (Debian package dovecot-submissiond: tests/packages.txt)" }
    $null
}

function Write-DovecotSubmissionConfiguration {
    <#
    .SYNOPSIS
        Writes one scenario's dovecot.conf (submission only), its password file and, for version limits, its OpenSSL configuration.
    #>
    param(
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [hashtable] $Definition,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account,
        [int] $RelayPort
    )
    # Dovecot's sockets live in base_dir, and a socket path must fit in 108 bytes: a short folder of its
    # own under the temporary directory, named after the instance, recorded for Stop-DovecotSubmissionFamily.
    New-BedDirectory $Directory
    $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Directory))).Substring(0, 10).ToLowerInvariant()
    $run = Join-Path ([IO.Path]::GetTempPath()) "smtptls-dovecot-$hash"
    if (Test-Path -LiteralPath $run) { Remove-Item -LiteralPath $run -Recurse -Force }
    Set-Content -LiteralPath (Join-Path $Directory 'base_dir.txt') -Value $run
    $state = Join-Path $Directory 'state'
    $homeDirectory = Join-Path $Directory 'home'
    New-BedDirectory $Directory, $run, $state, $homeDirectory
    $users = Join-Path $Directory 'users'
    Set-Content -LiteralPath $users -Value "$($Account.UserName):{PLAIN}$($Account.GetNetworkCredential().Password)"
    [IO.File]::SetUnixFileMode($users, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead')
    Invoke-NativeCommand (Find-NativeTool 'chown') 'root:dovecot', $users | Out-Null
    $logFile = Join-Path $Directory 'dovecot.log'
    $listener = if ($Definition['TlsMode'] -eq 'Implicit') { 'submissions' } else { 'submission' }
    $lines = [Collections.Generic.List[string]]::new()
    $lines.AddRange([string[]]@(
            "# SmtpTls test bed, Dovecot submission scenario '$Kind' (not the SASL provider of Postfix)"
            "instance_name = smtptls-submission-$Kind"
            "base_dir = $run"
            "state_dir = $state"
            "log_path = $logFile"
            'protocols = submission'
            "listen = $($script:DovecotAddress)"
            "hostname = $($script:ServerName)"
            "ssl = $($Definition['Ssl'])"
            'disable_plaintext_auth = yes'
            'auth_mechanisms = plain login'
            # A refused login answers at once (default: a delay that grows with failures).
            'auth_failure_delay = 0'
            'submission_relay_host = 127.0.0.1'
            "submission_relay_port = $(if ($RelayPort) { $RelayPort } else { 25 })"
            'submission_relay_trusted = yes'
            "mail_location = maildir:$homeDirectory/Maildir"
        ))
    if ($Definition['Chain']) {
        $tls = Copy-FamilyTlsFile -PkiDirectory $PkiDirectory -Directory $Directory -Chain $Definition['Chain'] -Key $Definition['Key'] -Owner 'root:'
        $lines.Add("ssl_cert = <$($tls.Chain)")
        $lines.Add("ssl_key = <$($tls.Key)")
    }
    if ($Definition['MaxProtocol']) {
        $openSslConfig = Join-Path $Directory 'openssl.cnf'
        Set-Content -LiteralPath $openSslConfig -Value @(
            '# Version limits for this scenario only (Dovecot passes OPENSSL_CONF to its processes).'
            'openssl_conf = smtptls_init'
            '[smtptls_init]'
            'ssl_conf = smtptls_ssl'
            '[smtptls_ssl]'
            'system_default = smtptls_default'
            '[smtptls_default]'
            "MinProtocol = $($Definition['MinProtocol'])"
            "MaxProtocol = $($Definition['MaxProtocol'])"
            # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above security level 0.
            'CipherString = DEFAULT:@SECLEVEL=0'
        )
        $lines.Add("import_environment = OPENSSL_CONF=$openSslConfig")
        $lines.Add("ssl_min_protocol = $($Definition['MinProtocol'])")
        $lines.Add('ssl_cipher_list = DEFAULT:@SECLEVEL=0')
    }
    $lines.AddRange([string[]]@(
            'service submission-login {'
            "  inet_listener $listener {"
            "    address = $($script:DovecotAddress)"
            "    port = $Port"
            $(if ($listener -eq 'submissions') { '    ssl = yes' } else { '' })
            '  }'
            # Dovecot's built-in listener (port 587) stays unless switched off.
            $(if ($listener -eq 'submissions') { '  inet_listener submission {'; '    port = 0'; '  }' })
            '}'
            'passdb {'
            '  driver = passwd-file'
            "  args = scheme=PLAIN $users"
            '}'
            'userdb {'
            '  driver = static'
            "  args = uid=nobody gid=nogroup home=$homeDirectory"
            '}'
        ))
    $configPath = Join-Path $Directory 'dovecot.conf'
    Set-Content -LiteralPath $configPath -Value $lines
    [pscustomobject]@{ Config = $configPath; Log = $logFile }
}

function Start-DovecotSubmissionFamily {
    <#
    .SYNOPSIS
        Writes one Dovecot configuration per scenario and starts every instance.
    #>
    param(
        [Parameter(Mandatory)] [string] $InstanceBase,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account,
        [int] $RelayPort
    )
    $problem = Get-DovecotSubmissionPrerequisiteProblem
    if ($problem) { throw $problem }
    $dovecot = Find-NativeTool 'dovecot'
    $product = 'Dovecot ' + ((Invoke-NativeCommand $dovecot '--version').Output.Trim() -split ' ')[0]
    $kinds = @($script:DovecotScenarios.Keys)
    $ports = @(Get-FreeTcpPort -Count $kinds.Count)
    $entries = [ordered]@{}
    $starts = for ($i = 0; $i -lt $kinds.Count; $i++) {
        $kind = $kinds[$i]
        $definition = $script:DovecotScenarios[$kind]
        $directory = Join-Path $InstanceBase "dovecot-submission-$kind"
        $written = Write-DovecotSubmissionConfiguration -Kind $kind -Definition $definition -Directory $directory -Port $ports[$i] `
            -PkiDirectory $PkiDirectory -Account $Account -RelayPort $RelayPort
        $tlsMode = if ($definition['TlsMode']) { $definition['TlsMode'] } else { 'StartTls' }
        $entries[$kind] = New-FamilyEntry -Family 'dovecot' -Product $product -Kind $kind -Address $script:DovecotAddress -Port $ports[$i] `
            -Description $script:FamilyKinds[$kind] -TlsMode $tlsMode -Leaf $definition['Leaf'] -PkiDirectory $PkiDirectory `
            -LogFile $written.Log -Expect $(if ($definition['Expect']) { $definition['Expect'] } else { @{} })
        # The master daemonises once its listeners are bound.
        Start-Daemon -FilePath $dovecot -ArgumentList '-c', $written.Config -OutputPrefix (Join-Path $directory 'start')
    }
    Wait-Daemon -Start $starts -Product 'Dovecot'
    [pscustomobject]@{
        Name      = 'dovecot'
        Available = $true
        Reason    = ''
        Product   = $product
        Entries   = $entries
        Account   = [ordered]@{ UserName = $Account.UserName; Password = $Account.GetNetworkCredential().Password }
    }
}

function Stop-DovecotSubmissionFamily {
    <#
    .SYNOPSIS
        Stops every Dovecot submission instance of the bed (master.pid in each base_dir).
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    $baseDirs = @(Get-ChildItem -LiteralPath $InstanceBase -Directory -Filter 'dovecot-submission-*' -ErrorAction Ignore |
            ForEach-Object { Get-Content -LiteralPath (Join-Path $_.FullName 'base_dir.txt') -ErrorAction Ignore } | Where-Object { $_ })
    $running = @(Get-ProcessIdByCommandLine -Pattern ('dovecot -c ' + [regex]::Escape((Join-Path $InstanceBase 'dovecot-submission-')) + '\S+/dovecot\.conf'))
    Stop-PidFileProcess -PidFile @($baseDirs | ForEach-Object { Join-Path $_ 'master.pid' }) -CommandPattern 'dovecot' -Also $running
    foreach ($baseDir in $baseDirs) { Remove-Item -LiteralPath $baseDir -Recurse -Force -ErrorAction Ignore }
}
