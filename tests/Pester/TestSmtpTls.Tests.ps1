# Test-SmtpTls against the test bed: real Postfix instances per TLS scenario and the scripted hostile
# servers. Runs against the published module ($env:SMTPTLS_MODULE) and the bed named by
# $env:SMTPTLS_TESTBED; without that variable the bed is started here and stopped afterwards.

BeforeDiscovery {
    # name = expected finding; each hostile server must end in its finding within the timeout.
    $script:HostileCases = @(
        @{ Name = 'tarpit'; Finding = 'Timeout' }
        @{ Name = 'close-after-banner'; Finding = 'ConnectionFailed' }
        @{ Name = 'close-in-handshake'; Finding = 'TlsHandshakeFailed' }
        @{ Name = 'garbage-banner'; Finding = 'NotSmtp' }
        @{ Name = 'http'; Finding = 'NotSmtp' }
        @{ Name = 'long-line'; Finding = 'NotSmtp' }
        @{ Name = 'ehlo-flood'; Finding = 'NotSmtp' }
        @{ Name = 'banner-421'; Finding = 'ConnectionFailed' }
        @{ Name = 'ehlo-421'; Finding = 'ConnectionFailed' }
        @{ Name = 'starttls-421'; Finding = 'ConnectionFailed' }
        @{ Name = 'starttls-silent'; Finding = 'Timeout' }
        @{ Name = 'starttls-454'; Finding = 'TlsNotAvailable' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed

    function Get-Endpoint([string] $Scenario) {
        $entry = $Bed.Scenarios.$Scenario
        "$($entry.Address):$($entry.Port)"
    }

    function Test-Scenario {
        <# Test-SmtpTls on one Postfix scenario with the bed's CA and name; extra parameters pass through. #>
        param([string] $Scenario, [hashtable] $With = @{})
        $entry = $Bed.Scenarios.$Scenario
        Test-SmtpTls -Server (Get-Endpoint $Scenario) -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TimeoutSeconds 10 @With
    }

    function Skip-WithoutPostfix {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)" }
        -not $Bed.Available
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Test-SmtpTls on the Postfix scenarios' -Tag 'Postfix' {
    It 'good: Passed with TLS 1.2/1.3, a valid chain through -TrustedRootPath and a matching name' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario good
        $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String)
        $result.TlsEstablished | Should -BeTrue
        $result.Protocol | Should -BeIn 'Tls12', 'Tls13'
        $result.CipherSuite | Should -Not -BeNullOrEmpty
        $result.Certificate.ChainValid | Should -BeTrue
        $result.CertificateValid | Should -BeTrue
        $result.HostnameMatch | Should -BeTrue
        $result.PresentedChain.Count | Should -BeGreaterOrEqual 2
        $result.Findings | Should -BeNullOrEmpty
        $result.Resolution | Should -BeNullOrEmpty
    }

    It 'good without -TrustedRootPath: the private CA is untrusted' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.good
        $result = Test-SmtpTls -Server (Get-Endpoint good) -ServerName $entry.ServerName
        $result.Status | Should -Be 'Failed'
        $result.Findings.Id | Should -Contain 'CertificateUntrusted'
    }

    It '<_>: STARTTLS offered, refused with 454, TlsNotAvailable with its resolution' -ForEach 'broken-cert', 'broken-missing' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario $_
        $result.StartTlsOffered | Should -BeTrue
        $result.TlsEstablished | Should -BeFalse
        $result.StartTlsReply | Should -BeLike '454*'
        $result.Findings.Id | Should -Contain 'TlsNotAvailable'
        $result.Resolution.Category | Should -Be 'TlsNotAvailable'
        $result.Status | Should -Be 'Failed'
    }

    It 'no-starttls: TlsNotOffered' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario no-starttls
        $result.StartTlsOffered | Should -BeFalse
        $result.Findings.Id | Should -Contain 'TlsNotOffered'
        $result.Status | Should -Be 'Failed'
        $result.Resolution | Should -Not -BeNullOrEmpty
    }

    It '<Scenario>: <Finding>' -ForEach @(
        @{ Scenario = 'expired'; Finding = 'CertificateExpired' }
        @{ Scenario = 'not-yet-valid'; Finding = 'CertificateNotYetValid' }
        @{ Scenario = 'wrong-name'; Finding = 'CertificateNameMismatch' }
        @{ Scenario = 'self-signed'; Finding = 'CertificateUntrusted' }
        @{ Scenario = 'incomplete-chain'; Finding = 'IncompleteChain' }
    ) {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario $Scenario
        $result.TlsEstablished | Should -BeTrue
        $result.Findings.Id | Should -Contain $Finding
        $result.Status | Should -Be 'Failed'
        $result.CertificateValid -and $result.HostnameMatch | Should -BeFalse
        $result.Resolution | Should -Not -BeNullOrEmpty
    }

    It 'wrong-name: HostnameMatch is false and the message names what the certificate is for' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario wrong-name
        $result.HostnameMatch | Should -BeFalse
        ($result.Findings | Where-Object Id -EQ 'CertificateNameMismatch').Message | Should -Match 'other\.example\.test'
    }

    It 'implicit: Passed with -TlsMode Implicit' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario implicit -With @{ TlsMode = 'Implicit' }
        $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String)
        $result.TlsMode | Should -Be 'Implicit'
        $result.Banner | Should -BeLike '220*'
    }

    It 'implicit probed with STARTTLS: PortMismatch, not a timeout' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario implicit -With @{ TlsMode = 'StartTls'; TimeoutSeconds = 5 }
        # The finding is the outcome: a probe that waited for its timeout would report Timeout.
        $result.Findings.Id | Should -Be @('PortMismatch')
        $result.Findings[0].Message | Should -Match 'implicit'
        $result.Status | Should -Be 'Failed'
        # A generous bound (detection comes at half the timeout, 2.5 s): it ended, it did not hang.
        $result.Duration.TotalSeconds | Should -BeLessThan 20
    }

    It 'good probed as implicit TLS: PortMismatch (the port speaks STARTTLS)' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario good -With @{ TlsMode = 'Implicit' }
        $result.Findings.Id | Should -Be @('PortMismatch')
        $result.Findings[0].Message | Should -Match 'STARTTLS'
    }

    It 'legacy: -ProtocolScan finds TLS 1.0/1.1 accepted and 1.2/1.3 refused, although this machine refuses 1.0/1.1 itself' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario legacy -With @{ ProtocolScan = $true }
        $accepted = @{}
        $result.SupportedProtocols | ForEach-Object { $accepted[$_.Protocol] = $_.Accepted }
        $accepted.Keys | Sort-Object | Should -Be @('Ssl3', 'Tls10', 'Tls11', 'Tls12', 'Tls13')
        $accepted.Tls10 | Should -BeTrue
        $accepted.Tls11 | Should -BeTrue
        $accepted.Tls12 | Should -BeFalse
        $accepted.Tls13 | Should -BeFalse
        $accepted.Ssl3 | Should -BeFalse
        $result.Findings.Id | Should -Contain 'LegacyProtocol'
    }

    It 'good with -ProtocolScan: TLS 1.2 and 1.3 accepted, SSL 3 refused' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario good -With @{ ProtocolScan = $true }
        ($result.SupportedProtocols | Where-Object Protocol -EQ 'Tls12').Accepted | Should -BeTrue
        ($result.SupportedProtocols | Where-Object Protocol -EQ 'Tls13').Accepted | Should -BeTrue
        ($result.SupportedProtocols | Where-Object Protocol -EQ 'Ssl3').Accepted | Should -BeFalse
    }

    It 'required: -CheckEnforcement finds TLS enforced' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario required -With @{ CheckEnforcement = $true }
        $result.TlsEnforced | Should -BeTrue
        $result.Findings.Id | Should -Not -Contain 'TlsNotEnforced'
        $result.Status | Should -Be 'Passed'
    }

    It 'good: -CheckEnforcement reports TlsNotEnforced as information' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario good -With @{ CheckEnforcement = $true }
        $result.TlsEnforced | Should -BeFalse
        ($result.Findings | Where-Object Id -EQ 'TlsNotEnforced').Severity | Should -Be 'Info'
        $result.Status | Should -Be 'Passed'
    }

    It 'submission: no AUTH before TLS, PLAIN and LOGIN after' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario submission
        $result.AuthBeforeTls | Should -BeNullOrEmpty
        $result.AuthAfterTls | Should -Contain 'PLAIN'
        $result.AuthAfterTls | Should -Contain 'LOGIN'
        $result.Findings.Id | Should -Not -Contain 'AuthBeforeTls'
    }
}

