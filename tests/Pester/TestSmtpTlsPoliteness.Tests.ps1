# Test-SmtpTls is polite to the servers it checks: a per-address limit on checks in flight, spacing of new
# connections, a rate-limit answer reported as Throttled and retried after a back-off, one check per MX
# endpoint shared by the domains that use it, and -SourceAddress. The server is the fleet test server
# (tests/SmtpTls.FleetServer), which counts what it sees; every assertion is about outcomes (counts,
# statuses), never about how fast a busy machine runs, except lower bounds that waiting guarantees.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-DnsTestServerModule
    $script:DnsSkipReason = Get-DnsTestServerSkipReason
    if ($DnsSkipReason) {
        Write-Warning "SKIPPING the shared-MX test: $DnsSkipReason"
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    Import-DnsTestServerModule
    Import-Module (Join-Path $PSScriptRoot '../TestBed/FleetServer.psm1') -Force

    # A certificate of our own, trusted through -TrustedRootPath, so these tests need no Postfix.
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "smtptls-politeness-$PID"
    $null = New-Item -ItemType Directory -Path $Work -Force
    $key = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP256)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=mail.smtptls.test', $key, [Security.Cryptography.HashAlgorithmName]::SHA256)
    $names = [Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $names.AddDnsName('mail.smtptls.test')
    $request.CertificateExtensions.Add($names.Build())
    $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(90))
    $script:CertFile = Join-Path $Work 'cert.pem'
    $script:KeyFile = Join-Path $Work 'key.pem'
    Set-Content -LiteralPath $CertFile -Value $certificate.ExportCertificatePem()
    Set-Content -LiteralPath $KeyFile -Value $key.ExportPkcs8PrivateKeyPem()
    $script:Servers = [Collections.Generic.List[object]]::new()

    function Start-Server([hashtable] $Options = @{}) {
        $server = Start-FleetTestServer -Directory (Join-Path $Work "server$($Servers.Count)") -CertificateFile $CertFile -KeyFile $KeyFile @Options
        $Servers.Add($server)
        $server
    }

    $script:Check = @{ ServerName = 'mail.smtptls.test'; TrustedRootPath = $CertFile; TimeoutSeconds = 30; Culture = 'en-US' }
}

AfterAll {
    foreach ($server in $Servers) { Stop-FleetTestServer -Server $server }
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction Ignore
}

Describe 'Test-SmtpTls -ThrottleLimitPerAddress' -Tag 'Scripted' {
    It 'keeps at most that many checks in flight at one address, even with a higher -ThrottleLimit' {
        # Every reply waits 200 ms, so a check holds its connection for about a second: plenty of overlap.
        $server = Start-Server @{ DelayMilliseconds = 200 }
        $results = @(Test-SmtpTls -Server (@($server.Endpoint) * 12) -ThrottleLimit 12 -ThrottleLimitPerAddress 3 @Check)
        $results.Count | Should -Be 12
        $results.Status | Sort-Object -Unique | Should -Be 'Passed' -Because ($results[0].Findings | Out-String)
        $stats = Get-FleetTestServerStats -Server $server -Connections 12
        $stats.Connections | Should -Be 12
        $stats.PeakConcurrent | Should -BeLessOrEqual 3
    }

    It 'counts an address once across its ports (a host is one host, whatever the port)' {
        # One server process on two ports of 127.0.0.1, counting its connections together.
        $server = Start-Server @{ DelayMilliseconds = 200; Listeners = 2 }
        $targets = 1..6 | ForEach-Object { "127.0.0.1:$($server.Ports[0])"; "127.0.0.1:$($server.Ports[1])" }
        $results = @(Test-SmtpTls -Server $targets -ThrottleLimit 12 -ThrottleLimitPerAddress 2 @Check)
        $results.Count | Should -Be 12
        ($results.Port | Sort-Object -Unique) | Should -Be ($server.Ports | Sort-Object)
        $stats = Get-FleetTestServerStats -Server $server -Connections 12
        $stats.Connections | Should -Be 12
        $stats.PeakConcurrent | Should -BeLessOrEqual 2
    }

    It 'lets every check run at once with 0 (no limit)' {
        $server = Start-Server @{ DelayMilliseconds = 300 }
        $results = @(Test-SmtpTls -Server (@($server.Endpoint) * 10) -ThrottleLimit 10 -ThrottleLimitPerAddress 0 @Check)
        $results.Count | Should -Be 10
        # Each check holds its connection for about 1.5 s; all 10 start at once, so far more than 5 overlap.
        (Get-FleetTestServerStats -Server $server -Connections 10).PeakConcurrent | Should -BeGreaterThan 5
    }

    It 'spaces new connections to one address by -ConnectionSpacingMilliseconds' {
        $server = Start-Server
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Test-SmtpTls -Server (@($server.Endpoint) * 5) -ThrottleLimitPerAddress 5 -ConnectionSpacingMilliseconds 400 @Check)
        $clock.Stop()
        $results.Count | Should -Be 5
        # Five connections 400 ms apart cannot all have started in less than 1.6 s (a lower bound: a busy machine only adds).
        $clock.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 1600
    }
}

