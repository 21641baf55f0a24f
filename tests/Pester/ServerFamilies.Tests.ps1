# The four cmdlets against the server families beside Postfix: Exim 4.96, OpenSMTPD 6.8 and Dovecot's
# submission server (tests/TestBed/Private/{Exim,OpenSmtpd,DovecotSubmission}.ps1), each in the scenario
# kinds it can express. Verdicts are held against ground truth taken at test time: openssl s_client per
# TLS version, swaks for what MAIL FROM/RCPT TO before STARTTLS get, the server's own logs and Maildirs.
# Tags: a Describe runs against all three families, so its cases count under each of them.

BeforeDiscovery {
    # (family, kind) pairs the bed runs; ServerFamilies.Tests checks this list against testbed.json.
    $script:Cases = @(
        foreach ($kind in 'good', 'expired', 'wrong-name', 'no-starttls', 'broken-cert', 'tls12', 'legacy', 'required-mail', 'required-rcpt', 'policy-mail', 'submission', 'implicit') {
            @{ Family = 'exim'; Kind = $kind }
        }
        foreach ($kind in 'tls-broken', 'no-starttls', 'required-mail') { @{ Family = 'opensmtpd'; Kind = $kind } }
        foreach ($kind in 'good', 'auth-required', 'expired', 'wrong-name', 'no-starttls', 'tls-broken', 'tls12', 'legacy', 'implicit') {
            @{ Family = 'dovecot'; Kind = $kind }
        }
    )
    $script:ByKind = { param([string[]] $Kind) $script:Cases | Where-Object { $Kind -contains $_.Kind } }
    $script:CertificateCases = & $ByKind 'good', 'expired', 'wrong-name', 'implicit', 'tls12'
    $script:VersionCases = & $ByKind 'good', 'tls12', 'legacy', 'tls-broken'
    $script:EnforcementCases = @(& $ByKind 'good', 'required-mail', 'required-rcpt', 'policy-mail', 'auth-required', 'submission', 'no-starttls', 'tls-broken' |
            Where-Object { -not ($_.Family -eq 'dovecot' -and $_.Kind -in 'no-starttls', 'tls-broken') })
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed
    $script:OpenSsl = (Get-Command openssl -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
    $script:Swaks = (Get-Command swaks -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source

    function Get-FamilyEntry([string] $Family, [string] $Kind) {
        $familyEntry = $Bed.PSObject.Properties['Families'] | ForEach-Object { $_.Value.PSObject.Properties[$Family] } | ForEach-Object Value
        if (-not $familyEntry -or -not $familyEntry.Available) { return $null }
        $familyEntry.Scenarios.PSObject.Properties[$Kind].Value
    }

    function Skip-WithoutFamily([string] $Family) {
        $familyEntry = $Bed.PSObject.Properties['Families'] | ForEach-Object { $_.Value.PSObject.Properties[$Family] } | ForEach-Object Value
        $reason = if (-not $Bed.Available) { "the bed is not running: $($Bed.Reason)" }
        elseif (-not $familyEntry) { "the bed has no $Family family" }
        elseif (-not $familyEntry.Available) { "the $Family family is not running: $($familyEntry.Reason)" }
        if ($reason) { Set-ItResult -Skipped -Because $reason }
        [bool]$reason
    }

    function Test-Family([string] $Family, [string] $Kind, [hashtable] $With = @{}) {
        $entry = Get-FamilyEntry $Family $Kind
        $mode = if ($entry.TlsMode -eq 'Implicit') { 'Implicit' } else { 'StartTls' }
        Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode $mode -TimeoutSeconds 10 @With
    }

    function Get-OpenSslVersions([psobject] $Entry) {
        <# Ground truth: the versions openssl s_client completes a handshake with, one at a time (SECLEVEL=0 for 1.0/1.1). #>
        foreach ($version in @{ Tls10 = '-tls1'; Tls11 = '-tls1_1'; Tls12 = '-tls1_2'; Tls13 = '-tls1_3' }.GetEnumerator()) {
            $arguments = @('s_client', '-connect', "$($Entry.Address):$($Entry.Port)", '-servername', $Entry.ServerName, $version.Value)
            if ($Entry.TlsMode -ne 'Implicit') { $arguments += '-starttls', 'smtp' }
            if ($version.Key -ne 'Tls13') { $arguments += '-cipher', 'DEFAULT:@SECLEVEL=0' }
            $output = '' | & $OpenSsl @arguments 2>&1 | Out-String
            if ($output -match 'Cipher is (?!\(NONE\))\S+' -and $output -notmatch 'alert|:error:') { $version.Key }
        }
    }

    function Get-SwaksOutcome([psobject] $Entry) {
        <# Ground truth for the enforcement check: what swaks gets for MAIL FROM:<> and RCPT TO postmaster before any TLS. #>
        $null = & $Swaks --server "$($Entry.Address):$($Entry.Port)" --from '<>' --to "postmaster@$($Bed.Domain)" --quit-after RCPT --helo client.smtptls.test 2>&1
        switch ($LASTEXITCODE) {
            0 { 'Accepted' }
            23 { 'MAIL FROM' }
            24 { 'RCPT TO' }
            default { "swaks exit $LASTEXITCODE" }
        }
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'The server families of the test bed' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    It '<Family>/<Kind> is running and described in testbed.json' -ForEach $Cases {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $entry | Should -Not -BeNullOrEmpty
        $entry.Family | Should -Be $Family
        $entry.Kind | Should -Be $Kind
        $entry.Product | Should -Match '^(Exim|OpenSMTPD|Dovecot) \d'
    }
}

Describe 'Test-SmtpTls on the server families' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    It '<Family>/<Kind>: certificate verdict from the presented leaf' -ForEach $CertificateCases {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $result = Test-Family $Family $Kind

        $result.TlsEstablished | Should -BeTrue -Because ($result.Findings | Out-String)
        $leaf = [Security.Cryptography.X509Certificates.X509Certificate2]::new($entry.LeafCertificateFile)
        $result.Certificate.Thumbprint | Should -Be $leaf.Thumbprint
        switch ($Kind) {
            'expired' { $result.Findings.Id | Should -Contain 'CertificateExpired' }
            'wrong-name' { $result.Findings.Id | Should -Contain 'CertificateNameMismatch'; $result.HostnameMatch | Should -BeFalse }
            default { $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String); $result.CertificateValid | Should -BeTrue }
        }
    }

    It '<Family>/<Kind>: no STARTTLS is TlsNotOffered' -ForEach (& $ByKind 'no-starttls') {
        if (Skip-WithoutFamily $Family) { return }
        $result = Test-Family $Family $Kind
        $result.StartTlsOffered | Should -BeFalse
        $result.Findings.Id | Should -Contain 'TlsNotOffered'
        $result.Resolution.Category | Should -Be 'TlsNotOffered'
    }

    It 'exim/broken-cert: 454 TLS currently unavailable is TlsNotAvailable' {
        if (Skip-WithoutFamily exim) { return }
        $result = Test-Family exim broken-cert
        $result.StartTlsReply | Should -BeLike '454 *'
        $result.Findings.Id | Should -Contain 'TlsNotAvailable'
        $result.Resolution.Category | Should -Be 'TlsNotAvailable'
    }

    It 'opensmtpd/tls-broken: alert internal_error after 220 is a server-side handshake failure' {
        if (Skip-WithoutFamily opensmtpd) { return }
        $result = Test-Family opensmtpd tls-broken
        $result.StartTlsReply | Should -BeLike '220 *'
        $result.TlsEstablished | Should -BeFalse
        $finding = $result.Findings | Where-Object Id -eq 'TlsHandshakeFailed'
        $finding.Message | Should -BeLike "*server's side*internal_error (80)*"
        $result.Resolution.RuleId | Should -Be 'handshake.server-alert-internal-error'
        $result.Resolution.Causes[0] | Should -BeLike "*server's own TLS software*"
        ($result.Resolution.Causes -join ' ') | Should -Not -BeLike '*no TLS version or cipher suite in common*'
    }

    It 'dovecot/tls-broken: a plaintext 421 or a close instead of the ServerHello is a server-side handshake failure' {
        if (Skip-WithoutFamily dovecot) { return }
        $result = Test-Family dovecot tls-broken
        $result.StartTlsReply | Should -BeLike '220 *'
        $finding = $result.Findings | Where-Object Id -eq 'TlsHandshakeFailed'
        # Dovecot writes "421 4.0.0 <host> TLS initialization failed." and closes; when the close resets the
        # connection before the client reads, the 421 is lost: either way the server's side failed.
        $finding.Message | Should -BeLike "*server's side*"
        $result.Resolution.RuleId | Should -Be 'handshake.server-closed-after-starttls'
        $result.Resolution.Causes[0] | Should -BeLike '*cannot use its private key or certificate*'
    }

    It '<Family>/<Kind>: -ProtocolScan accepts with a completing handshake exactly what openssl completes' -ForEach $VersionCases {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $truth = @(Get-OpenSslVersions $entry | Sort-Object)
        $result = Test-Family $Family $Kind -With @{ ProtocolScan = $true }
        $completing = @($result.SupportedProtocols | Where-Object { $_.Accepted -and $_.HandshakeCompletes } | ForEach-Object Protocol | Sort-Object)
        $completing | Should -Be $truth -Because ($result.SupportedProtocols | Out-String)
        if ($entry.Expect.PSObject.Properties['Versions']) { $truth | Should -Be @($entry.Expect.Versions | Sort-Object) }
    }

    It 'opensmtpd/tls-broken: -ProtocolScan tells a ServerHello without a possible handshake from an accepted version' {
        if (Skip-WithoutFamily opensmtpd) { return }
        $result = Test-Family opensmtpd tls-broken -With @{ ProtocolScan = $true }
        $helloOnly = @($result.SupportedProtocols | Where-Object { $_.Accepted -and $_.HandshakeCompletes -eq $false })
        $helloOnly.Protocol | Should -Contain 'Tls12'
        "$($helloOnly | Where-Object Protocol -eq 'Tls12')" | Should -Be 'Tls12=ServerHelloOnly'
        ($result.Transcript -join "`n") | Should -BeLike '*Tls12!*'
    }

    It '<Family>/legacy: TLS 1.0/1.1 only is TlsLegacyOnly, and the certificate is still read and analysed' -ForEach (& $ByKind 'legacy') {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $result = Test-Family $Family $Kind
        $result.Findings.Id | Should -Contain 'TlsLegacyOnly'
        $result.Findings.Id | Should -Contain 'CertificateWithoutHandshake'
        $result.Certificate.Thumbprint | Should -Be ([Security.Cryptography.X509Certificates.X509Certificate2]::new($entry.LeafCertificateFile)).Thumbprint
        $result.Certificate.ChainValid | Should -BeTrue
    }

    It '<Family>/implicit with -TlsMode StartTls: PortMismatch' -ForEach (& $ByKind 'implicit') {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode StartTls -TimeoutSeconds 10
        $result.Findings.Id | Should -Contain 'PortMismatch'
    }

    It '<Family>/<Kind>: AUTH only after STARTTLS' -ForEach @(@{ Family = 'exim'; Kind = 'submission' }; @{ Family = 'dovecot'; Kind = 'good' }) {
        if (Skip-WithoutFamily $Family) { return }
        $result = Test-Family $Family $Kind
        $result.AuthBeforeTls | Should -BeNullOrEmpty
        $result.AuthAfterTls | Should -Contain 'PLAIN'
        $result.Findings.Id | Should -Not -Contain 'AuthBeforeTls'
    }
}

Describe 'Test-SmtpTls -CheckEnforcement on the server families' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    It '<Family>/<Kind>: the verdict matches what swaks gets before STARTTLS and what the refusal means' -ForEach $EnforcementCases {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $truth = Get-SwaksOutcome $entry
        $result = Test-Family $Family $Kind -With @{ CheckEnforcement = $true }

        if ($truth -eq 'Accepted') {
            $result.Enforcement | Should -Be 'NotEnforced'
            $result.TlsEnforced | Should -BeFalse
            $result.Findings.Id | Should -Contain 'TlsNotEnforced'
        }
        else {
            $result.EnforcementStep | Should -Be $truth -Because "swaks was refused at $truth"
            $result.EnforcementReply | Should -Not -BeNullOrEmpty
        }
        if ($entry.Expect.PSObject.Properties['Enforcement']) {
            $result.Enforcement | Should -Be $entry.Expect.Enforcement -Because $result.EnforcementReply
            $expectedFinding = @{
                NotEnforced = 'TlsNotEnforced'; TlsRequired = 'TlsEnforced'; AuthenticationRequired = 'EnforcementAuthenticationRequired'
                RefusedOtherReason = 'EnforcementRefused'; RelayDenied = 'EnforcementRelayDenied'; Unknown = 'EnforcementUnknown'
            }[$entry.Expect.Enforcement]
            $result.Findings.Id | Should -Contain $expectedFinding
            $result.TlsEnforced | Should -Be $(switch ($entry.Expect.Enforcement) { 'TlsRequired' { $true } 'NotEnforced' { $false } default { $null } })
        }
        # Never DATA: the check asks and resets.
        $result.Transcript | Where-Object { $_ -match '^C: DATA' } | Should -BeNullOrEmpty
        $result.Transcript | Where-Object { $_ -match '^C: RSET' } | Should -Not -BeNullOrEmpty
    }

    It 'exim/required-rcpt: MAIL FROM is accepted and RCPT TO postmaster is refused: TLS is enforced at RCPT' {
        if (Skip-WithoutFamily exim) { return }
        $result = Test-Family exim required-rcpt -With @{ CheckEnforcement = $true }
        $result.Transcript | Where-Object { $_ -like "C: RCPT TO:<postmaster@$($Bed.Domain)>" } | Should -HaveCount 1
        $result.EnforcementStep | Should -Be 'RCPT TO'
        $result.EnforcementReply | Should -Be '550 STARTTLS required'
        $result.TlsEnforced | Should -BeTrue
    }

    It 'exim/good with -EnforcementDomain of a foreign domain: relaying refused, so enforcement is unknown' {
        if (Skip-WithoutFamily exim) { return }
        $result = Test-Family exim good -With @{ CheckEnforcement = $true; EnforcementDomain = 'elsewhere.example' }
        $result.EnforcementRecipient | Should -Be 'postmaster@elsewhere.example'
        $result.Enforcement | Should -Be 'RelayDenied'
        $result.TlsEnforced | Should -BeNullOrEmpty
        $result.Findings.Id | Should -Contain 'EnforcementRelayDenied'
    }

    It '-EnforcementDomain that is no domain name is refused before anything is sent' {
        { Test-SmtpTls -Server 127.0.0.1:1 -CheckEnforcement -EnforcementDomain "x>`r`nDATA" -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEnforcementDomain,*'
    }
}

Describe 'Get-SmtpCertificate on the server families' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    It '<Family>/<Kind>: the presented leaf' -ForEach (& $ByKind 'good', 'expired', 'wrong-name', 'implicit', 'legacy') {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $mode = if ($entry.TlsMode -eq 'Implicit') { 'Implicit' } else { 'StartTls' }
        $certificate = Get-SmtpCertificate -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode $mode -TimeoutSeconds 10
        $certificate.Thumbprint | Should -Be ([Security.Cryptography.X509Certificates.X509Certificate2]::new($entry.LeafCertificateFile)).Thumbprint
        $certificate.IsExpired | Should -Be ($Kind -eq 'expired')
    }

    It '<Family>/<Kind>: no certificate is an error whose message Resolve-SmtpError reads' -ForEach (& $ByKind 'tls-broken', 'no-starttls', 'broken-cert') {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $null = Get-SmtpCertificate -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TimeoutSeconds 10 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure | Should -HaveCount 1
        $resolution = $failure[0] | Resolve-SmtpError
        $resolution.Category | Should -BeIn 'TlsHandshakeFailed', 'TlsNotOffered', 'TlsNotAvailable'
    }
}