Describe 'Test-SmtpTls on hostile servers' -Tag 'Scripted' {
    It '<Name>: <Finding> within the timeout, no exception' -ForEach $HostileCases {
        $entry = $Bed.Hostile.$Name
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName 'hostile.smtptls.test' -TimeoutSeconds 3 -ErrorAction Stop
        # The finding is the outcome; the bound (several times the 3 s timeout) only says that it ended.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20
        $result.Findings.Id | Should -Contain $Finding
        $result.Status | Should -Be 'Failed'
    }
}

Describe 'Test-SmtpTls as a cmdlet' -Tag 'Postfix', 'Scripted' {
    It 'checks several servers at once and returns one result per input, also when some fail' {
        $inputs = @($HostileCases.Name | ForEach-Object { "$($Bed.Hostile.$_.Address):$($Bed.Hostile.$_.Port)" }) + 'not a host name!'
        $results = @(Test-SmtpTls -Server $inputs -TimeoutSeconds 3)
        # That they run at once is checked with -ThrottleLimit in TestSmtpTlsFleet.Tests.ps1 (a lower bound, which load cannot break).
        $results.Count | Should -Be $inputs.Count
        ($results | Where-Object Status -EQ 'Error').Findings.Id | Should -Be 'InvalidTarget'
    }

    It '-Quiet returns only booleans' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.good
        $answers = @(Test-SmtpTls -Server (Get-Endpoint good), (Get-Endpoint 'broken-cert') -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -Quiet)
        $answers | ForEach-Object { $_ | Should -BeOfType [bool] }
        ($answers | Sort-Object) | Should -Be @($false, $true)
    }

    It 'binds Server/ComputerName/HostName and Port by property name from the pipeline' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.good
        $results = @(
            [pscustomobject]@{ ComputerName = $entry.Address; Port = $entry.Port; ServerName = $entry.ServerName }
            [pscustomobject]@{ HostName = $entry.Address; Port = $entry.Port; ServerName = $entry.ServerName }
        ) | Test-SmtpTls -TrustedRootPath $Bed.CaFile
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.Port | Should -Be $entry.Port; $_.Status | Should -Be 'Passed' }
    }

    It 'accepts an IP target without -ServerName and says that no name could be checked' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-SmtpTls -Server (Get-Endpoint good) -TrustedRootPath $Bed.CaFile
        $result.ServerName | Should -BeNullOrEmpty
        $result.HostnameMatch | Should -BeNullOrEmpty
        $result.Findings.Id | Should -Contain 'NameNotChecked'
    }

    It 'shows the SMTP dialogue with -Verbose' {
        if (Skip-WithoutPostfix) { return }
        $verbose = Test-Scenario good -With @{ Verbose = $true } 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain "[$(Get-Endpoint good)] C: STARTTLS"
        ($verbose.Message -match 'S: 220 ').Count | Should -BeGreaterOrEqual 2
    }

    It 'keeps its main fields through Export-Clixml/Import-Clixml' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario 'broken-cert'
        $path = Join-Path ([IO.Path]::GetTempPath()) "smtptls-$([guid]::NewGuid()).xml"
        try {
            $result | Export-Clixml $path
            $copy = Import-Clixml $path
        }
        finally { Remove-Item $path -ErrorAction Ignore }
        $copy.Status | Should -Be 'Failed'
        $copy.TlsMode | Should -Be 'StartTls'
        $copy.StartTlsReply | Should -BeLike '454*'
        $copy.Findings[0].Id | Should -Be 'TlsNotAvailable'
        $copy.Findings[0].Severity | Should -Be 'Error'
        $copy.Port | Should -Be $result.Port
        $copy.Duration | Should -BeOfType [timespan]
    }

    It 'speaks German with -Culture de-DE' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-Scenario 'broken-cert' -With @{ Culture = 'de-DE' }
        $result.Findings[0].Message | Should -Match 'lehnt es aber ab'
    }

    It 'stops at once on Ctrl+C (StopProcessing) while a tarpit keeps it waiting' {
        $entry = $Bed.Hostile.tarpit
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement().AddCommand('Test-SmtpTls').AddParameter('Server', "$($entry.Address):$($entry.Port)").AddParameter('TimeoutSeconds', 60)
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $ps.Stop()
            # Stopped long before the 60 s timeout; the bound is generous so that load cannot break it.
            $async.AsyncWaitHandle.WaitOne(15000) | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
    }

    It 'fails fast on an unreadable -TrustedRootPath' {
        { Test-SmtpTls -Server 127.0.0.1 -TrustedRootPath (Join-Path ([IO.Path]::GetTempPath()) 'no-such-ca.pem') -ErrorAction Stop } | Should -Throw
    }
}
