# Send-SmtpTestMessage against the test bed: real Postfix instances per TLS scenario. Runs against
# the published module ($env:SMTPTLS_MODULE) and the bed named by $env:SMTPTLS_TESTBED; without
# that variable the bed is started here and stopped afterwards. Every message is found again (or
# proven absent) in the scenario's Maildir by its Message-ID.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    # Also imports the bed's helpers (Get-SmtpTestBedMessage, ...); they read SMTPTLS_TESTBED.
    $script:Bed = Use-SmtpTestBed

    $script:From = 'sender@smtptls.test'
    $script:To = 'mailbox@smtptls.test'

    function Send-Scenario {
        <#
        Send-SmtpTestMessage to one Postfix scenario with the bed's CA and name; extra parameters pass
        through. An advanced function, so that -ErrorVariable/-WarningVariable on the call collect what
        the cmdlet writes.
        #>
        [CmdletBinding()]
        param([string] $Scenario, [hashtable] $With = @{})
        $entry = $Bed.Scenarios.$Scenario
        $parameters = @{
            Server          = "$($entry.Address):$($entry.Port)"
            ServerName      = $entry.ServerName
            TrustedRootPath = $Bed.CaFile
            From            = $From
            To              = $To
            TimeoutSeconds  = 10
        }
        foreach ($key in $With.Keys) { $parameters[$key] = $With[$key] }
        Send-SmtpTestMessage @parameters
    }

    function Get-Delivered([string] $Scenario, [string] $MessageId, [double] $TimeoutSeconds = 10) {
        @(Get-SmtpTestBedMessage -Scenario $Scenario -MessageId $MessageId -TimeoutSeconds $TimeoutSeconds)
    }

    function Assert-NothingSent([object] $Result, [string] $Scenario) {
        # Refused before the envelope: no MAIL FROM on the wire, and no message in the Maildir or the queue.
        $Result.Accepted | Should -BeFalse
        $Result.Transcript | Where-Object { $_ -like 'C: MAIL FROM*' } | Should -BeNullOrEmpty
        Get-Delivered $Scenario $Result.MessageId 1 | Should -BeNullOrEmpty
        Get-SmtpTestBedQueue -Scenario $Scenario | Where-Object { $_.recipients.address -contains $To } | Should -BeNullOrEmpty
    }

    function Skip-WithoutPostfix {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)" }
        -not $Bed.Available
    }

    function Get-Base64([string] $Text) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Send-SmtpTestMessage delivers under the default policy (TLS required)' -Tag 'Postfix' {
    It 'good: accepted over TLS, the queue ID is the one in the Maildir, and the message is really there' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario good

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.TlsEstablished | Should -BeTrue
        $result.Protocol | Should -BeIn 'Tls12', 'Tls13'
        $result.CipherSuite | Should -Not -BeNullOrEmpty
        $result.Certificate.IsValid | Should -BeTrue
        $result.Reply | Should -Match '^250 2\.0\.0 Ok: queued as [0-9A-Za-z]+$'
        $result.QueueId | Should -Not -BeNullOrEmpty
        $result.Reply | Should -BeLike "*queued as $($result.QueueId)"
        $result.Duration | Should -BeOfType [timespan]
        $result.Warnings | Should -BeNullOrEmpty

        $delivered = Get-Delivered good $result.MessageId
        $delivered.Count | Should -Be 1
        $delivered[0].QueueId | Should -BeExactly $result.QueueId
        $delivered[0].TlsProtocol | Should -Match '^TLSv1\.[23]$'
        $delivered[0].Subject | Should -BeLike "*$($result.TestId)*"
        $delivered[0].Body | Should -BeLike "*$($result.TestId)*"
        $delivered[0].Headers | Should -Match "X-SmtpTls-Test-Id: $($result.TestId)"
    }

    It 'good: the transcript records the dialogue but not the message content' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario good -With @{ Subject = 'Quarterly figures'; Body = 'confidential body text' }

        $result.Accepted | Should -BeTrue
        $result.Transcript | Should -Contain 'C: STARTTLS'
        $result.Transcript | Should -Contain "S: 250 2.0.0 Ok: queued as $($result.QueueId)"
        ($result.Transcript -join "`n") | Should -Not -Match 'confidential body text|Quarterly figures'
        $result.Transcript | Where-Object { $_ -like 'C: `[message content, * bytes, not recorded`]' } | Should -HaveCount 1
        (Get-Delivered good $result.MessageId)[0].Body | Should -Match 'confidential body text'
    }

    It 'implicit: -TlsMode Implicit delivers over TLS from the first byte' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario implicit -With @{ TlsMode = 'Implicit' }

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.TlsEstablished | Should -BeTrue
        $result.Transcript | Should -Not -Contain 'C: STARTTLS'
        (Get-Delivered implicit $result.MessageId).Count | Should -Be 1
    }
}