Describe 'Send-SmtpTestMessage on the server families' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    BeforeAll {
        function Get-Credential([string] $Family) {
            $account = ($Bed.Families.PSObject.Properties[$Family].Value).Account
            [pscredential]::new($account.UserName, (ConvertTo-SecureString $account.Password -AsPlainText -Force))
        }
        function Get-MaildirMessage([string] $Maildir, [string] $MessageId, [double] $TimeoutSeconds = 10) {
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
            $id = $MessageId.Trim('<', '>')
            do {
                $found = @(Get-ChildItem -LiteralPath (Join-Path $Maildir 'new') -File -ErrorAction Ignore | Where-Object { (Get-Content -LiteralPath $_.FullName -Raw).Contains($id) })
                if ($found) { return $found }
                Start-Sleep -Milliseconds 100
            } while ([DateTime]::UtcNow -lt $deadline)
            @()
        }
    }

    It 'exim/good: delivered over TLS into the Exim Maildir' {
        if (Skip-WithoutFamily exim) { return }
        $entry = Get-FamilyEntry exim good
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -From "sender@$($Bed.Domain)" -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 10
        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.TlsEstablished | Should -BeTrue
        Get-MaildirMessage $entry.Maildir $result.MessageId | Should -HaveCount 1
    }

    It '<Family>/<Kind>: authenticated submission over STARTTLS is accepted' -ForEach @(@{ Family = 'exim'; Kind = 'submission' }; @{ Family = 'dovecot'; Kind = 'good' }) {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $credential = Get-Credential $Family
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -Credential $credential -From $credential.UserName -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 10
        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.Authenticated | Should -BeTrue
        if ($entry.Maildir) { Get-MaildirMessage $entry.Maildir $result.MessageId | Should -HaveCount 1 }
    }

    It 'exim/submission: a wrong password is exactly one failed login (one AUTH, one authenticator failure in the log)' {
        if (Skip-WithoutFamily exim) { return }
        $entry = Get-FamilyEntry exim submission
        $account = (Get-Credential exim).UserName
        $before = @(Select-String -LiteralPath $entry.LogFile -Pattern 'authenticator failed' -ErrorAction Ignore).Count
        $wrong = [pscredential]::new($account, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -Credential $wrong -From $account -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 10 -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        @($result.Transcript | Where-Object { $_ -match '^C: AUTH ' }) | Should -HaveCount 1
        $result.AuthenticationMechanism | Should -BeIn 'PLAIN', 'LOGIN'
        # Exim writes the failure to its main log as the session ends.
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        do {
            $after = @(Select-String -LiteralPath $entry.LogFile -Pattern 'authenticator failed' -ErrorAction Ignore).Count
            if ($after -gt $before) { break }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        $after - $before | Should -Be 1
    }

    It '<Family>/implicit with -TlsMode StartTls: PortMismatch, not a timeout' -ForEach (& $ByKind 'implicit') {
        if (Skip-WithoutFamily $Family) { return }
        $entry = Get-FamilyEntry $Family $Kind
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode StartTls -From "sender@$($Bed.Domain)" -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 3 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'PortMismatch,*'
        $result.Accepted | Should -BeFalse
        $result.ErrorId | Should -Be 'PortMismatch'
        $result.Resolution.RuleId | Should -Be 'starttls.module.implicit-tls-port'
    }

    It 'exim/good with -TlsMode Implicit: PortMismatch that quotes the plaintext greeting' {
        if (Skip-WithoutFamily exim) { return }
        $entry = Get-FamilyEntry exim good
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode Implicit -From "sender@$($Bed.Domain)" -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 5 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'PortMismatch,*'
        "$($failure[0])" | Should -BeLike '*220 *ESMTP Exim*'
        $result.Accepted | Should -BeFalse
    }

    It 'opensmtpd/tls-broken: refused under the default policy with the server-side handshake failure, nothing sent' {
        if (Skip-WithoutFamily opensmtpd) { return }
        $entry = Get-FamilyEntry opensmtpd tls-broken
        $result = Send-SmtpTestMessage -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -From "sender@$($Bed.Domain)" -To "mailbox@$($Bed.Domain)" -TimeoutSeconds 10 -ErrorAction SilentlyContinue -ErrorVariable failure
        $result.Accepted | Should -BeFalse
        $result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        ($failure[0] | Resolve-SmtpError).Category | Should -Be 'TlsHandshakeFailed'
    }
}

Describe 'Resolve-SmtpError on what the families answer' -Tag 'Exim', 'OpenSmtpd', 'Dovecot' {
    It '<Family>/<Kind>: the reply that refused mail before STARTTLS resolves to <Category>' -ForEach @(
        @{ Family = 'exim'; Kind = 'broken-cert'; Category = 'TlsNotAvailable'; Property = 'StartTlsReply' }
        @{ Family = 'opensmtpd'; Kind = 'required-mail'; Category = 'TlsRequired'; Property = 'EnforcementReply' }
        @{ Family = 'dovecot'; Kind = 'good'; Category = 'TlsRequired'; Property = 'EnforcementReply' }
        @{ Family = 'dovecot'; Kind = 'auth-required'; Category = 'AuthenticationFailed'; Property = 'EnforcementReply' }
        @{ Family = 'exim'; Kind = 'policy-mail'; Category = 'PolicyRejected'; Property = 'EnforcementReply' }
    ) {
        if (Skip-WithoutFamily $Family) { return }
        $result = Test-Family $Family $Kind -With @{ CheckEnforcement = $true }
        $text = $result.$Property
        $text | Should -Not -BeNullOrEmpty
        (Resolve-SmtpError $text).Category | Should -Be $Category -Because $text
    }
}