Describe 'Test-SmtpTls and a server that throttles' -Tag 'Scripted' {
    It 'reports "421 too many connections" as Status Throttled with the rate-limit resolution, not as Failed' {
        $server = Start-Server @{ ThrottleFirst = 1000 }
        $result = Test-SmtpTls -Server $server.Endpoint -MaximumRetryCount 0 @Check
        $result.Status | Should -Be 'Throttled'
        $result.Findings.Id | Should -Contain 'Throttled'
        $result.Findings.Id | Should -Not -Contain 'ConnectionFailed'
        ($result.Findings | Where-Object Id -EQ 'Throttled').Message | Should -Match 'too many connections'
        $result.Resolution.Category | Should -Be 'RateLimited'
        $result.Attempts | Should -Be 1
        $result.TlsEstablished | Should -BeFalse
    }

    It 'tries again after the back-off and reports the later answer, with the number of attempts' {
        $server = Start-Server @{ ThrottleFirst = 1 }
        $result = Test-SmtpTls -Server $server.Endpoint -MaximumRetryCount 2 -RetryIntervalSec 1 @Check
        $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String)
        $result.Attempts | Should -Be 2
        (Get-FleetTestServerStats -Server $server -Connections 2).Connections | Should -Be 2
    }

    It 'gives up after -MaximumRetryCount retries, waiting at least the doubling back-off' {
        $server = Start-Server @{ ThrottleFirst = 1000 }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-SmtpTls -Server $server.Endpoint -MaximumRetryCount 2 -RetryIntervalSec 1 @Check
        $clock.Stop()
        $result.Status | Should -Be 'Throttled'
        $result.Attempts | Should -Be 3
        (Get-FleetTestServerStats -Server $server -Connections 3).Connections | Should -Be 3
        # 1 s, then 2 s: a lower bound only.
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 3
    }
}

Describe 'Test-SmtpTls -SourceAddress' -Tag 'Scripted' {
    It 'connects from the given local address (the server sees 127.0.0.2)' {
        $server = Start-Server
        $result = Test-SmtpTls -Server $server.Endpoint -SourceAddress 127.0.0.2 @Check
        $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String)
        $stats = Get-FleetTestServerStats -Server $server -Connections 1
        @($stats.Sources.PSObject.Properties.Name) | Should -Be @('127.0.0.2')
    }

    It 'refuses an address that is not one of this machine''s, once, with a clear error' {
        { Test-SmtpTls -Server 127.0.0.1:25 -SourceAddress 192.0.2.1 @Check -ErrorAction Stop } |
            Should -Throw -ErrorId 'SourceAddressNotLocal,SmtpTls.Commands.TestSmtpTlsCommand' -ExpectedMessage '*192.0.2.1*not an address of this machine*'
    }

    It 'says why a target of the other address family cannot be checked from it' {
        $result = Test-SmtpTls -Server '[::1]:25' -SourceAddress 127.0.0.1 @Check
        $result.Status | Should -Be 'Error'
        $result.Findings.Id | Should -Be 'InvalidTarget'
        $result.Findings[0].Message | Should -Match 'another address family'
    }
}

Describe 'Test-SmtpTls -Domain with MX hosts shared by many domains' -Skip:([bool]$DnsSkipReason) -Tag 'Dnsmasq', 'Scripted' {
    BeforeAll {
        $script:Provider = Start-Server @{ DelayMilliseconds = 100 }
        $script:Dns = Start-DnsTestServer -Zone @(
            'alpha.example MX 10 mx.provider.example'
            'beta.example MX 10 mx.provider.example'
            'gamma.example MX 10 mx.provider.example'
            'gamma.example MX 20 mail.smtptls.test'
            'mx.provider.example A 127.0.0.1'
            'mail.smtptls.test A 127.0.0.1')
    }

    AfterAll {
        if ($Dns) { Stop-DnsTestServer -Server $Dns }
    }

    It 'checks each MX endpoint once and reuses the result for every domain, marked with ReusedFrom' {
        $results = @(Test-SmtpTls -Domain alpha.example, beta.example, gamma.example -Port $Provider.Port -DnsServer $Dns.Endpoint -Ordered `
                -TrustedRootPath $CertFile -TimeoutSeconds 30 -Culture en-US -ErrorAction Stop)
        $results.Count | Should -Be 4
        ($results | ForEach-Object { "$($_.Domain) $($_.MxHost)" }) | Should -Be @(
            'alpha.example mx.provider.example'
            'beta.example mx.provider.example'
            'gamma.example mx.provider.example'
            'gamma.example mail.smtptls.test')
        # Two endpoints: mx.provider.example (three domains) and mail.smtptls.test (its own name, so its own check).
        (Get-FleetTestServerStats -Server $Provider -Connections 2).Connections | Should -Be 2
        $shared = @($results | Where-Object MxHost -EQ 'mx.provider.example')
        @($shared | Where-Object { -not $_.ReusedFrom }).Count | Should -Be 1
        $owner = ($shared | Where-Object { -not $_.ReusedFrom }).Domain
        @($shared | Where-Object ReusedFrom -EQ $owner).Count | Should -Be 2
        $results[3].ReusedFrom | Should -BeNullOrEmpty
        $results[3].Status | Should -Be 'Passed' -Because ($results[3].Findings | Out-String)
        # A reused result is the same verdict, not the same object.
        $shared.Status | Sort-Object -Unique | Should -Be 'Failed'
        $shared[0] | Should -Not -Be $shared[1]
    }
}