Describe 'Send-SmtpTestMessage never downgrades silently' -Tag 'Postfix' {
    It 'no-starttls with the default TlsMode: error resolving to TlsNotOffered, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario no-starttls -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TlsNotOffered,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failure[0].TargetObject | Should -BeLike '127.0.0.1:*'
        $failure[0].Exception.Result.ErrorId | Should -Be 'TlsNotOffered'
        $result.ErrorId | Should -Be 'TlsNotOffered'
        Assert-NothingSent $result no-starttls
        ($failure | Resolve-SmtpError).Category | Should -Be 'TlsNotOffered'
    }

    It 'broken-cert: the 454 to STARTTLS resolves to TlsNotAvailable, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario broken-cert -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TlsNotAvailable,*'
        $failure[0].Exception.Message | Should -BeLike '*454 4.7.0 TLS not available due to local problem*'
        $result.Reply | Should -Be '454 4.7.0 TLS not available due to local problem'
        Assert-NothingSent $result broken-cert
        ($failure | Resolve-SmtpError).Category | Should -Be 'TlsNotAvailable'
    }

    It '<Scenario>: an invalid certificate stops the send before MAIL FROM' -ForEach @(
        @{ Scenario = 'expired'; ErrorId = 'CertificateExpired' }
        @{ Scenario = 'wrong-name'; ErrorId = 'CertificateNameMismatch' }
        @{ Scenario = 'self-signed'; ErrorId = 'CertificateUntrusted' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario $Scenario -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failure[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $result.ErrorId | Should -Be $ErrorId
        $result.Certificate | Should -Not -BeNullOrEmpty
        $result.TlsEstablished | Should -BeFalse
        Assert-NothingSent $result $Scenario
    }

    It '<Scenario> with -SkipCertificateValidation: sent, with a warning that names the problem' -ForEach @(
        @{ Scenario = 'expired'; Problem = '*expired*' }
        @{ Scenario = 'wrong-name'; Problem = '*does not name mail.smtptls.test*' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario $Scenario -With @{ SkipCertificateValidation = $true } -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.CertificateValidationSkipped | Should -BeTrue
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike $Problem
        "$($warnings[0])" | Should -BeLike '*-SkipCertificateValidation*'
        (Get-Delivered $Scenario $result.MessageId).Count | Should -Be 1
    }

    It 'expired: -SkipCertificateValidation on one send does not carry over to the next one in the same session' {
        if (Skip-WithoutPostfix) { return }
        # A resumed TLS session must not skip the certificate check of a later, strict send.
        $skipped = Send-Scenario expired -With @{ SkipCertificateValidation = $true } -WarningAction SilentlyContinue
        $strict = Send-Scenario expired -ErrorAction SilentlyContinue -ErrorVariable failure

        $skipped.Accepted | Should -BeTrue
        $strict.Accepted | Should -BeFalse
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'CertificateExpired,*'
    }

    It 'no-starttls with -TlsMode Opportunistic: delivered in plaintext, with a warning' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario no-starttls -With @{ TlsMode = 'Opportunistic' } -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.TlsEstablished | Should -BeFalse
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike '*unencrypted*'
        (Get-Delivered no-starttls $result.MessageId).Count | Should -Be 1
    }

    It 'no-starttls with -Culture de-DE: the refusal, its resolution and the Opportunistic warning are German' {
        if (Skip-WithoutPostfix) { return }
        $refused = Send-Scenario no-starttls -With @{ Culture = 'de-DE' } -ErrorAction SilentlyContinue -ErrorVariable failure
        $refused.ErrorId | Should -Be 'TlsNotOffered'
        $refused.Resolution.Culture | Should -Be 'de-DE'
        $english = (Resolve-SmtpError -InputObject $refused.Resolution -Culture en-US).Summary
        $refused.Resolution.Summary | Should -Not -BeNullOrEmpty
        $refused.Resolution.Summary | Should -Not -Be $english
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TlsNotOffered,*'
        $failure[0].Exception.Message | Should -Be $refused.ErrorMessage

        $sent = Send-Scenario no-starttls -With @{ TlsMode = 'Opportunistic'; Culture = 'de-DE' } -WarningVariable warnings -WarningAction SilentlyContinue
        $sent.Accepted | Should -BeTrue -Because $sent.ErrorMessage
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike '*unverschlüsselt*'
    }

    It 'broken-cert with -TlsMode Opportunistic: the 454 is named in the warning, then sent in plaintext on a new connection' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario broken-cert -With @{ TlsMode = 'Opportunistic' } -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        "$($warnings[0])" | Should -BeLike '*454 4.7.0*'
        ($result.Transcript | Where-Object { $_ -like 'S: 220 *ESMTP*' }) | Should -HaveCount 2
        (Get-Delivered broken-cert $result.MessageId).Count | Should -Be 1
    }

    It 'required with -TlsMode None: the 530 "STARTTLS first" becomes TlsRequired, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario required -With @{ TlsMode = 'None' } -ErrorAction SilentlyContinue -ErrorVariable failure -WarningAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TlsRequired,*'
        $result.Reply | Should -Be '530 5.7.0 Must issue a STARTTLS command first'
        $result.Accepted | Should -BeFalse
        Get-Delivered required $result.MessageId 1 | Should -BeNullOrEmpty
    }
}

