# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The Exim family: Debian's Exim 4.96 (exim4-daemon-heavy, built with GnuTLS), unpacked from its
# packages because it conflicts with Postfix in dpkg, one daemon per scenario, each with its own
# configuration, spool, logs and Maildir: `exim -C <config> -bd`. As root with -C, Exim drops to the
# Debian-exim user, so everything the daemon reads or writes after start-up belongs to that user.

$script:EximPackages = @('exim4-daemon-heavy', 'exim4-base', 'exim4-config')
$script:EximUser = 'Debian-exim'

# Settings per scenario kind. Tls: chain and key from the PKI (null: no TLS at all). Priority: a
# GnuTLS priority string (tls_require_ciphers). MailAcl/RcptAcl: ACL statements put first in the
# MAIL and RCPT ACLs. Expect: what the scenario does, for the tests.
$script:EximScenarios = [ordered]@{
    'good'          = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         Expect = @{ Enforcement = 'NotEnforced' } }
    'expired'       = @{ Chain = 'expired-chain.pem'; Key = 'expired.key'; Leaf = 'expired.pem' }
    'wrong-name'    = @{ Chain = 'wrong-name-chain.pem'; Key = 'wrong-name.key'; Leaf = 'wrong-name.pem' }
    'no-starttls'   = @{ Chain = $null; TlsMode = 'None' }
    # Exim loads certificate and key at STARTTLS and answers "454 TLS currently unavailable" when they do not match.
    'broken-cert'   = @{ Chain = 'good-chain.pem'; Key = 'unrelated.key'; Leaf = $null }
    'tls12'         = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; Priority = 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
                         Expect = @{ Versions = @('Tls12') } }
    'legacy'        = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; Priority = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.1'
                         Expect = @{ Versions = @('Tls10', 'Tls11') } }
    'required-mail' = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         MailAcl = @('deny    message = Encryption required before MAIL', '        !encrypted = *')
                         Expect = @{ Enforcement = 'TlsRequired'; EnforcementStep = 'MAIL FROM' } }
    # The usual Exim way, and why MAIL FROM alone tells nothing: the RCPT ACL decides.
    'required-rcpt' = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         RcptAcl = @('deny    message = STARTTLS required', '        !encrypted = *')
                         Expect = @{ Enforcement = 'TlsRequired'; EnforcementStep = 'RCPT TO' } }
    # An ACL "deny" without a message: Exim answers "550 Administrative prohibition".
    'policy-mail'   = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'
                         MailAcl = @('deny    !encrypted = *')
                         Expect = @{ Enforcement = 'RefusedOtherReason'; EnforcementStep = 'MAIL FROM' } }
    'submission'    = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; Auth = $true
                         RcptAcl = @('deny    message = Authentication required', '        !authenticated = *')
                         Expect = @{ Enforcement = 'AuthenticationRequired'; EnforcementStep = 'RCPT TO'; AuthAfterTlsOnly = $true } }
    'implicit'      = @{ Chain = 'good-chain.pem'; Key = 'good.key'; Leaf = 'good.pem'; TlsMode = 'Implicit' }
}

function Get-EximPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the Exim scenarios cannot run here, or $null when they can.
    #>
    if (-not $IsLinux) { return 'the Exim scenarios need Linux' }
    if (-not [Environment]::IsPrivilegedProcess) { return 'the Exim scenarios need root (Exim drops to Debian-exim)' }
    foreach ($tool in 'apt-get', 'apt-cache', 'dpkg', 'useradd', 'chown') {
        if (-not (Find-NativeTool $tool)) { return "'$tool' is not available" }
    }
    $null
}

