<#
    The SmtpTls test bed: real Postfix instances on loopback, one per TLS scenario, and the
    scripted hostile servers of tests/SmtpTls.HostileServer, brought up and torn down by the tests.

    Start-SmtpTestBed writes <root>/testbed.json, the descriptor every other test reads (xunit
    through SMTPTLS_TESTBED, Pester through Get-SmtpTestBed). Nothing here touches the system
    Postfix: each instance has its own config, queue, data and mail directories and is started
    with `postfix -c <dir>`.
#>

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:DefaultRoot = Join-Path $script:RepoRoot 'tests/.testbed'
$script:HostileProjectDirectory = Join-Path $script:RepoRoot 'tests/SmtpTls.HostileServer'
$script:ServerName = 'mail.smtptls.test'
$script:Domain = 'smtptls.test'
$script:SubmissionUser = 'tester'
# Bump when the certificate set changes, so that cached certificates are regenerated.
$script:PkiVersion = 1
# Short enough that the not-yet-valid leaf (valid from one year after generation) never becomes valid in the cache.
$script:PkiMaxAge = [TimeSpan]::FromDays(30)
$script:DirectoryMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'

# One Postfix instance per scenario. Leaf/Chain/Key name files of the certificate cache; Leaf is
# the certificate a client receives (null when no handshake completes); Settings go into main.cf
# after the common ones and win over them.
$script:Scenarios = [ordered]@{
    'good'             = @{ Description = 'STARTTLS, leaf and intermediate from the private CA, TLS 1.2 and 1.3'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key' }
    'broken-cert'      = @{ Description = 'STARTTLS advertised, certificate and key do not match: 454 4.7.0'
                            Leaf = $null; Chain = 'good-chain.pem'; Key = 'unrelated.key' }
    'broken-missing'   = @{ Description = 'STARTTLS advertised, certificate files missing: 454 4.7.0'
                            Leaf = $null; Chain = $null; Key = $null
                            Settings = [ordered]@{
                                smtpd_tls_cert_file = '$config_directory/missing-chain.pem'
                                smtpd_tls_key_file  = '$config_directory/missing.key'
                            } }
    'no-starttls'      = @{ Description = 'TLS not offered at all'; TlsMode = 'None'
                            Leaf = $null; Chain = $null; Key = $null
                            Settings = [ordered]@{ smtpd_tls_security_level = 'none' } }
    'expired'          = @{ Description = 'STARTTLS, leaf expired a year ago'
                            Leaf = 'expired.pem'; Chain = 'expired-chain.pem'; Key = 'expired.key' }
    'not-yet-valid'    = @{ Description = 'STARTTLS, leaf valid only from a year after generation'
                            Leaf = 'not-yet-valid.pem'; Chain = 'not-yet-valid-chain.pem'; Key = 'not-yet-valid.key' }
    'wrong-name'       = @{ Description = 'STARTTLS, leaf for other.example.test'
                            Leaf = 'wrong-name.pem'; Chain = 'wrong-name-chain.pem'; Key = 'wrong-name.key' }
    'self-signed'      = @{ Description = 'STARTTLS, self-signed leaf'
                            Leaf = 'self-signed.pem'; Chain = 'self-signed.pem'; Key = 'self-signed.key' }
    'incomplete-chain' = @{ Description = 'STARTTLS, leaf sent without its intermediate'
                            Leaf = 'good.pem'; Chain = 'good.pem'; Key = 'good.key' }
    'implicit'         = @{ Description = 'implicit TLS (wrapper mode, like port 465), good chain'; TlsMode = 'Implicit'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{ smtpd_tls_wrappermode = 'yes'; smtpd_tls_security_level = 'encrypt' } }
    'legacy'           = @{ Description = 'STARTTLS, only TLS 1.0 and 1.1'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{
                                smtpd_tls_protocols           = '>=TLSv1, <=TLSv1.1'
                                smtpd_tls_mandatory_protocols = '>=TLSv1, <=TLSv1.1'
                                # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above security level 0.
                                tls_medium_cipherlist         = 'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=0'
                            } }
    'required'         = @{ Description = 'STARTTLS required: MAIL FROM before STARTTLS gets 530 5.7.0'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{ smtpd_tls_security_level = 'encrypt' } }
    'submission'       = @{ Description = 'port-587 style: AUTH PLAIN/LOGIN only after STARTTLS, relaying only when authenticated'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'; Sasl = $true
                            Settings = [ordered]@{
                                smtpd_sasl_auth_enable          = 'yes'
                                smtpd_sasl_type                 = 'cyrus'
                                smtpd_sasl_path                 = 'smtpd'
                                # Upstream Postfix reads smtpd.conf from here; Debian's ignores this and reads $config_directory/sasl.
                                cyrus_sasl_config_path          = '$config_directory/sasl'
                                smtpd_tls_auth_only             = 'yes'
                                smtpd_sasl_security_options     = 'noanonymous'
                                smtpd_sasl_tls_security_options = 'noanonymous'
                                smtpd_recipient_restrictions    = 'permit_sasl_authenticated, reject'
                            } }
}

#region Processes

function Start-NativeCommand {
    <#
    .SYNOPSIS
        Starts a program with stdin closed and stdout/stderr captured, so several can run at once.
    #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText
    )
    $info = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($info)
    if ($InputText) { $process.StandardInput.Write($InputText) }
    $process.StandardInput.Close()
    [pscustomobject]@{
        Process     = $process
        CommandLine = (@($FilePath) + $ArgumentList) -join ' '
        Output      = $process.StandardOutput.ReadToEndAsync()
        Error       = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-NativeCommand {
    <#
    .SYNOPSIS
        Waits for commands from Start-NativeCommand; throws with their output when one failed.
    #>
    param(
        [Parameter(Mandatory, ValueFromPipeline)] [psobject] $Command,
        [switch] $AllowFailure
    )
    process {
        $Command.Process.WaitForExit()
        $result = [pscustomobject]@{
            CommandLine = $Command.CommandLine
            ExitCode    = $Command.Process.ExitCode
            Output      = $Command.Output.Result
            Error       = $Command.Error.Result
        }
        $Command.Process.Dispose()
        if ($result.ExitCode -ne 0 -and -not $AllowFailure) {
            throw "'$($result.CommandLine)' failed with exit code $($result.ExitCode): $($result.Error)$($result.Output)"
        }
        $result
    }
}

function Invoke-NativeCommand {
    <#
    .SYNOPSIS
        Runs a program to completion; throws with its output when it fails.
    #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText
    )
    Start-NativeCommand -FilePath $FilePath -ArgumentList $ArgumentList -InputText $InputText | Wait-NativeCommand
}

function Find-NativeTool {
    <#
    .SYNOPSIS
        The full path of a program, also looking in the sbin directories a non-login PATH may lack.
    #>
    param([Parameter(Mandatory)] [string] $Name)
    $command = Get-Command -Name $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($directory in '/usr/sbin', '/sbin', '/usr/bin') {
        $candidate = Join-Path $directory $Name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $null
}

function Test-ProcessRunning {
    <#
    .SYNOPSIS
        Whether a process id is alive (not a zombie) and still runs the expected program.
    .DESCRIPTION
        Checks the command line so that a recycled process id is never taken for a bed process,
        and treats zombies as gone: a stopped daemon stays a zombie until init reaps it.
    #>
    param(
        [Parameter(Mandatory)] [int] $Id,
        [Parameter(Mandatory)] [string] $CommandPattern
    )
    try {
        $stat = [IO.File]::ReadAllText("/proc/$Id/stat")
        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        $commandLine = [IO.File]::ReadAllText("/proc/$Id/cmdline").Replace([char]0, ' ')
        $state -ne 'Z' -and $commandLine -match $CommandPattern
    }
    catch [IO.IOException], [UnauthorizedAccessException] {
        $false
    }
}

function Wait-ProcessExit {
    <#
    .SYNOPSIS
        Waits until none of the processes runs any more; kills the rest, with their children, at the deadline.
    #>
    param(
        [int[]] $Id = @(),
        [Parameter(Mandatory)] [string] $CommandPattern,
        [Parameter(Mandatory)] [TimeSpan] $Timeout
    )
    $deadline = [DateTime]::UtcNow + $Timeout
    $remaining = @($Id)
    while ($remaining.Count -gt 0) {
        $remaining = @($remaining | Where-Object { Test-ProcessRunning -Id $_ -CommandPattern $CommandPattern })
        if ($remaining.Count -eq 0) { return }
        if ([DateTime]::UtcNow -ge $deadline) { break }
        Start-Sleep -Milliseconds 50
    }
    foreach ($processId in $remaining) {
        Write-Warning "SmtpTls test bed: process $processId ($CommandPattern) did not stop in $($Timeout.TotalSeconds) s; killing it."
        try { [Diagnostics.Process]::GetProcessById($processId).Kill($true) }
        catch [ArgumentException], [InvalidOperationException] { }
    }
}

#endregion

#region Files and ports

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

#endregion

#region Certificates

function Initialize-TestBedPki {
    <#
    .SYNOPSIS
        Generates the private CA, intermediate and leaves with openssl, or reuses a recent cache.
    .DESCRIPTION
        Every certificate is issued with `openssl ca` and explicit start and end dates, which is
        how the expired and not-yet-valid leaves get their dates; root and intermediate are
        backdated so that they cover both.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $OpenSsl)

    $leaves = [ordered]@{
        'good'          = @{ Name = $script:ServerName; From = -1; To = 365 }
        'wrong-name'    = @{ Name = 'other.example.test'; From = -1; To = 365 }
        'expired'       = @{ Name = $script:ServerName; From = -730; To = -365 }
        'not-yet-valid' = @{ Name = $script:ServerName; From = 365; To = 730 }
    }
    $expected = @('root-ca.pem', 'intermediate-ca.pem', 'self-signed.pem', 'self-signed.key', 'unrelated.key') +
        @($leaves.Keys | ForEach-Object { "$_.pem"; "$_.key"; "$_-chain.pem" })
    $stampPath = Join-Path $Directory 'pki.json'
    if (Test-Path -LiteralPath $stampPath) {
        $stamp = Get-Content -LiteralPath $stampPath -Raw | ConvertFrom-Json
        $complete = -not ($expected | Where-Object { -not (Test-Path -LiteralPath (Join-Path $Directory $_)) })
        if ($complete -and $stamp.Version -eq $script:PkiVersion -and
            [DateTime]::UtcNow - [DateTime]$stamp.CreatedUtc -lt $script:PkiMaxAge) {
            return
        }
    }

    if (Test-Path -LiteralPath $Directory) { Remove-Item -LiteralPath $Directory -Recurse -Force }
    $database = Join-Path $Directory 'ca'
    New-BedDirectory $Directory, $database
    $null = New-Item -ItemType File -Path (Join-Path $database 'index.txt')
    # A random first serial: regenerated certificates never repeat an issuer/serial pair a client may have cached.
    Set-Content -LiteralPath (Join-Path $database 'serial') -Value ([Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(8)))
    $config = Join-Path $Directory 'ca.cnf'
    Set-Content -LiteralPath $config -Value @"
[ ca ]
default_ca = bed_ca

[ bed_ca ]
database        = $database/index.txt
serial          = $database/serial
new_certs_dir   = $database
default_md      = sha256
policy          = bed_policy
unique_subject  = no
copy_extensions = copy
email_in_dn     = no

[ bed_policy ]
organizationName = optional
commonName       = supplied

[ root_ca ]
basicConstraints     = critical, CA:true
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ intermediate_ca ]
basicConstraints       = critical, CA:true, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ server_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
"@

    # RSA key generation is the slow part: all keys at once. (Collected before waiting: in one
    # pipeline each start would wait for the previous key.)
    $keyNames = @('root-ca', 'intermediate-ca', 'self-signed', 'unrelated') + @($leaves.Keys)
    $generators = @($keyNames | ForEach-Object {
            Start-NativeCommand $OpenSsl 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', (Join-Path $Directory "$_.key")
        })
    $generators | Wait-NativeCommand | Out-Null

    $now = [DateTime]::UtcNow
    function Get-CertificateDate([int] $Days) { $now.AddDays($Days).ToString("yyyyMMddHHmmss'Z'", [Globalization.CultureInfo]::InvariantCulture) }
    function New-Certificate([string] $Name, [string] $Subject, [string] $Extensions, [int] $From, [int] $To, [string] $Issuer, [string] $AltName) {
        $key = Join-Path $Directory "$Name.key"
        $request = Join-Path $database "$Name.csr"
        $requestArguments = @('req', '-new', '-key', $key, '-subj', $Subject, '-out', $request)
        if ($AltName) { $requestArguments += '-addext', "subjectAltName=DNS:$AltName" }
        Invoke-NativeCommand $OpenSsl $requestArguments | Out-Null
        $signArguments = @('ca', '-batch', '-config', $config, '-notext', '-extensions', $Extensions,
            '-startdate', (Get-CertificateDate $From), '-enddate', (Get-CertificateDate $To),
            '-in', $request, '-out', (Join-Path $Directory "$Name.pem"))
        $signArguments += if ($Issuer) {
            '-cert', (Join-Path $Directory "$Issuer.pem"), '-keyfile', (Join-Path $Directory "$Issuer.key")
        }
        else {
            '-selfsign', '-keyfile', $key
        }
        Invoke-NativeCommand $OpenSsl $signArguments | Out-Null
    }

    New-Certificate 'root-ca' '/O=SmtpTls test bed/CN=SmtpTls Test Root CA' 'root_ca' -1100 3650
    New-Certificate 'intermediate-ca' '/O=SmtpTls test bed/CN=SmtpTls Test Intermediate CA' 'intermediate_ca' -1000 3000 -Issuer 'root-ca'
    $intermediate = Get-Content -LiteralPath (Join-Path $Directory 'intermediate-ca.pem') -Raw
    foreach ($leaf in $leaves.GetEnumerator()) {
        $spec = $leaf.Value
        New-Certificate $leaf.Key "/CN=$($spec.Name)" 'server_leaf' $spec.From $spec.To -Issuer 'intermediate-ca' -AltName $spec.Name
        $certificate = Get-Content -LiteralPath (Join-Path $Directory "$($leaf.Key).pem") -Raw
        Set-Content -LiteralPath (Join-Path $Directory "$($leaf.Key)-chain.pem") -Value ($certificate + $intermediate) -NoNewline
    }
    New-Certificate 'self-signed' "/CN=$($script:ServerName)" 'server_leaf' -1 365 -AltName $script:ServerName

    [ordered]@{ Version = $script:PkiVersion; CreatedUtc = $now.ToString('o') } | ConvertTo-Json |
        Set-Content -LiteralPath $stampPath
}

