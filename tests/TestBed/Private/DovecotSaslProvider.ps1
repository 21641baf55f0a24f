# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
<#
    Dovecot (Debian dovecot-core) as the SASL provider of a Postfix scenario (smtpd_sasl_type =
    dovecot): an auth-only Dovecot instance per scenario, with its own base_dir, state, log and
    socket below the scenario's directory, named 'smtptls-sasl-<scenario>' so that it is never
    mistaken for the Dovecot submission server of the server-family scenarios.

    It offers PLAIN and LOGIN (a passwd-file with the bed's account) and OAUTHBEARER and XOAUTH2
    (Dovecot's oauth2 passdb, validating JWTs locally: introspection_mode = local, the RS256
    public key in a dict of files). The tests hold the private key and mint their own tokens.
#>

# The claims a valid token must carry; the tests mint valid and invalid ones against these.
$script:OAuthIssuer = 'https://login.smtptls.test/'
$script:OAuthScope = 'https://mail.smtptls.test/SMTP.Send'
$script:OAuthKeyId = 'smtptls-bed'

function Get-DovecotSaslPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the Dovecot SASL provider cannot run here, or $null when it can.
    #>
    if (-not (Find-NativeTool 'dovecot')) { return "'dovecot' is not installed (Debian package dovecot-core, tests/packages.txt)" }
    $null
}

function Initialize-DovecotSaslProvider {
    <#
    .SYNOPSIS
        Writes and starts the Dovecot auth instance of one Postfix scenario (a scenario's Companion).
    .OUTPUTS
        PostfixOwned (paths Postfix must own: none) and Entry (what the tests need, for the descriptor).
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Etc,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account
    )
    $problem = Get-DovecotSaslPrerequisiteProblem
    if ($problem) { throw "Scenario '$(Split-Path -Leaf $Directory)' needs Dovecot: $problem." }
    $name = Split-Path -Leaf $Directory
    $base = Join-Path $Directory 'dovecot-sasl'
    $run = Join-Path $base 'run'
    $state = Join-Path $base 'state'
    $keys = Join-Path $base 'keys'
    $keyFolder = Join-Path $keys "default/RS256"
    New-BedDirectory $base, $run, $state, $keys, (Join-Path $keys 'default'), $keyFolder

    # The signing key: its public half is what Dovecot trusts (file name = the JWT's kid), the
    # private half is for the tests to mint tokens with.
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    try {
        Set-Content -LiteralPath (Join-Path $keyFolder $script:OAuthKeyId) -Value $rsa.ExportSubjectPublicKeyInfoPem()
        $signingKeyFile = Join-Path $base 'jwt-signing.key'
        Set-Content -LiteralPath $signingKeyFile -Value $rsa.ExportPkcs8PrivateKeyPem()
        [IO.File]::SetUnixFileMode($signingKeyFile, [IO.UnixFileMode]'UserRead, UserWrite')
    }
    finally { $rsa.Dispose() }

    $users = Join-Path $base 'users'
    # passwd-file with a PLAIN scheme: the bed's account, readable only by the auth process's user (dovecot).
    Set-Content -LiteralPath $users -Value "$($Account.UserName):{PLAIN}$($Account.GetNetworkCredential().Password)"
    [IO.File]::SetUnixFileMode($users, [IO.UnixFileMode]'UserRead, UserWrite')
    Invoke-NativeCommand (Find-NativeTool 'chown') 'dovecot:', $users | Out-Null

    $oauthConfig = Join-Path $base 'oauth2.conf.ext'
    Set-Content -LiteralPath $oauthConfig -Value @(
        'introspection_mode = local'
        "local_validation_key_dict = fs:posix:prefix=$keys/"
        # The SASL user name must equal the token's email claim (Dovecot: "Username ... did not match").
        'username_attribute = email'
        # Checked against the token's scope claim, else its aud claim.
        "scope = $script:OAuthScope"
        "issuers = $script:OAuthIssuer"
    )
    $config = Join-Path $base 'dovecot.conf'
    Set-Content -LiteralPath $config -Value @"
# Auth-only Dovecot for the SmtpTls test bed scenario '$name' (Postfix SASL provider); no mail protocols.
base_dir = $run
state_dir = $state
instance_name = smtptls-sasl-$name
protocols =
log_path = $(Join-Path $base 'dovecot.log')
auth_verbose = yes
ssl = no
# Postfix offers AUTH only inside TLS (smtpd_tls_auth_only); Dovecot cannot see that TLS itself.
disable_plaintext_auth = no
auth_mechanisms = plain login oauthbearer xoauth2
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN $users
  mechanisms = plain login
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $oauthConfig
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
"@
    # Through sh with its output in a file: the daemon inherits stdout and stderr, and a pipe it keeps open
    # would never reach end-of-file for Wait-NativeCommand.
    $startLog = Join-Path $base 'start.log'
    $start = Start-NativeCommand (Find-NativeTool 'sh') '-c', 'exec "$1" -c "$2" </dev/null >"$3" 2>&1', 'sh', (Find-NativeTool 'dovecot'), $config, $startLog |
        Wait-NativeCommand -AllowFailure
    if ($start.ExitCode -ne 0) {
        throw "Dovecot for scenario '$name' did not start (exit $($start.ExitCode)): $(Get-Content -LiteralPath $startLog -Raw -ErrorAction Ignore)"
    }
    $socket = Join-Path $run 'auth-postfix'
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not (Test-Path -LiteralPath $socket)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Dovecot for scenario '$name' did not create $socket; log: $(Join-Path $base 'dovecot.log')" }
        Start-Sleep -Milliseconds 50
    }

    [pscustomobject]@{
        PostfixOwned = @()
        Settings     = [ordered]@{ smtpd_sasl_path = $socket }
        Entry        = [ordered]@{
            SaslProvider     = 'Dovecot'
            DovecotLogFile   = Join-Path $base 'dovecot.log'
            UserName         = $Account.UserName
            Password         = $Account.GetNetworkCredential().Password
            OAuthSigningKey  = $signingKeyFile
            OAuthKeyId       = $script:OAuthKeyId
            OAuthIssuer      = $script:OAuthIssuer
            OAuthScope       = $script:OAuthScope
        }
    }
}

function Stop-DovecotSaslProvider {
    <#
    .SYNOPSIS
        Stops every Dovecot SASL instance below a bed's instance directory (by its master pid file).
    #>
    param([Parameter(Mandatory)] [string] $InstanceBase)
    if (-not (Test-Path -LiteralPath $InstanceBase)) { return }
    $running = foreach ($directory in Get-ChildItem -LiteralPath $InstanceBase -Directory) {
        $pidFile = Join-Path $directory.FullName 'dovecot-sasl/run/master.pid'
        if (-not (Test-Path -LiteralPath $pidFile)) { continue }
        $text = (Get-Content -LiteralPath $pidFile -Raw -ErrorAction Ignore)
        if ($text -and $text.Trim() -match '^\d+$' -and (Test-ProcessRunning -Id $text.Trim() -CommandPattern 'dovecot')) {
            [int]$text.Trim()
        }
    }
    if (-not $running) { return }
    # SIGTERM: the master stops its auth and log children and removes its sockets.
    @($running | ForEach-Object { Start-NativeCommand (Find-NativeTool 'kill') '-TERM', "$_" }) | Wait-NativeCommand -AllowFailure | Out-Null
    Wait-ProcessExit -Id $running -CommandPattern 'dovecot' -Timeout ([TimeSpan]::FromSeconds(10))
}
