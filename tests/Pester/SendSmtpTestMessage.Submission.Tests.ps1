# Send-SmtpTestMessage as mail is submitted from 2027 on, against real components: Postfix with
# Dovecot as its SASL provider (scenario oauth: PLAIN, LOGIN, OAUTHBEARER, XOAUTH2, JWTs validated
# locally by Dovecot's oauth2 passdb) and Postfix asking for TLS client certificates (scenario
# client-cert: relaying only for the known certificate's fingerprint). Every success is found in the
# Maildir, every refusal is proven absent from Maildir and queue, and no token, password or key shows
# up in the result, the transcript, -Verbose, the error or Export-Clixml.
# The tokens are minted here, with the RS256 key the bed generated for Dovecot. No server package here
# supports REQUIRETLS (Debian 12's Postfix is 3.7), so the scripted server (tests/SmtpTls.HostileServer,
# behaviours requiretls and requiretls-refused) advertises and checks it, over real TLS.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed -Scenario oauth, client-cert, client-cert-required, submission

    function Skip-WithoutPostfix {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)" }
        -not $Bed.Available
    }

    function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }

    function New-TestAccessToken {
        <# A JWT signed with the bed's RS256 key; claims start valid and each parameter spoils one. #>
        param([string] $Email, [string] $Scope, [int] $ExpiresInSeconds = 600, [string] $Issuer)
        $entry = $Bed.Scenarios.oauth
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $claims = [ordered]@{
            iss   = if ($Issuer) { $Issuer } else { $entry.OAuthIssuer }
            sub   = 'tester-object-id'
            aud   = 'smtptls-test-client'
            email = if ($Email) { $Email } else { $entry.UserName }
            scope = if ($Scope) { $Scope } else { $entry.OAuthScope }
            iat   = $now - 5
            exp   = $now + $ExpiresInSeconds
        }
        $header = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes((@{ alg = 'RS256'; typ = 'JWT'; kid = $entry.OAuthKeyId } | ConvertTo-Json -Compress)))
        $payload = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($claims | ConvertTo-Json -Compress)))
        $rsa = [Security.Cryptography.RSA]::Create()
        try {
            $rsa.ImportFromPem((Get-Content -LiteralPath $entry.OAuthSigningKey -Raw))
            $signature = $rsa.SignData([Text.Encoding]::ASCII.GetBytes("$header.$payload"), [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        }
        finally { $rsa.Dispose() }
        "$header.$payload.$(ConvertTo-Base64Url $signature)"
    }

    function Send-Scenario {
        <# Send-SmtpTestMessage to one scenario with the bed's CA and name; -Verbose lines and the error are collected too. #>
        [CmdletBinding()]
        param([string] $Scenario, [hashtable] $With = @{})
        $entry = $Bed.Scenarios.$Scenario
        $parameters = @{
            Server          = "$($entry.Address):$($entry.Port)"
            ServerName      = $entry.ServerName
            TrustedRootPath = $Bed.CaFile
            From            = 'tester@smtptls.test'
            To              = 'mailbox@smtptls.test'
            TimeoutSeconds  = 15
            Verbose         = $true
            ErrorAction     = 'SilentlyContinue'
            ErrorVariable   = 'sendErrors'
        }
        foreach ($key in $With.Keys) { $parameters[$key] = $With[$key] }
        $output = Send-SmtpTestMessage @parameters 4>&1
        [pscustomobject]@{
            Result  = @($output | Where-Object { $_.PSObject.TypeNames -like '*SmtpSendResult' })[0]
            Verbose = @($output | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Errors  = @($sendErrors)
        }
    }

    function Get-Delivered([string] $Scenario, [string] $MessageId, [double] $TimeoutSeconds = 10) {
        @(Get-SmtpTestBedMessage -Scenario $Scenario -MessageId $MessageId -TimeoutSeconds $TimeoutSeconds)
    }

    function Assert-NotDelivered([object] $Result, [string] $Scenario) {
        $Result.Accepted | Should -BeFalse
        Get-Delivered $Scenario $Result.MessageId 1.5 | Should -BeNullOrEmpty
        Get-SmtpTestBedQueue -Scenario $Scenario | Where-Object { $_.recipients.address -contains 'mailbox@smtptls.test' } | Should -BeNullOrEmpty
    }

    function Get-Base64([string] $Text) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }

    function Assert-NoSecret {
        <#
        Not the secret, nor its base64 at any of the three byte offsets, in the result's texts, the -Verbose
        lines, the error records, nor in the result as Export-Clixml writes it.
        #>
        param([object] $Sent, [string[]] $Secret)
        $file = Join-Path ([IO.Path]::GetTempPath()) "smtptls-noleak-$([guid]::NewGuid()).xml"
        try {
            $Sent.Result | Export-Clixml -LiteralPath $file -Depth 5
            $texts = @(
                Get-Content -LiteralPath $file -Raw
                $Sent.Result.Transcript
                $Sent.Result.ErrorMessage
                $Sent.Verbose
                $Sent.Errors | ForEach-Object { $_.ToString(); $_.Exception.Message; $_.ErrorDetails.Message; $_.ErrorDetails.RecommendedAction }
            ) | Where-Object { $_ }
        }
        finally { Remove-Item -LiteralPath $file -ErrorAction Ignore }
        foreach ($value in $Secret) {
            $forms = @($value)
            $bytes = [Text.Encoding]::UTF8.GetBytes($value)
            for ($skip = 0; $skip -lt 3; $skip++) {
                $whole = [Math]::Floor(($bytes.Length - $skip) / 3) * 3
                if ($whole -ge 6) { $forms += [Convert]::ToBase64String($bytes, $skip, $whole) }
            }
            foreach ($text in $texts) {
                foreach ($form in $forms) { $text.Contains($form) | Should -BeFalse -Because "no form of a secret may show ($($form.Substring(0, 6))...)" }
            }
        }
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Send-SmtpTestMessage -AccessToken against Postfix with Dovecot validating the JWT' -Tag 'Postfix', 'Dovecot' {
    It 'a valid token: OAUTHBEARER inside TLS, accepted, in the Maildir, and the token is nowhere in the output' {
        if (Skip-WithoutPostfix) { return }
        $token = New-TestAccessToken
        $sent = Send-Scenario oauth -With @{ UserName = $Bed.Scenarios.oauth.UserName; AccessToken = $token }

        $sent.Result.Accepted | Should -BeTrue -Because $sent.Result.ErrorMessage
        $sent.Result.Authenticated | Should -BeTrue
        $sent.Result.AuthenticationMechanism | Should -Be 'OAUTHBEARER'
        $sent.Result.Transcript | Should -Contain 'C: AUTH OAUTHBEARER ***'
        $sent.Result.Transcript | Should -Contain 'S: 235 2.7.0 Authentication successful'
        (Get-Delivered oauth $sent.Result.MessageId).Count | Should -Be 1
        $sent.Verbose | Should -Not -BeNullOrEmpty
        Assert-NoSecret $sent $token
    }

    It 'a valid token as a SecureString works the same' {
        if (Skip-WithoutPostfix) { return }
        $token = New-TestAccessToken
        $sent = Send-Scenario oauth -With @{ UserName = $Bed.Scenarios.oauth.UserName; AccessToken = (ConvertTo-SecureString $token -AsPlainText -Force) }

        $sent.Result.Accepted | Should -BeTrue -Because $sent.Result.ErrorMessage
        (Get-Delivered oauth $sent.Result.MessageId).Count | Should -Be 1
        Assert-NoSecret $sent $token
    }

    # Before the refused tokens: Dovecot's auth penalty grows with every failed login from 127.0.0.1 (2, 4, 8 ... s),
    # and after three of them a PLAIN login waits longer than Postfix waits for its SASL server (454 in CI).
    It 'the same password (PLAIN through Dovecot) still works, and leaves no trace of the password' {
        if (Skip-WithoutPostfix) { return }
        $credential = [pscredential]::new($Bed.Scenarios.oauth.UserName, (ConvertTo-SecureString $Bed.Scenarios.oauth.Password -AsPlainText -Force))
        $sent = Send-Scenario oauth -With @{ Credential = $credential }
        # The test before leaves a request pending at Dovecot until smtpd gives up on it; an smtpd
        # process reused afterwards may first answer "454 4.7.0 Temporary authentication failure:
        # Connection lost to authentication server" and reconnect. Transient by definition: once more.
        if (-not $sent.Result.Accepted -and "$($sent.Result.Reply)" -like '454 4.7.0 Temporary authentication failure*') {
            $sent = Send-Scenario oauth -With @{ Credential = $credential }
        }

        $sent.Result.Accepted | Should -BeTrue -Because $sent.Result.ErrorMessage
        (Get-Delivered oauth $sent.Result.MessageId).Count | Should -Be 1
        Assert-NoSecret $sent $Bed.Scenarios.oauth.Password
    }

    It '<Case> token: OAuthTokenRejected with the decoded status, nothing delivered, no leak' -ForEach @(
        @{ Case = 'an expired'; Token = @{ ExpiresInSeconds = -120 }; Log = 'Token has expired' }
        @{ Case = 'a wrong-audience (other scope)'; Token = @{ Scope = 'https://graph.smtptls.test/.default' }; Log = 'scope' }
        @{ Case = 'a wrong-user'; Token = @{ Email = 'someone-else@smtptls.test' }; Log = 'did not match' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $spoiled = New-TestAccessToken @Token
        $sent = Send-Scenario oauth -With @{ UserName = $Bed.Scenarios.oauth.UserName; AccessToken = $spoiled }

        $sent.Result.ErrorId | Should -Be 'OAuthTokenRejected'
        $sent.Result.Reply | Should -Match '^535 5\.7\.8 '
        $sent.Result.Transcript | Should -Contain '* The server''s OAuth error (334, decoded): {"status":"invalid_token"}'
        $sent.Result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        $sent.Result.Resolution.RuleId | Should -Be 'submission.oauth.invalid-token'
        $sent.Errors[0].FullyQualifiedErrorId | Should -BeLike 'OAuthTokenRejected,*'
        $sent.Errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        Assert-NotDelivered $sent.Result oauth
        Assert-NoSecret $sent $spoiled
        # Dovecot's own reason, proving which check refused the token.
        Get-Content -LiteralPath $Bed.Scenarios.oauth.DovecotLogFile -Raw | Should -Match ([regex]::Escape($Log))
    }

    It 'a token to a server without OAuth mechanisms: OAuthNotOffered, no AUTH sent' {
        if (Skip-WithoutPostfix) { return }
        $token = New-TestAccessToken
        $sent = Send-Scenario submission -With @{ UserName = $Bed.Scenarios.oauth.UserName; AccessToken = $token }

        $sent.Result.ErrorId | Should -Be 'OAuthNotOffered'
        $sent.Result.Transcript | Where-Object { $_ -like 'C: AUTH*' } | Should -BeNullOrEmpty
        Assert-NotDelivered $sent.Result submission
    }

    It '-AccessToken without -UserName is refused before anything is contacted' {
        { Send-SmtpTestMessage -Server 127.0.0.1:9 -From a@smtptls.test -To b@smtptls.test -AccessToken 'x.y.z' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UserNameMissing,SmtpTls.Commands.SendSmtpTestMessageCommand'
    }

    # Last in this block: Dovecot 2.3.19 leaves a foreign-issuer token unanswered, and the failed logins
    # before it have raised its auth penalty for 127.0.0.1.
    It 'a foreign-issuer token: Dovecot 2.3.19 never answers, Postfix gives up with a 454; nothing delivered, no leak' {
        # Measured: Dovecot 2.3.19.1 logs nothing and leaves the request pending when the issuer is not
        # in 'issuers'; smtpd gives up after its own timeout (454 4.7.0 Temporary authentication failure).
        if (Skip-WithoutPostfix) { return }
        $foreign = New-TestAccessToken -Issuer 'https://login.evil.example/'
        $sent = Send-Scenario oauth -With @{ UserName = $Bed.Scenarios.oauth.UserName; AccessToken = $foreign; TimeoutSeconds = 30 }

        $sent.Result.ErrorId | Should -Be 'OAuthTokenRejected'
        $sent.Result.Reply | Should -Match '^(454 4\.7\.0 Temporary authentication failure|535 5\.7\.8 )'
        $sent.Result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        Assert-NotDelivered $sent.Result oauth
        Assert-NoSecret $sent $foreign
    }
}

Describe 'Send-SmtpTestMessage -ClientCertificate against Postfix asking for client certificates' -Tag 'Postfix' {
    It 'the known certificate as <Form>: the server asked, the certificate went, the message is in the Maildir' -ForEach @(
        @{ Form = 'PFX with password'; Kind = 'Pfx' }
        @{ Form = 'PEM with its key'; Kind = 'Pem' }
        @{ Form = 'X509Certificate2 object'; Kind = 'Object' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.'client-cert'
        $with = switch ($Kind) {
            'Pfx' { @{ ClientCertificate = $entry.KnownClientPfx; ClientCertificatePassword = $entry.ClientCertificatePassword } }
            'Pem' { @{ ClientCertificate = $entry.KnownClientPem } }
            'Object' { @{ ClientCertificate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($entry.KnownClientPem) } }
        }
        $sent = Send-Scenario client-cert -With $with

        $sent.Result.Accepted | Should -BeTrue -Because $sent.Result.ErrorMessage
        $sent.Result.ClientCertificateRequested | Should -BeTrue
        $sent.Result.ClientCertificate | Should -BeLike 'CN=known-client.smtptls.test*'
        (Get-Delivered client-cert $sent.Result.MessageId).Count | Should -Be 1
        Assert-NoSecret $sent $entry.ClientCertificatePassword
        # The private key (its base64 body) is in no output.
        $keyBody = ((Get-Content -LiteralPath $entry.KnownClientPem -Raw) -split '-----BEGIN PRIVATE KEY-----')[1].Split('-----')[0] -replace '\s', ''
        Assert-NoSecret $sent $keyBody.Substring(0, 64)
    }

    It 'an unknown certificate and no certificate: refused at RCPT, nothing delivered' -ForEach @(
        @{ Case = 'unknown'; With = 'Unknown' }
        @{ Case = 'none'; With = $null }
    ) {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.'client-cert'
        $parameters = if ($With) { @{ ClientCertificate = $entry."${With}ClientPfx"; ClientCertificatePassword = $entry.ClientCertificatePassword } } else { @{} }
        $sent = Send-Scenario client-cert -With $parameters

        $sent.Result.ErrorId | Should -Be 'RecipientRejected'
        $sent.Result.Reply | Should -Match '^554 5\.7\.1 .*Access denied'
        $sent.Result.ClientCertificateRequested | Should -BeTrue
        Assert-NotDelivered $sent.Result client-cert
    }

    It 'a server that requires a certificate (smtpd_tls_req_ccert), none given: ClientCertificateRejected with Postfix''s 421, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $sent = Send-Scenario client-cert-required

        $sent.Result.ErrorId | Should -Be 'ClientCertificateRejected'
        $sent.Result.Reply | Should -Match '^421 4\.7\.1 .*No client certificate presented'
        $sent.Result.ClientCertificateRequested | Should -BeTrue
        $sent.Result.Resolution.RuleId | Should -Be 'submission.client-cert.required'
        $sent.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientCertificateRejected,*'
        Assert-NotDelivered $sent.Result client-cert-required
    }

    It 'a server that requires a certificate, the known one given: delivered' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.'client-cert-required'
        $sent = Send-Scenario client-cert-required -With @{ ClientCertificate = $entry.KnownClientPem }

        $sent.Result.Accepted | Should -BeTrue -Because $sent.Result.ErrorMessage
        (Get-Delivered client-cert-required $sent.Result.MessageId).Count | Should -Be 1
    }

    It 'a wrong PFX password is a clear error before anything is contacted' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.'client-cert'
        { Send-SmtpTestMessage -Server 127.0.0.1:9 -From a@smtptls.test -To b@smtptls.test -ClientCertificate $entry.KnownClientPfx -ClientCertificatePassword 'wrong' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClientCertificateInvalid,SmtpTls.Commands.SendSmtpTestMessageCommand'
    }

    It 'a certificate without its key is refused before anything is contacted' {
        if (Skip-WithoutPostfix) { return }
        $withoutKey = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.CaFile)
        { Send-SmtpTestMessage -Server 127.0.0.1:9 -From a@smtptls.test -To b@smtptls.test -ClientCertificate $withoutKey -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*has no private key*'
    }
}

Describe 'Test-SmtpTls reports client-certificate requests and typed extensions' -Tag 'Postfix' {
    It 'client-cert: the request and the CA name Postfix sent; oauth: no request' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.'client-cert'
        $asked = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile
        $asked.ClientCertificateRequested | Should -BeTrue
        $asked.ClientCertificateAuthorities | Should -Contain 'CN=SmtpTls Test Client CA, O=SmtpTls test bed'

        $oauth = $Bed.Scenarios.oauth
        $notAsked = Test-SmtpTls -Server "$($oauth.Address):$($oauth.Port)" -ServerName $oauth.ServerName -TrustedRootPath $Bed.CaFile
        $notAsked.ClientCertificateRequested | Should -BeFalse
        $notAsked.ClientCertificateAuthorities | Should -BeNullOrEmpty
    }

    It 'the EHLO after TLS of Debian''s Postfix 3.7 as typed flags: no REQUIRETLS, SIZE with its value' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.oauth
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile
        $result.Extensions | Should -Not -BeNullOrEmpty
        $result.Extensions.RequireTls | Should -BeFalse
        $result.Extensions.SmtpUtf8 | Should -BeTrue
        $result.Extensions.Chunking | Should -BeTrue
        $result.Extensions.EightBitMime | Should -BeTrue
        $result.Extensions.Pipelining | Should -BeTrue
        $result.Extensions.Size | Should -BeTrue
        $sizeLine = $result.CapabilitiesAfterTls | Where-Object { $_ -like 'SIZE *' }
        $result.Extensions.MaxMessageSize | Should -Be ([long]($sizeLine -split ' ')[1])
    }
}