#endregion

#region Postfix

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
    if ($Definition.ContainsKey('Settings')) {
        foreach ($setting in $Definition.Settings.GetEnumerator()) { $settings[$setting.Key] = $setting.Value }
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

    [pscustomobject]@{
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
        [Parameter(Mandatory)] [TimeSpan] $Timeout
    )
    $deadline = [DateTime]::UtcNow + $Timeout
    $lastProblem = 'no connection attempt'
    while ([DateTime]::UtcNow -lt $deadline) {
        $client = [Net.Sockets.TcpClient]::new()
        $stream = $null
        try {
            if (-not $client.ConnectAsync('127.0.0.1', $Port).Wait(2000)) { throw 'connect timed out' }
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
    throw "no SMTP banner on 127.0.0.1:$Port within $($Timeout.TotalSeconds) s ($lastProblem)"
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

#endregion

#region Hostile server

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

#endregion

#region Public commands

function Get-SmtpTestBedPrerequisite {
    <#
    .SYNOPSIS
        Whether this machine and process can run the Postfix scenarios, and if not why.
    .DESCRIPTION
        Lets a test file decide at discovery time whether to skip Postfix tests, before any bed
        is started. The hostile servers need no prerequisite beyond the .NET SDK.
    .EXAMPLE
        (Get-SmtpTestBedPrerequisite).PostfixAvailable
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param()
    $problem = Get-PostfixPrerequisiteProblem
    [pscustomobject]@{ PostfixAvailable = -not $problem; Reason = [string]$problem }
}

function Start-SmtpTestBed {
    <#
    .SYNOPSIS
        Brings up the test bed: one Postfix instance per scenario and the hostile servers.
    .DESCRIPTION
        Stops a previous bed in the same root first. Builds the hostile server when its sources
        changed, generates (or reuses) the certificates, writes every instance's configuration on
        free loopback ports, starts the instances in parallel and waits until each one sends its
        banner. Writes <Root>/testbed.json and returns its content.

        Without root or without Postfix the Postfix scenarios are skipped with one warning, and
        the descriptor says so (Available = false, Reason); the hostile servers still run.
        When anything fails to come up, everything started is stopped again and the error carries
        postfix's own message and the instance's log tail.
    .PARAMETER Root
        The bed's work directory: descriptor, certificate cache, instances, logs.
    .PARAMETER Scenario
        The Postfix scenarios to start; all by default.
    .PARAMETER HostileLifetimeSeconds
        The hostile server stops by itself after this long, even if nobody stops the bed.
    .EXAMPLE
        $bed = Start-SmtpTestBed; $bed.Scenarios.good.Port
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [string] $Root = $script:DefaultRoot,
        [string[]] $Scenario = @($script:Scenarios.Keys),
        [ValidateRange(10, 86400)] [int] $HostileLifetimeSeconds = 3600
    )
    $Root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root)
    $unknown = @($Scenario | Where-Object { -not $script:Scenarios.Contains($_) })
    if ($unknown) { throw "Unknown scenario(s) $($unknown -join ', '); known: $($script:Scenarios.Keys -join ', ')." }
    $Scenario = @($Scenario | Select-Object -Unique)
    $clock = [Diagnostics.Stopwatch]::StartNew()

    Stop-SmtpTestBed -Root $Root
    Write-Verbose "previous bed stopped after $($clock.ElapsedMilliseconds) ms"
    New-BedDirectory $Root
    $hostileDirectory = Join-Path $Root 'hostile'
    try {
        # The build and the server's start-up overlap with the Postfix work below.
        $build = Start-HostileServerBuild
        $hostileId = if (-not $build) { Start-HostileServer -Directory $hostileDirectory -LifetimeSeconds $HostileLifetimeSeconds }

        $descriptor = [ordered]@{
            Available        = $false
            Reason           = ''
            Root             = $Root
            CaFile           = $null
            IntermediateFile = $null
            ServerName       = $script:ServerName
            Domain           = $script:Domain
            Scenarios        = [ordered]@{}
            Hostile          = [ordered]@{}
            Accounts         = [ordered]@{}
        }
        $instances = @()
        $problem = Get-PostfixPrerequisiteProblem
        if ($problem) {
            Write-Warning "SmtpTls test bed: Postfix scenarios skipped: $problem."
            $descriptor.Reason = $problem
        }
        else {
            $pki = Join-Path $Root 'pki'
            Initialize-TestBedPki -Directory $pki -OpenSsl (Find-NativeTool 'openssl')
            Write-Verbose "certificates ready after $($clock.ElapsedMilliseconds) ms"
            $instanceBase = Get-InstanceBase -Root $Root
            if (Test-Path -LiteralPath $instanceBase) { Remove-Item -LiteralPath $instanceBase -Recurse -Force }
            New-BedDirectory $instanceBase
            $password = [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(15)) -replace '[+/]', 'x'
            $account = [pscredential]::new("$($script:SubmissionUser)@$($script:Domain)", (ConvertTo-SecureString $password -AsPlainText -Force))
            $mailOwner = Get-UserId -Name 'nobody' -Fallback 65534
            $ports = @(Get-FreeTcpPort -Count $Scenario.Count)
            $instances = @(for ($i = 0; $i -lt $Scenario.Count; $i++) {
                    Write-PostfixInstance -Name $Scenario[$i] -Definition $script:Scenarios[$Scenario[$i]] `
                        -Directory (Join-Path $instanceBase $Scenario[$i]) -Port $ports[$i] -PkiDirectory $pki -MailOwner $mailOwner -Account $account
                })
            $chown = Find-NativeTool 'chown'
            Invoke-NativeCommand $chown (@('-R', 'postfix:') + $instances.PostfixOwned) | Out-Null
            Invoke-NativeCommand $chown (@('-R', "$($mailOwner.Uid):$($mailOwner.Gid)") + $instances.MailOwned) | Out-Null
            Write-Verbose "$($instances.Count) instances configured after $($clock.ElapsedMilliseconds) ms"
            $instances = @(Start-PostfixInstance -Instance $instances)

            $descriptor.Available = $true
            $descriptor.CaFile = Join-Path $pki 'root-ca.pem'
            $descriptor.IntermediateFile = Join-Path $pki 'intermediate-ca.pem'
            foreach ($instance in $instances) { $descriptor.Scenarios[$instance.Name] = $instance.Entry }
            if ($Scenario -contains 'submission') {
                $descriptor.Accounts.submission = [ordered]@{ UserName = $account.UserName; Password = $password }
            }
        }

        if ($build) {
            $build | Wait-NativeCommand | Out-Null
            $hostileId = Start-HostileServer -Directory $hostileDirectory -LifetimeSeconds $HostileLifetimeSeconds
        }
        if ($instances) {
            Wait-PostfixInstance -Instance $instances
            Write-Verbose "Postfix instances answering after $($clock.ElapsedMilliseconds) ms"
        }
        $descriptor.Hostile = Wait-HostileServer -Directory $hostileDirectory -ProcessId $hostileId
    }
    catch {
        # A half-started bed would leave daemons behind; the logs stay on disk.
        Stop-SmtpTestBed -Root $Root
        throw
    }

    $descriptorPath = Join-Path $Root 'testbed.json'
    $descriptor | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $descriptorPath
    Write-Verbose "SmtpTls test bed up in $($clock.ElapsedMilliseconds) ms: $descriptorPath"
    Get-SmtpTestBed -Root $Root
}

function Stop-SmtpTestBed {
    <#
    .SYNOPSIS
        Stops every Postfix instance and the hostile server of a bed and removes its descriptor.
    .DESCRIPTION
        Works from what is on disk (master pid files, the hostile server's pid file), so it also
        cleans up after a bed whose start failed halfway or whose descriptor is gone. Uses
        `postfix -c <dir> stop`, waits for the masters to be gone and kills what is left.
        Idempotent. Logs, queues and mail stay until the next start.
    .PARAMETER Root
        The bed's work directory.
    .EXAMPLE
        Stop-SmtpTestBed
    #>
    [CmdletBinding()]
    param([string] $Root = $script:DefaultRoot)
    $Root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Stop-PostfixInstance -InstanceBase (Get-InstanceBase -Root $Root)
    Write-Verbose "Postfix instances stopped after $($clock.ElapsedMilliseconds) ms"
    Stop-HostileServer -Directory (Join-Path $Root 'hostile')
    Write-Verbose "hostile server stopped after $($clock.ElapsedMilliseconds) ms"
    Remove-Item -LiteralPath (Join-Path $Root 'testbed.json') -Force -ErrorAction Ignore
}

function Get-SmtpTestBed {
    <#
    .SYNOPSIS
        Reads the descriptor of a running bed.
    .PARAMETER Root
        The bed's work directory. Without it: the descriptor named by $env:SMTPTLS_TESTBED, else the default root.
    .EXAMPLE
        (Get-SmtpTestBed).Scenarios.'broken-cert'.Port
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([string] $Root)
    $path = if ($Root) { Join-Path $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root) 'testbed.json' }
    elseif ($env:SMTPTLS_TESTBED) { $env:SMTPTLS_TESTBED }
    else { Join-Path $script:DefaultRoot 'testbed.json' }
    if (-not (Test-Path -LiteralPath $path)) { throw "No SmtpTls test bed descriptor at $path; run Start-SmtpTestBed first." }
    Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
}

function Get-ScenarioEntry {
    <#
    .SYNOPSIS
        One Postfix scenario of a running bed, or an error naming the ones that exist.
    #>
    param([Parameter(Mandatory)] [string] $Scenario, [string] $Root)
    $bed = Get-SmtpTestBed -Root $Root
    $entry = $bed.Scenarios.PSObject.Properties[$Scenario]
    if (-not $entry) {
        throw "The test bed has no Postfix scenario '$Scenario' (running: $(@($bed.Scenarios.PSObject.Properties.Name) -join ', '); $($bed.Reason))."
    }
    $entry.Value
}

function Get-SmtpTestBedMessage {
    <#
    .SYNOPSIS
        The messages delivered to a scenario's Maildir, oldest first.
    .DESCRIPTION
        Delivery is asynchronous: a message accepted with 250 reaches the Maildir a moment later.
        -TimeoutSeconds waits up to that long for at least one (matching) message.
    .PARAMETER Scenario
        The Postfix scenario, e.g. good.
    .PARAMETER MessageId
        Only the message with this Message-ID, with or without angle brackets.
    .PARAMETER TimeoutSeconds
        How long to wait for a (matching) message; 0 looks once.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Get-SmtpTestBedMessage -Scenario good -MessageId '<1234@smtptls.test>' -TimeoutSeconds 10
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)] [string] $Scenario,
        [string] $MessageId,
        [ValidateRange(0, 600)] [double] $TimeoutSeconds = 0,
        [string] $Root
    )
    $entry = Get-ScenarioEntry -Scenario $Scenario -Root $Root
    $wanted = if ($MessageId) { $MessageId.Trim().Trim('<', '>') }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $files = @(Get-ChildItem -LiteralPath (Join-Path $entry.Maildir 'new'), (Join-Path $entry.Maildir 'cur') -File -ErrorAction Ignore |
                Sort-Object LastWriteTimeUtc, Name)
        $messages = @($files | ForEach-Object { ConvertFrom-MaildirFile -Path $_.FullName -Scenario $Scenario } |
                Where-Object { -not $wanted -or ($_.MessageId -and $_.MessageId.Trim('<', '>') -ceq $wanted) })
        if ($messages.Count -gt 0 -or [DateTime]::UtcNow -ge $deadline) { return $messages }
        Start-Sleep -Milliseconds 100
    }
}

function ConvertFrom-MaildirFile {
    <#
    .SYNOPSIS
        Parses a delivered message: unfolded headers, the fields tests look for, the body.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Scenario)
    $text = [IO.File]::ReadAllText($Path)
    $separator = [regex]::Match($text, '\r?\n\r?\n')
    $headerText = if ($separator.Success) { $text.Substring(0, $separator.Index) } else { $text }
    $body = if ($separator.Success) { $text.Substring($separator.Index + $separator.Length) } else { '' }
    $headers = [ordered]@{}
    foreach ($line in ($headerText -replace '\r?\n[ \t]+', ' ') -split '\r?\n') {
        $name, $value = $line -split ':\s*', 2
        if ($null -eq $value) { continue }
        # Repeated headers (Received) keep their order, topmost first.
        if ($headers.Contains($name)) { $headers[$name] = @($headers[$name]) + $value } else { $headers[$name] = $value }
    }
    $first = { param($Name) $headers.Keys | Where-Object { $_ -eq $Name } | ForEach-Object { @($headers[$_])[0] } | Select-Object -First 1 }
    $received = & $first 'Received'
    [pscustomobject]@{
        PSTypeName  = 'SmtpTestBed.Message'
        Scenario    = $Scenario
        Path        = $Path
        QueueId     = if ($received -match '\(Postfix\) with \S+ id ([0-9A-Za-z]+)') { $Matches[1] } else { $null }
        MessageId   = & $first 'Message-ID'
        Subject     = & $first 'Subject'
        From        = & $first 'From'
        To          = & $first 'To'
        TlsProtocol = if ($received -match '\(using (TLSv[0-9.]+) ') { $Matches[1] } else { $null }
        Headers     = $headerText
        Body        = $body
    }
}

function Get-SmtpTestBedQueue {
    <#
    .SYNOPSIS
        The messages still in a scenario's queue (postqueue -j), one object per message.
    .DESCRIPTION
        Accepted mail normally leaves the queue within a second; anything here was deferred or
        is still being delivered. An empty result means an empty queue.
    .PARAMETER Scenario
        The Postfix scenario.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Get-SmtpTestBedQueue -Scenario good | Select-Object queue_id, sender, recipients
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([Parameter(Mandatory)] [string] $Scenario, [string] $Root)
    $entry = Get-ScenarioEntry -Scenario $Scenario -Root $Root
    $result = Invoke-NativeCommand (Find-NativeTool 'postqueue') '-c', $entry.ConfigDirectory, '-j'
    foreach ($line in $result.Output -split '\r?\n') {
        if ($line.Trim()) {
            $line | ConvertFrom-Json | Add-Member -NotePropertyName Scenario -NotePropertyValue $Scenario -PassThru
        }
    }
}

function Clear-SmtpTestBedMail {
    <#
    .SYNOPSIS
        Deletes delivered and queued mail of some or all scenarios.
    .PARAMETER Scenario
        The scenarios to clear; all running ones by default.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Clear-SmtpTestBedMail -Scenario good
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([string[]] $Scenario, [string] $Root)
    $bed = Get-SmtpTestBed -Root $Root
    if (-not $Scenario) { $Scenario = @($bed.Scenarios.PSObject.Properties.Name) }
    $postsuper = Find-NativeTool 'postsuper'
    foreach ($name in $Scenario) {
        $entry = Get-ScenarioEntry -Scenario $name -Root $Root
        if (-not $PSCmdlet.ShouldProcess($name, 'Delete delivered and queued mail')) { continue }
        Get-ChildItem -LiteralPath (Join-Path $entry.Maildir 'new'), (Join-Path $entry.Maildir 'cur'), (Join-Path $entry.Maildir 'tmp') -File -ErrorAction Ignore |
            Remove-Item -Force
        Invoke-NativeCommand $postsuper '-c', $entry.ConfigDirectory, '-d', 'ALL' | Out-Null
    }
}

#endregion

Export-ModuleMember -Function Start-SmtpTestBed, Stop-SmtpTestBed, Get-SmtpTestBed, Get-SmtpTestBedPrerequisite,
    Get-SmtpTestBedMessage, Get-SmtpTestBedQueue, Clear-SmtpTestBedMail