function Write-EximConfiguration {
    <#
    .SYNOPSIS
        Writes one scenario's Exim configuration: its port, TLS files and priority, ACLs, authenticators,
        and a router that delivers every recipient of the test domain into the scenario's Maildir.
    #>
    param(
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [hashtable] $Definition,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $Exim,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account
    )
    $spool = Join-Path $Directory 'spool'
    $log = Join-Path $Directory 'log'
    $mail = Join-Path $Directory 'mail'
    New-BedDirectory $Directory, $spool, $log, $mail
    $lines = [Collections.Generic.List[string]]::new()
    $lines.AddRange([string[]]@(
            "# SmtpTls test bed, Exim scenario '$Kind'"
            "primary_hostname = $($script:ServerName)"
            "exim_path = $Exim"
            "spool_directory = $spool"
            "log_file_path = $log/%slog"
            'keep_environment ='
            'local_interfaces = 127.0.0.1'
            "daemon_smtp_ports = $Port"
            'host_lookup ='
            'rfc1413_hosts ='
            "domainlist local_domains = $($script:Domain)"
            "smtp_banner = `$smtp_active_hostname ESMTP Exim `$version_number (SmtpTls test bed: exim $Kind)"
            'acl_smtp_mail = acl_check_mail'
            'acl_smtp_rcpt = acl_check_rcpt'
        ))
    if ($Definition['Chain']) {
        $tls = Copy-FamilyTlsFile -PkiDirectory $PkiDirectory -Directory $Directory -Chain $Definition['Chain'] -Key $Definition['Key'] -Owner "$($script:EximUser):"
        $lines.Add('tls_advertise_hosts = *')
        $lines.Add("tls_certificate = $($tls.Chain)")
        $lines.Add("tls_privatekey = $($tls.Key)")
        # Modern versions only, unless the scenario asks for others (Debian's GnuTLS would also take 1.0 and 1.1).
        $priority = if ($Definition['Priority']) { $Definition['Priority'] } else { 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2' }
        $lines.Add("tls_require_ciphers = $priority")
        if ($Definition['TlsMode'] -eq 'Implicit') { $lines.Add("tls_on_connect_ports = $Port") }
    }
    else {
        $lines.Add('tls_advertise_hosts =')
    }
    $password = $Account.GetNetworkCredential().Password
    if ($Definition['Auth']) {
        # AUTH only inside TLS, like Postfix's smtpd_tls_auth_only.
        $lines.Add('auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}')
    }
    else {
        $lines.Add('auth_advertise_hosts =')
    }
    $lines.Add('')
    $lines.Add('begin acl')
    $lines.Add('acl_check_mail:')
    foreach ($statement in @($Definition['MailAcl'])) { if ($statement) { $lines.Add("  $statement") } }
    $lines.Add('  accept')
    $lines.Add('acl_check_rcpt:')
    foreach ($statement in @($Definition['RcptAcl'])) { if ($statement) { $lines.Add("  $statement") } }
    $lines.Add('  accept  domains = +local_domains')
    $lines.Add('  deny    message = relay not permitted')
    $lines.AddRange([string[]]@(
            ''
            'begin routers'
            'test_domain:'
            '  driver = accept'
            '  domains = +local_domains'
            '  transport = test_maildir'
            ''
            'begin transports'
            'test_maildir:'
            '  driver = appendfile'
            "  directory = $mail/Maildir"
            '  maildir_format'
            '  create_directory'
            "  user = $($script:EximUser)"
            '  envelope_to_add'
            '  return_path_add'
            ''
            'begin authenticators'
            'plain:'
            '  driver = plaintext'
            '  public_name = PLAIN'
            '  server_prompts = :'
            "  server_condition = `${if and {{eq{`$auth2}{$($Account.UserName)}}{eq{`$auth3}{$password}}}}"
            '  server_set_id = $auth2'
            'login:'
            '  driver = plaintext'
            '  public_name = LOGIN'
            '  server_prompts = Username:: : Password::'
            "  server_condition = `${if and {{eq{`$auth1}{$($Account.UserName)}}{eq{`$auth2}{$password}}}}"
            '  server_set_id = $auth1'
        ))
    $configPath = Join-Path $Directory 'exim.conf'
    Set-Content -LiteralPath $configPath -Value $lines
    # Read by the daemon after it dropped to Debian-exim (delivery re-executes Exim with -C), never written by it.
    [IO.File]::SetUnixFileMode($configPath, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead')
    Invoke-NativeCommand (Find-NativeTool 'chown') "root:$($script:EximUser)", $configPath | Out-Null
    Invoke-NativeCommand (Find-NativeTool 'chown') '-R', "$($script:EximUser):", $spool, $log, $mail | Out-Null
    [pscustomobject]@{ Config = $configPath; Log = Join-Path $log 'mainlog'; Maildir = Join-Path $mail 'Maildir' }
}

function Start-EximFamily {
    <#
    .SYNOPSIS
        Unpacks Exim (cached), writes one configuration per scenario and starts every daemon.
    #>
    param(
        [Parameter(Mandatory)] [string] $InstanceBase,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account
    )
    $problem = Get-EximPrerequisiteProblem
    if ($problem) { throw $problem }
    $tree = Get-UnpackedDebianPackage -Name 'exim' -Package $script:EximPackages -Probe 'usr/sbin/exim4'
    $exim = Join-Path $tree 'usr/sbin/exim4'
    Add-SystemAccount -Name $script:EximUser
    $version = (Invoke-NativeCommand $exim '-C', '/dev/null', '-bV').Output -split "`n" | Select-Object -First 1
    $product = if ($version -match 'Exim version (\S+)') { "Exim $($Matches[1])" } else { 'Exim' }
    $kinds = @($script:EximScenarios.Keys)
    $ports = @(Get-FreeTcpPort -Count $kinds.Count)
    $entries = [ordered]@{}
    $starts = for ($i = 0; $i -lt $kinds.Count; $i++) {
        $kind = $kinds[$i]
        $definition = $script:EximScenarios[$kind]
        $directory = Join-Path $InstanceBase "exim-$kind"
        $written = Write-EximConfiguration -Kind $kind -Definition $definition -Directory $directory -Port $ports[$i] -Exim $exim -PkiDirectory $PkiDirectory -Account $Account
        $tlsMode = if ($definition['TlsMode']) { $definition['TlsMode'] } else { 'StartTls' }
        $entries[$kind] = New-FamilyEntry -Family 'exim' -Product $product -Kind $kind -Address '127.0.0.1' -Port $ports[$i] `
            -Description $script:FamilyKinds[$kind] -TlsMode $tlsMode -Leaf $definition['Leaf'] -PkiDirectory $PkiDirectory `
            -LogFile $written.Log -Maildir $written.Maildir -Expect $(if ($definition['Expect']) { $definition['Expect'] } else { @{} })
        # -bd daemonises once the port is bound; the exit code says whether the configuration was accepted.
        # With -C Exim writes no pid file unless -oP names one.
        Start-Daemon -FilePath $exim -ArgumentList '-C', $written.Config, '-bd', '-oP', (Join-Path $directory 'exim.pid') -OutputPrefix (Join-Path $directory 'start')
    }
    Wait-Daemon -Start $starts -Product 'Exim'
    [pscustomobject]@{
        Name      = 'exim'
        Available = $true
        Reason    = ''
        Product   = $product
        Entries   = $entries
        Account   = [ordered]@{ UserName = $Account.UserName; Password = $Account.GetNetworkCredential().Password }
    }
}

function Stop-EximFamily {
    <#
    .SYNOPSIS
        Stops every Exim daemon of the bed (pid files under exim-* instance directories).
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    $pidFiles = @(Get-ChildItem -LiteralPath $InstanceBase -Directory -Filter 'exim-*' -ErrorAction Ignore |
            ForEach-Object { Join-Path $_.FullName 'exim.pid' })
    $running = @(Get-ProcessIdByCommandLine -Pattern ([regex]::Escape((Join-Path $InstanceBase 'exim-')) + '\S+/exim\.conf -bd'))
    Stop-PidFileProcess -PidFile $pidFiles -CommandPattern 'exim4? .*-bd' -Also $running
}
