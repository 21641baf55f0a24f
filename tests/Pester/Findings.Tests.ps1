# Every finding id Test-SmtpTls documents (src/SmtpTls.Engine/Findings/SmtpTlsFindingId.cs, README
# "Finding id") provoked once against a server that really behaves that way: a Postfix scenario of
# the test bed where a package can play it, a scripted hostile server where none can, a loopback
# dnsmasq for the -Domain ids. A new id without a case here fails the first test.
# (The -IncludePolicy ids are provoked in TestSmtpTlsPolicy.Tests.ps1 and DomainPolicyCheckerTests.cs.)

BeforeDiscovery {
    $script:PostfixCases = @(
        @{ Id = 'TlsNotOffered'; Scenario = 'no-starttls'; With = @{} }
        @{ Id = 'TlsNotAvailable'; Scenario = 'broken-cert'; With = @{} }
        # This machine's OpenSSL refuses TLS 1.0/1.1 itself: the handshake with the legacy server fails.
        @{ Id = 'TlsHandshakeFailed'; Scenario = 'legacy'; With = @{} }
        @{ Id = 'CertificateUntrusted'; Scenario = 'self-signed'; With = @{} }
        @{ Id = 'CertificateExpired'; Scenario = 'expired'; With = @{} }
        @{ Id = 'CertificateNotYetValid'; Scenario = 'not-yet-valid'; With = @{} }
        # The good leaf is valid for a year: inside a 400-day warning window.
        @{ Id = 'CertificateExpiringSoon'; Scenario = 'good'; With = @{ ExpiryWarningDays = 400 } }
        @{ Id = 'CertificateNameMismatch'; Scenario = 'wrong-name'; With = @{} }
        @{ Id = 'IncompleteChain'; Scenario = 'incomplete-chain'; With = @{} }
        @{ Id = 'LegacyProtocol'; Scenario = 'legacy'; With = @{ ProtocolScan = $true } }
        @{ Id = 'TlsLegacyOnly'; Scenario = 'legacy'; With = @{ ProtocolScan = $true } }
        @{ Id = 'WeakCipher'; Scenario = 'weak-cipher'; With = @{ ProtocolScan = $true } }
        @{ Id = 'WeakKey'; Scenario = 'weak-key'; With = @{} }
        @{ Id = 'AuthBeforeTls'; Scenario = 'auth-before-tls'; With = @{} }
        @{ Id = 'TlsNotEnforced'; Scenario = 'good'; With = @{ CheckEnforcement = $true } }
        @{ Id = 'PortMismatch'; Scenario = 'implicit'; With = @{ TlsMode = 'StartTls' } }
        # -Deep: Postfix's default list accepts static-RSA suites, leaves the order to the client, has no ML-KEM (OpenSSL 3.0).
        @{ Id = 'TlsEnforced'; Scenario = 'required'; With = @{ CheckEnforcement = $true } }
        # TLS 1.0/1.1 only: this machine's TLS refuses the handshake, the hand-built hello still reads the certificate.
        @{ Id = 'CertificateWithoutHandshake'; Scenario = 'legacy'; With = @{} }
        @{ Id = 'NoForwardSecrecy'; Scenario = 'good'; With = @{ Deep = $true } }
        @{ Id = 'NoServerCipherOrder'; Scenario = 'good'; With = @{ Deep = $true } }
        @{ Id = 'NoPostQuantumGroup'; Scenario = 'good'; With = @{ Deep = $true } }
        @{ Id = 'WeakDhParameters'; Scenario = 'weak-cipher'; With = @{ Deep = $true } }
    )
    # A second connection while the first is open: Postfix's anvil refuses it with 421.
    $script:ThrottleCases = @(@{ Id = 'Throttled'; Scenario = 'throttled' })
    # By IP address and without -ServerName: there is no name to check the certificate against.
    $script:NoNameCases = @(@{ Id = 'NameNotChecked'; Scenario = 'good' })
    $script:HostileCases = @(
        @{ Id = 'NotSmtp'; Behaviour = 'http'; With = @{} }
        @{ Id = 'ConnectionFailed'; Behaviour = 'close-after-banner'; With = @{} }
        @{ Id = 'Timeout'; Behaviour = 'tarpit'; With = @{} }
        # No real server sends data between its STARTTLS reply and the handshake (a STARTTLS-injection attack).
        @{ Id = 'DataAfterStartTls'; Behaviour = 'data-after-starttls'; With = @{} }
        # -Deep against servers no package here can play: every MTA fixed injection long ago, and OpenSSL
        # no longer lets a server go without secure renegotiation, EMS or fallback SCSV, or compress.
        @{ Id = 'StartTlsInjection'; Behaviour = 'starttls-injection'; With = @{ Deep = $true } }
        @{ Id = 'StartTlsAfterTls'; Behaviour = 'starttls-injection'; With = @{ Deep = $true } }
        @{ Id = 'InsecureRenegotiation'; Behaviour = 'tls12-weak-features'; With = @{ Deep = $true } }
        @{ Id = 'TlsCompression'; Behaviour = 'tls12-weak-features'; With = @{ Deep = $true } }
        @{ Id = 'NoExtendedMasterSecret'; Behaviour = 'tls12-weak-features'; With = @{ Deep = $true } }
        @{ Id = 'NoFallbackScsv'; Behaviour = 'tls12-weak-features'; With = @{ Deep = $true } }
        @{ Id = 'OcspStapleProblem'; Behaviour = 'tls12-weak-features'; With = @{ Deep = $true } }
        # A temporary refusal (greylisting) at RCPT says nothing about TLS.
        @{ Id = 'EnforcementUnknown'; Behaviour = 'greylist-rcpt'; With = @{ CheckEnforcement = $true } }
    )
    # Enforcement outcomes the Postfix scenarios do not give, from the Exim and Dovecot families of the bed.
    $script:FamilyCases = @(
        @{ Id = 'EnforcementAuthenticationRequired'; Family = 'dovecot'; Kind = 'auth-required'; With = @{ CheckEnforcement = $true } }
        @{ Id = 'EnforcementRefused'; Family = 'exim'; Kind = 'policy-mail'; With = @{ CheckEnforcement = $true } }
        @{ Id = 'EnforcementRelayDenied'; Family = 'exim'; Kind = 'good'; With = @{ CheckEnforcement = $true; EnforcementDomain = 'elsewhere.example' } }
    )
    $script:DomainCases = @(
        @{ Id = 'DomainNotFound'; Domain = 'doesnotexist.example' }
        @{ Id = 'DomainNullMx'; Domain = 'nullmx.example' }
        @{ Id = 'DomainNoMailHosts'; Domain = 'nothing.example' }
        @{ Id = 'MxNoAddress'; Domain = 'partial.example' }
        @{ Id = 'DnsFailure'; Domain = 'broken.example' }
    )
    # Input the cmdlet refuses before it talks to anyone: no server can provoke it.
    $script:InputCases = @(@{ Id = 'InvalidTarget'; Server = 'not a host name!' })
    $script:CoveredIds = @($PostfixCases + $ThrottleCases + $NoNameCases + $HostileCases + $FamilyCases + $DomainCases + $InputCases | ForEach-Object { $_.Id })

    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-DnsTestServerModule
    $script:DnsSkipReason = Get-DnsTestServerSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    Import-DnsTestServerModule
    $script:Bed = Use-SmtpTestBed

    function Test-Scenario {
        <# Test-SmtpTls on one Postfix scenario with the bed's CA and name; extra parameters pass through. #>
        param([string] $Scenario, [hashtable] $With = @{})
        $entry = $Bed.Scenarios.$Scenario
        if (-not $entry) { throw "The test bed runs no Postfix scenario '$Scenario': $($Bed.Reason)" }
        Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TimeoutSeconds 15 -Culture en-US @With
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Finding ids' -Tag 'Unit' {
    It 'every id in SmtpTlsFindingId has a case in this file that provokes it' -ForEach @{ Covered = $CoveredIds } {
        $source = Get-Content -Raw (Join-Path $RepoRoot 'src/SmtpTls.Engine/Findings/SmtpTlsFindingId.cs')
        $ids = @([regex]::Matches($source, '(?m)^\s+(\w+) = \d+,') | ForEach-Object { $_.Groups[1].Value })
        $ids.Count | Should -BeGreaterThan 20
        $ids | Where-Object { $_ -notin $Covered } | Should -BeNullOrEmpty -Because 'each documented finding needs a server that provokes it'
        $Covered | Where-Object { $_ -notin $ids } | Should -BeNullOrEmpty -Because 'a case for an id that no longer exists is stale'
    }

    It 'every id is in the README finding table' {
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $source = Get-Content -Raw (Join-Path $RepoRoot 'src/SmtpTls.Engine/Findings/SmtpTlsFindingId.cs')
        foreach ($id in [regex]::Matches($source, '(?m)^\s+(\w+) = \d+,') | ForEach-Object { $_.Groups[1].Value }) {
            $readme | Should -Match "\b$id\b" -Because "$id is a finding users see"
        }
    }

    It '<Id>: refused before any connection (<Server>)' -ForEach $InputCases {
        $result = Test-SmtpTls -Server $Server -TimeoutSeconds 5 -Culture en-US
        $result.Findings.Id | Should -Contain $Id
        $result.Connected | Should -BeFalse
    }
}

Describe 'Finding ids provoked by real Postfix' -Tag 'Postfix' {
    It '<Id> from the <Scenario> scenario' -ForEach $PostfixCases {
        $result = Test-Scenario $Scenario -With $With
        $result.Findings.Id | Should -Contain $Id -Because ($result.Findings | Out-String)
    }

    It '<Id> from the <Scenario> scenario, while another connection is open' -ForEach $ThrottleCases {
        $entry = $Bed.Scenarios.$Scenario
        $holder = [Net.Sockets.TcpClient]::new()
        try {
            $holder.Connect($entry.Address, $entry.Port)
            $stream = $holder.GetStream()
            $stream.ReadTimeout = 30000
            # Wait for the first connection's banner, so that smtpd counts it before the probe connects.
            $banner = [IO.StreamReader]::new($stream).ReadLine()
            $banner | Should -BeLike '220 *'
            $result = Test-Scenario $Scenario -With @{ MaximumRetryCount = 0 }
            $result.Findings.Id | Should -Contain $Id -Because ($result.Findings | Out-String)
            $result.Status | Should -Be 'Throttled'
        }
        finally { $holder.Dispose() }
    }

    It '<Id> from the <Scenario> scenario, reached by IP without -ServerName' -ForEach $NoNameCases {
        $entry = $Bed.Scenarios.$Scenario
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -TrustedRootPath $Bed.CaFile -TimeoutSeconds 15 -Culture en-US
        $result.Findings.Id | Should -Contain $Id -Because ($result.Findings | Out-String)
    }

    It 'WeakKey names the 1024-bit RSA key the server presented, and the handshake itself succeeded' {
        $result = Test-Scenario 'weak-key'
        $result.Certificate.KeySize | Should -Be 1024
        ($result.Findings | Where-Object Id -EQ 'WeakKey').Message | Should -Match '1024'
        $result.Findings.Id | Should -Not -Contain 'TlsHandshakeFailed'
    }

    It 'WeakCipher names the NULL suite the server accepted, while the normal handshake got a strong one' {
        $result = Test-Scenario 'weak-cipher' -With @{ ProtocolScan = $true }
        ($result.Findings | Where-Object Id -EQ 'WeakCipher').Message | Should -Match 'NULL'
        $result.CipherSuite | Should -Not -Match 'NULL'
    }

    It 'TlsLegacyOnly only where nothing newer than TLS 1.1 is accepted: not on good' {
        $result = Test-Scenario 'good' -With @{ ProtocolScan = $true }
        $result.Findings.Id | Should -Not -Contain 'TlsLegacyOnly'
        $result.Findings.Id | Should -Not -Contain 'LegacyProtocol'
        $result.Findings.Id | Should -Not -Contain 'WeakCipher'
    }
}

Describe 'Finding ids provoked by scripted hostile servers' -Tag 'Scripted' {
    It '<Id> from the <Behaviour> server' -ForEach $HostileCases {
        $entry = $Bed.Hostile.$Behaviour
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName 'hostile.smtptls.test' -TimeoutSeconds 3 -Culture en-US @With
        $result.Findings.Id | Should -Contain $Id -Because ($result.Findings | Out-String)
    }
}

Describe 'Finding ids provoked by the Exim and Dovecot families' -Tag 'Exim', 'Dovecot' {
    It '<Id> from <Family>/<Kind>' -ForEach $FamilyCases {
        $family = $Bed.PSObject.Properties['Families'] | ForEach-Object { $_.Value.PSObject.Properties[$Family] } | ForEach-Object Value
        if (-not $family -or -not $family.Available) { throw "The test bed runs no $Family family: $($Bed.Reason)" }
        $entry = $family.Scenarios.PSObject.Properties[$Kind].Value
        $result = Test-SmtpTls -Server "$($entry.Address):$($entry.Port)" -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TimeoutSeconds 15 -Culture en-US @With
        $result.Findings.Id | Should -Contain $Id -Because ($result.Findings | Out-String)
    }
}

Describe 'Finding ids provoked through a loopback DNS server' -Skip:([bool]$DnsSkipReason) -Tag 'Dnsmasq' {
    BeforeAll {
        $script:Dns = Start-DnsTestServer -Zone @(
            'partial.example MX 10 mail.smtptls.test'
            'partial.example MX 20 gone.partial.example'
            'mail.smtptls.test A 127.0.0.1'
            'nullmx.example MX 0 .'
            'nothing.example TXT "v=spf1 -all"'
        ) -ServFailDomain 'broken.example'
    }

    AfterAll {
        if ($Dns) { Stop-DnsTestServer -Server $Dns }
    }

    It '<Id> for <Domain>' -ForEach $DomainCases {
        $port = $Bed.Scenarios.good.Port
        $results = @(Test-SmtpTls -Domain $Domain -DnsServer $Dns.Endpoint -Port $port -TrustedRootPath $Bed.CaFile -TimeoutSeconds 10 -Culture en-US)
        $results.Findings.Id | Should -Contain $Id -Because ($results.Findings | Out-String)
    }
}