Describe 'Send-SmtpTestMessage -RequireTls against a real server without REQUIRETLS' -Tag 'Postfix' {
    It 'Postfix 3.7 does not advertise REQUIRETLS: RequireTlsNotOffered, no MAIL FROM, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $sent = Send-Scenario client-cert -With @{ RequireTls = $true; ClientCertificate = $Bed.Scenarios.'client-cert'.KnownClientPem }

        $sent.Result.ErrorId | Should -Be 'RequireTlsNotOffered'
        $sent.Result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        $sent.Result.Resolution.RuleId | Should -Be 'submission.requiretls.not-advertised'
        $sent.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RequireTlsNotOffered,*'
        Assert-NotDelivered $sent.Result client-cert
    }
}

Describe 'REQUIRETLS against the scripted server that advertises and checks it' -Tag 'Scripted' {
    BeforeAll {
        # The scripted server's own self-signed certificate, trusted exactly.
        $script:HostileCertificate = Join-Path $Bed.Root 'hostile/tls-certificate.pem'
        function Send-Hostile([string] $Behaviour, [hashtable] $With = @{}) {
            $entry = $Bed.Hostile.$Behaviour
            $parameters = @{
                Server          = "$($entry.Address):$($entry.Port)"
                ServerName      = 'hostile.smtptls.test'
                TrustedRootPath = $HostileCertificate
                From            = 'tester@smtptls.test'
                To              = 'mailbox@smtptls.test'
                TimeoutSeconds  = 15
                ErrorAction     = 'SilentlyContinue'
            }
            foreach ($key in $With.Keys) { $parameters[$key] = $With[$key] }
            Send-SmtpTestMessage @parameters
        }
    }

    It 'Test-SmtpTls lists REQUIRETLS (only inside TLS) among the typed extensions' {
        $entry = $Bed.Hostile.requiretls
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName 'hostile.smtptls.test' -TrustedRootPath $HostileCertificate
        $result.TlsEstablished | Should -BeTrue
        $result.CapabilitiesBeforeTls | Should -Not -Contain 'REQUIRETLS'
        $result.Extensions.RequireTls | Should -BeTrue
        $result.Extensions.MaxMessageSize | Should -Be 10485760
        $result.Extensions.Chunking | Should -BeFalse
    }

    It '-RequireTls over verified TLS: MAIL FROM carries REQUIRETLS and the server confirms it saw it' {
        $result = Send-Hostile requiretls @{ RequireTls = $true }
        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.RequireTls | Should -BeTrue
        $result.Transcript | Where-Object { $_ -like 'C: MAIL FROM:<tester@smtptls.test>* REQUIRETLS' } | Should -HaveCount 1
        $result.Reply | Should -Match '^250 2\.0\.0 Ok: queued as RT[0-9A-F]{6} \(REQUIRETLS\)$'
    }

    It 'without -RequireTls the envelope has no REQUIRETLS' {
        $result = Send-Hostile requiretls
        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.RequireTls | Should -BeFalse
        $result.Reply | Should -BeLike '*(no REQUIRETLS)'
    }

    It 'a server that cannot keep the promise (550 5.7.30): RecipientRejected, no DATA, and the Resolution says REQUIRETLS' {
        $result = Send-Hostile requiretls-refused @{ RequireTls = $true }
        $result.ErrorId | Should -Be 'RecipientRejected'
        $result.Reply | Should -Be '550 5.7.30 REQUIRETLS support required'
        $result.Transcript | Should -Not -Contain 'C: DATA'
        $result.Resolution.Category | Should -Be 'TlsPolicyFailure'
        $result.Resolution.EnhancedStatusCode | Should -Be '5.7.30'
    }

    It '-RequireTls with an unverified certificate (-SkipCertificateValidation, not trusted): nothing sent' {
        $result = Send-Hostile requiretls @{ RequireTls = $true; TrustedRootPath = $Bed.CaFile; SkipCertificateValidation = $true; WarningAction = 'SilentlyContinue' }
        $result.ErrorId | Should -Be 'RequireTlsNotVerified'
        $result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        $result.Resolution.RuleId | Should -Be 'submission.requiretls.not-verified'
    }
}