Describe 'Send-SmtpTestMessage with -Credential' -Tag 'Postfix' {
    BeforeAll {
        $script:Account = $Bed.Accounts.submission
        $script:Credential = if ($Account) { [pscredential]::new($Account.UserName, (ConvertTo-SecureString $Account.Password -AsPlainText -Force)) }
        $script:SecretForms = if ($Account) {
            @(
                $Account.Password
                Get-Base64 ("`0" + $Account.UserName + "`0" + $Account.Password)   # AUTH PLAIN
                Get-Base64 $Account.UserName                                         # AUTH LOGIN, first answer
                Get-Base64 $Account.Password                                         # AUTH LOGIN, second answer
            )
        }
    }

    It 'submission: authenticated over TLS and delivered; the transcript holds no form of the password' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario submission -With @{ Credential = $Credential; From = $Account.UserName }

        $result.Accepted | Should -BeTrue -Because $result.ErrorMessage
        $result.Authenticated | Should -BeTrue
        $result.TlsEstablished | Should -BeTrue
        $result.Transcript | Where-Object { $_ -match '^C: AUTH (PLAIN|LOGIN)' } | Should -Not -BeNullOrEmpty
        $text = $result.Transcript -join "`n"
        foreach ($secret in $SecretForms) {
            $text.Contains($secret) | Should -BeFalse -Because "the transcript must not contain '$secret'"
        }
        (Get-Delivered submission $result.MessageId).Count | Should -Be 1
    }

    It 'submission: a wrong password is AuthenticationFailed with the 535 reply, nothing delivered' {
        if (Skip-WithoutPostfix) { return }
        $wrong = [pscredential]::new($Account.UserName, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $result = Send-Scenario submission -With @{ Credential = $wrong; From = $Account.UserName } -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        $result.Reply | Should -BeLike '535 5.7.8*'
        ($result.Transcript -join "`n").Contains('not-the-password') | Should -BeFalse
        Assert-NothingSent $result submission
    }

    It '<Scenario> with -TlsMode None: refuses to send -Credential in plaintext' -ForEach @(
        @{ Scenario = 'no-starttls' }
        @{ Scenario = 'submission' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario $Scenario -With @{ TlsMode = 'None'; Credential = $Credential; From = $Account.UserName } -ErrorAction SilentlyContinue -ErrorVariable failure -WarningAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InsecureAuthenticationRefused,*'
        $result.Authenticated | Should -BeFalse
        $result.Transcript | Where-Object { $_ -like 'C: AUTH*' } | Should -BeNullOrEmpty
        Assert-NothingSent $result $Scenario
    }

    It 'no-starttls with -TlsMode None -AllowInsecureAuthentication: no longer refused by the policy, and warned' {
        if (Skip-WithoutPostfix) { return }
        $result = Send-Scenario no-starttls -With @{ TlsMode = 'None'; Credential = $Credential; From = $Account.UserName; AllowInsecureAuthentication = $true } -ErrorAction SilentlyContinue -ErrorVariable failure -WarningVariable warnings -WarningAction SilentlyContinue

        # This plaintext-only Postfix offers no AUTH at all: the attempt now fails at the server, not at the policy.
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationNotOffered,*'
        $warnings | Where-Object { "$_" -like '*-AllowInsecureAuthentication*' } | Should -HaveCount 1
        Assert-NothingSent $result no-starttls
    }
}

Describe 'Send-SmtpTestMessage -WhatIf and input checks' -Tag 'Unit' {
    BeforeAll {
        function Measure-Connection([scriptblock] $Action) {
            <# Runs $Action with a free loopback endpoint; returns its output (errors included) and how many connections arrived there. #>
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start()
            try {
                $output = @(& $Action "127.0.0.1:$($listener.LocalEndpoint.Port)" 2>&1)
                Start-Sleep -Milliseconds 200
                $count = 0
                while ($listener.Pending()) { $listener.AcceptTcpClient().Dispose(); $count++ }
                [pscustomobject]@{ Connections = $count; Output = $output }
            }
            finally { $listener.Stop() }
        }
    }

    It '-WhatIf connects to nothing and sends nothing' {
        $measured = Measure-Connection { param($Server) Send-SmtpTestMessage -Server $Server -From $From -To $To -WhatIf }
        $measured.Connections | Should -Be 0
        $measured.Output | Should -BeNullOrEmpty
    }

    It 'the connection counter does count (control: the same call without -WhatIf connects)' {
        $measured = Measure-Connection { param($Server) Send-SmtpTestMessage -Server $Server -From $From -To $To -TimeoutSeconds 1 }
        # The send, then one ClientHello asking whether the silent port expects implicit TLS (PortMismatch).
        $measured.Connections | Should -Be 2
        ($measured.Output | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
    }

    It 'an invalid address is a clear error, before anything is contacted' {
        $measured = Measure-Connection { param($Server) Send-SmtpTestMessage -Server $Server -From 'not an address' -To $To, 'two@example.org, three@example.org' }
        $measured.Connections | Should -Be 0
        $failure = @($measured.Output | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $failure | Should -HaveCount 2
        $measured.Output | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidAddress,*' }
        $failure[0].Exception.Message | Should -BeLike "*-From 'not an address'*"
        $failure[1].TargetObject | Should -Be 'two@example.org, three@example.org'
    }

    It '-Culture chooses the language of the error, the result''s message and its resolution, whatever the session''s' {
        $english = Send-SmtpTestMessage -Server '127.0.0.1:1' -From $From -To $To -TimeoutSeconds 2 -Culture en-US -ErrorAction SilentlyContinue -ErrorVariable englishFailure
        $german = Send-SmtpTestMessage -Server '127.0.0.1:1' -From $From -To $To -TimeoutSeconds 2 -Culture de-DE -ErrorAction SilentlyContinue -ErrorVariable germanFailure

        $english.ErrorId | Should -Be 'ConnectionFailed'
        $german.ErrorId | Should -Be 'ConnectionFailed'
        $english.ErrorMessage | Should -BeLike 'Cannot connect to 127.0.0.1:1*'
        $german.ErrorMessage | Should -BeLike 'Keine Verbindung zu 127.0.0.1:1*'
        $germanFailure[0].Exception.Message | Should -Be $german.ErrorMessage
        $germanFailure[0].FullyQualifiedErrorId | Should -Be $englishFailure[0].FullyQualifiedErrorId
        $english.Resolution.Culture | Should -Be 'en-US'
        $german.Resolution.Culture | Should -Be 'de-DE'
        $german.Resolution.Category | Should -Be $english.Resolution.Category
        $german.Resolution.Summary | Should -Not -Be $english.Resolution.Summary
    }

    It '-Culture de-DE also gives the input errors found before anything is contacted in German' {
        $measured = Measure-Connection { param($Server) Send-SmtpTestMessage -Server $Server -From 'not an address' -To $To -Culture de-DE }
        $measured.Connections | Should -Be 0
        $failure = @($measured.Output | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAddress,*'
        $failure[0].Exception.Message | Should -BeLike "*'not an address'*keine gültige Mailadresse*"
    }

    It 'the format view shows one line per attempt' {
        # A refused port gives a real result object without any mail server.
        $result = Send-SmtpTestMessage -Server '127.0.0.1:1' -From $From -To $To -TimeoutSeconds 2 -ErrorAction SilentlyContinue
        $table = $result | Format-Table | Out-String -Width 200
        $table | Should -Match 'Server\s+Port\s+Accepted'
        $table | Should -Match 'ConnectionFailed'
        ($result | Format-List | Out-String -Width 200) | Should -Match 'ErrorMessage\s+:\s+Cannot connect'
    }
}
