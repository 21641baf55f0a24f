# Test-SmtpTls at fleet scale: -Domain against a real DNS server on loopback (dnsmasq, no upstream,
# only the test zone; every test names it with -DnsServer, none asks the machine's resolver), and
# many targets from one call: throttling, streaming, -Ordered, progress, Ctrl+C, serialization.
# Runs against the published module ($env:SMTPTLS_MODULE) and the bed named by $env:SMTPTLS_TESTBED;
# without that variable the bed is started here and stopped afterwards.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-DnsTestServerModule
    $script:DnsSkipReason = Get-DnsTestServerSkipReason
    if ($DnsSkipReason) {
        # Loud on purpose: a skipped DNS suite must not look like a green one.
        Write-Warning "SKIPPING the Test-SmtpTls -Domain tests: $DnsSkipReason"
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    Import-DnsTestServerModule
    $script:Bed = Use-SmtpTestBed

    $script:GoodPort = if ($Bed.Available) { $Bed.Scenarios.good.Port } else { 0 }
    $script:Tarpit = "$($Bed.Hostile.tarpit.Address):$($Bed.Hostile.tarpit.Port)"
    $script:En = [Globalization.CultureInfo]::GetCultureInfo('en-US')

    function Get-Endpoint([string] $Scenario) { "127.0.0.1:$($Bed.Scenarios.$Scenario.Port)" }

    function Get-ClosedPort {
        <# A loopback port nobody listens on: bound for a moment and released, so a connection is refused at once. #>
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    function Skip-WithoutPostfix {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)" }
        -not $Bed.Available
    }

    function Get-EstablishedTo([int] $Port) {
        <# How many TCP connections of this machine are ESTABLISHED to 127.0.0.1:<Port> (client side), from /proc/net/tcp. #>
        $hex = ':{0:X4}' -f $Port
        @(Get-Content /proc/net/tcp | Select-Object -Skip 1 | Where-Object {
                $fields = $_.Trim() -split '\s+'
                $fields[2].EndsWith($hex) -and $fields[3] -eq '01'
            }).Count
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Test-SmtpTls -Domain against a loopback DNS server' -Skip:([bool]$DnsSkipReason) -Tag 'Dnsmasq', 'Postfix' {
    BeforeAll {
        # MX hosts point at the test bed: every instance listens on 127.0.0.1 (the port comes from
        # -Port, MX records carry none); 127.0.0.2 has no listener, so it is a dead MX address.
        $script:Dns = Start-DnsTestServer -Zone @(
            'test.example MX 10 mail.smtptls.test'
            'test.example MX 20 mx2.test.example'
            'mail.smtptls.test A 127.0.0.1'
            'mx2.test.example A 127.0.0.1'
            'mx2.test.example A 127.0.0.2'
            'partial.example MX 10 mail.smtptls.test'
            'partial.example MX 20 gone.partial.example'
            'nomx.example A 127.0.0.1'
            'dual.example MX 10 mx.dual.example'
            'mx.dual.example A 127.0.0.1'
            'mx.dual.example AAAA ::1'
            'nullmx.example MX 0 .'
            'nothing.example TXT "v=spf1 -all"'
        ) -ServFailDomain 'broken.example'
        $script:Common = @{ DnsServer = $Dns.Endpoint; TrustedRootPath = $Bed.CaFile; TimeoutSeconds = 5; Culture = $En }
    }

    AfterAll {
        if ($Dns) { Stop-DnsTestServer -Server $Dns }
    }

    It 'checks every address of every MX host, in MX order, and says which domain, MX, preference and address each result is about' {
        if (Skip-WithoutPostfix) { return }
        $results = @(Test-SmtpTls -Domain test.example -Port $GoodPort -Ordered @Common -ErrorAction Stop)
        $results.Count | Should -Be 3
        ($results | ForEach-Object { "$($_.MxPreference) $($_.MxHost) $($_.Address)" }) | Should -Be @(
            '10 mail.smtptls.test 127.0.0.1'
            '20 mx2.test.example 127.0.0.1'
            '20 mx2.test.example 127.0.0.2')
        $results.Domain | Sort-Object -Unique | Should -Be 'test.example'
        $results.AddressFamily | Sort-Object -Unique | Should -Be 'IPv4'
        $results | ForEach-Object { $_.Port | Should -Be $GoodPort; $_.IsImplicitMx | Should -BeFalse }

        # The MX host name is the name checked against the certificate and sent as SNI.
        $results[0].ServerName | Should -Be 'mail.smtptls.test'
        $results[0].Status | Should -Be 'Passed' -Because ($results[0].Findings | Out-String)
        $results[1].ServerName | Should -Be 'mx2.test.example'
        $results[1].Findings.Id | Should -Contain 'CertificateNameMismatch'
        $results[2].Findings.Id | Should -Contain 'ConnectionFailed'
        $results[2].Status | Should -Be 'Failed'
    }

    It 'asked the loopback DNS server given with -DnsServer for the MX and address records' {
        if (Skip-WithoutPostfix) { return }
        $log = Get-DnsTestServerLog -Server $Dns
        ($log -match 'query\[MX\] test\.example from 127\.0\.0\.1').Count | Should -BeGreaterThan 0
        ($log -match 'query\[A\] mx2\.test\.example from 127\.0\.0\.1').Count | Should -BeGreaterThan 0
    }

    It 'falls back to the domain''s own A/AAAA records when it has no MX (implicit MX, RFC 5321 section 5.1)' {
        if (Skip-WithoutPostfix) { return }
        $result = Test-SmtpTls -Domain nomx.example -Port $GoodPort -ServerName mail.smtptls.test @Common -ErrorAction Stop
        @($result).Count | Should -Be 1
        $result.IsImplicitMx | Should -BeTrue
        $result.MxHost | Should -Be 'nomx.example'
        $result.MxPreference | Should -Be 0
        $result.Address | Should -Be '127.0.0.1'
        # -ServerName wins over the MX host name.
        $result.ServerName | Should -Be 'mail.smtptls.test'
        $result.Status | Should -Be 'Passed' -Because ($result.Findings | Out-String)
    }

    It '<Domain>: one result with Status Error and the finding <Finding>, not an exception' -ForEach @(
        @{ Domain = 'doesnotexist.example'; Finding = 'DomainNotFound'; Severity = 'Error'; Text = 'NXDOMAIN' }
        @{ Domain = 'broken.example'; Finding = 'DnsFailure'; Severity = 'Error'; Text = 'SERVFAIL' }
        @{ Domain = 'nullmx.example'; Finding = 'DomainNullMx'; Severity = 'Info'; Text = 'null MX' }
        @{ Domain = 'nothing.example'; Finding = 'DomainNoMailHosts'; Severity = 'Error'; Text = 'neither MX' }
    ) {
        $results = @(Test-SmtpTls -Domain $Domain -Port 25 @Common -ErrorAction Stop)
        $results.Count | Should -Be 1
        $result = $results[0]
        $result.Status | Should -Be 'Error'
        $result.Server | Should -Be $Domain
        $result.Domain | Should -Be $Domain
        $result.Connected | Should -BeFalse
        $result.Findings.Id | Should -Be @($Finding)
        $result.Findings[0].Severity | Should -Be $Severity
        $result.Findings[0].Message | Should -Match ([regex]::Escape($Text))
        $result.Transcript | Should -Not -BeNullOrEmpty
    }

    It 'reports an MX host without address as its own result (MxNoAddress) and still checks the others' {
        if (Skip-WithoutPostfix) { return }
        $results = @(Test-SmtpTls -Domain partial.example -Port $GoodPort -Ordered @Common -ErrorAction Stop)
        $results.MxHost | Should -Be @('mail.smtptls.test', 'gone.partial.example')
        $results[0].Status | Should -Be 'Passed'
        $results[1].Status | Should -Be 'Error'
        $results[1].MxPreference | Should -Be 20
        $results[1].Findings.Id | Should -Be @('MxNoAddress')
        $results[1].Findings[0].Message | Should -Match 'gone\.partial\.example'
    }

    It '-AddressFamily <Family> checks only <Expected> addresses' -ForEach @(
        @{ Family = 'IPv4'; Expected = '127.0.0.1' }
        @{ Family = 'IPv6'; Expected = '::1' }
        @{ Family = 'Any'; Expected = '127.0.0.1', '::1' }
    ) {
        $results = @(Test-SmtpTls -Domain dual.example -AddressFamily $Family -Port (Get-ClosedPort) -Ordered @Common -ErrorAction Stop)
        # ForEach-Object: on an array, .Address is the array's own Address() method, not member enumeration.
        @($results | ForEach-Object Address) | Should -Be $Expected
        $results | ForEach-Object { $_.AddressFamily | Should -Be $(if ($_.Address -eq '::1') { 'IPv6' } else { 'IPv4' }) }
    }

    It 'resolves host names given with -Server through -DnsServer, never through the system resolver' {
        if (Skip-WithoutPostfix) { return }
        $results = @(Test-SmtpTls -Server mail.smtptls.test, unknown.test.example -Port $GoodPort -Ordered @Common -ErrorAction Stop)
        $results[0].Address | Should -Be '127.0.0.1'
        $results[0].Status | Should -Be 'Passed'
        $results[1].Status | Should -Be 'Error'
        $results[1].Findings.Id | Should -Be @('InvalidTarget')
        $results[1].Findings[0].Message | Should -Match 'NXDOMAIN'
        (Get-DnsTestServerLog -Server $Dns) -match 'query\[A\] unknown\.test\.example' | Should -Not -BeNullOrEmpty
    }

    It 'Get-SmtpCertificate takes -DnsServer, -AddressFamily and -HeloName as Test-SmtpTls does (one options builder)' {
        if (Skip-WithoutPostfix) { return }
        $output = @(Get-SmtpCertificate -Server mail.smtptls.test -Port $GoodPort -HeloName helo.smtptls.test @Common -Verbose -ErrorAction Stop 4>&1)
        $certificate = @($output | Where-Object { $_.PSObject.TypeNames -contains 'SmtpTls.SmtpCertificateInfo' })
        $certificate | Should -HaveCount 1
        $certificate[0].ServerName | Should -Be 'mail.smtptls.test'
        $certificate[0].HostnameMatch | Should -BeTrue
        $certificate[0].ChainValid | Should -BeTrue
        @($output | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*EHLO helo.smtptls.test*' }) | Should -Not -BeNullOrEmpty
        (Get-DnsTestServerLog -Server $Dns) -match 'query\[A\] mail\.smtptls\.test' | Should -Not -BeNullOrEmpty

        $unknown = Get-SmtpCertificate -Server unknown.test.example -Port $GoodPort @Common -ErrorAction SilentlyContinue -ErrorVariable failure
        $unknown | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTarget,*'
        $failure[0].Exception.Message | Should -Match 'NXDOMAIN'

        # mx.dual.example is 127.0.0.1 (the bed) and ::1 (nobody listens there on this port).
        (Get-SmtpCertificate -Server mx.dual.example -ServerName mail.smtptls.test -Port $GoodPort -AddressFamily IPv4 @Common -ErrorAction Stop).ChainValid | Should -BeTrue
        $v6 = Get-SmtpCertificate -Server mx.dual.example -ServerName mail.smtptls.test -Port $GoodPort -AddressFamily IPv6 @Common -ErrorAction SilentlyContinue -ErrorVariable v6Failure
        $v6 | Should -BeNullOrEmpty
        $v6Failure[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed,*'
    }

    It 'keeps the domain order and each domain''s MX order with -Ordered' {
        if (Skip-WithoutPostfix) { return }
        $results = @(Test-SmtpTls -Domain broken.example, test.example, nomx.example -Port $GoodPort -Ordered @Common)
        ($results | ForEach-Object { "$($_.Domain) $($_.MxHost) $($_.Address)" }) | Should -Be @(
            'broken.example  '
            'test.example mail.smtptls.test 127.0.0.1'
            'test.example mx2.test.example 127.0.0.1'
            'test.example mx2.test.example 127.0.0.2'
            'nomx.example nomx.example 127.0.0.1')
    }

    It 'takes domains from the pipeline by property name, and -Quiet answers per address' {
        if (Skip-WithoutPostfix) { return }
        $answers = @([pscustomobject]@{ Domain = 'test.example' }, [pscustomobject]@{ Domain = 'doesnotexist.example' } |
                Test-SmtpTls -Port $GoodPort -Quiet -Ordered @Common)
        $answers | Should -Be @($true, $false, $false, $false)
    }

    It 'keeps Domain, MxHost, MxPreference, AddressFamily and the verdict through Export-Clixml/Import-Clixml' {
        if (Skip-WithoutPostfix) { return }
        $results = @(Test-SmtpTls -Domain test.example, broken.example -Port $GoodPort -Ordered @Common)
        $path = Join-Path ([IO.Path]::GetTempPath()) "smtptls-fleet-$([guid]::NewGuid()).xml"
        try {
            $results | Export-Clixml $path
            $copies = @(Import-Clixml $path)
        }
        finally { Remove-Item $path -ErrorAction Ignore }
        $copies.Count | Should -Be $results.Count
        for ($i = 0; $i -lt $results.Count; $i++) {
            foreach ($name in 'Domain', 'MxHost', 'MxPreference', 'AddressFamily', 'IsImplicitMx', 'Server', 'Address', 'Port', 'ServerName', 'TlsMode', 'Status', 'Protocol', 'CertificateValid', 'HostnameMatch', 'DaysUntilExpiry') {
                $copies[$i].$name | Should -Be $results[$i].$name -Because "$name of result $i"
            }
            @($copies[$i].Findings.Id) | Should -Be @($results[$i].Findings.Id)
            @($copies[$i].Findings.Severity) | Should -Be @($results[$i].Findings.Severity)
        }
        $copies[0].pstypenames | Should -Contain 'Deserialized.SmtpTls.SmtpTlsResult'
        $copies[0].Certificate.Subject | Should -Be $results[0].Certificate.Subject
        $copies[0].Duration | Should -BeOfType [timespan]
    }

    It 'rejects a -DnsServer that is not ip[:port] before checking anything' {
        { Test-SmtpTls -Domain test.example -DnsServer 'dns.example' -ErrorAction Stop } | Should -Throw '*DnsServer*'
    }
}

Describe 'Test-SmtpTls with many targets in one call' -Tag 'Postfix', 'Scripted' {
    It '1,000 targets, 10% dead (closed ports, tarpits): every one comes back with a result, none lost, within the timeout bound' {
        if (Skip-WithoutPostfix) { return }
        $closed = "127.0.0.1:$(Get-ClosedPort)"
        $mix = 'good', 'expired', 'wrong-name', 'self-signed', 'incomplete-chain', 'no-starttls', 'broken-cert', 'required'
        $targets = for ($i = 0; $i -lt 1000; $i++) {
            if ($i % 20 -eq 7) { $Tarpit }
            elseif ($i % 20 -eq 17) { $closed }
            else { Get-Endpoint $mix[$i % $mix.Count] }
        }
        # Long enough that a good check never times out on two busy cores; the tarpits take it in full.
        $timeout = 5
        $clock = [Diagnostics.Stopwatch]::StartNew()
        # Every target is on 127.0.0.1: -ThrottleLimitPerAddress 0 lifts the politeness limit of 5 per address.
        $results = @(Test-SmtpTls -Server $targets -ServerName mail.smtptls.test -TrustedRootPath $Bed.CaFile -TimeoutSeconds $timeout -ThrottleLimitPerAddress 0 -ErrorAction Stop)
        $elapsed = $clock.Elapsed.TotalSeconds

        $results.Count | Should -Be 1000
        # None lost, none doubled: per endpoint, as many results as inputs.
        $expected = $targets | Group-Object | ForEach-Object { "$($_.Name) x$($_.Count)" } | Sort-Object
        $actual = $results | ForEach-Object { "$($_.Server):$($_.Port)" } | Group-Object | ForEach-Object { "$($_.Name) x$($_.Count)" } | Sort-Object
        $actual | Should -Be $expected

        $dead = @($results | Where-Object { "$($_.Server):$($_.Port)" -in $Tarpit, $closed })
        $dead.Count | Should -Be 100
        $dead | ForEach-Object {
            $_.Status | Should -Be 'Failed'
            $_.Findings.Id | Where-Object { $_ -in 'Timeout', 'ConnectionFailed' } | Should -Not -BeNullOrEmpty
        }
        @($results | Where-Object { "$($_.Server):$($_.Port)" -eq $closed }).Findings.Id | Sort-Object -Unique | Should -Be 'ConnectionFailed'
        ($results | Where-Object { "$($_.Server):$($_.Port)" -eq (Get-Endpoint good) }).Status | Sort-Object -Unique | Should -Be 'Passed'

        # Each check is bounded by its step timeout (a silent port: the greeting wait), the run by
        # what the throttle allows: 50 tarpits x 5 s over 32 slots (about 10 s), plus the live checks.
        # Generous bounds: they say that nothing hangs, not how fast it is (that is build.ps1 -Task Bench).
        ($results.Duration | Measure-Object -Property TotalSeconds -Maximum).Maximum | Should -BeLessThan (3 * $timeout)
        $elapsed | Should -BeLessThan 180
    }

    It 'writes results as they complete, and in input order with -Ordered' {
        if (Skip-WithoutPostfix) { return }
        $closed = "127.0.0.1:$(Get-ClosedPort)"
        $targets = @($Tarpit) + @(1..20 | ForEach-Object { Get-Endpoint good }) + @($closed, (Get-Endpoint expired), (Get-Endpoint 'no-starttls'))
        # The tarpit takes the whole 10 s; the 23 others take milliseconds each, so it is last by a wide margin even under load.
        $parameters = @{ Server = $targets; ServerName = 'mail.smtptls.test'; TrustedRootPath = $Bed.CaFile; TimeoutSeconds = 10; ThrottleLimitPerAddress = 0 }

        $streamed = @(Test-SmtpTls @parameters)
        $streamed.Count | Should -Be $targets.Count
        "$($streamed[-1].Server):$($streamed[-1].Port)" | Should -Be $Tarpit -Because 'the slow tarpit finishes last and its result is written last'

        $ordered = @(Test-SmtpTls @parameters -Ordered)
        ($ordered | ForEach-Object { "$($_.Server):$($_.Port)" }) | Should -Be $targets
    }

    It 'shows its progress with Write-Progress: done of total' {
        if (Skip-WithoutPostfix) { return }
        $targets = @(1..3 | ForEach-Object { $Tarpit }) + @(1..60 | ForEach-Object { Get-Endpoint good })
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement().
            AddCommand('Test-SmtpTls').AddParameter('Server', $targets).AddParameter('TimeoutSeconds', 1).AddParameter('Culture', 'en-US').
            AddParameter('ServerName', 'mail.smtptls.test').AddParameter('TrustedRootPath', $Bed.CaFile)
            $output = $ps.Invoke()
            $output.Count | Should -Be 63
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 1
            $records[0].StatusDescription | Should -Match '^\d+ of 63 checked, \d+ running$'
            $records[-1].RecordType | Should -Be 'Completed'
            $records[-1].StatusDescription | Should -Match '^63 of 63 checked'
            $records.PercentComplete | ForEach-Object { $_ | Should -BeIn (0..100) }
        }
        finally { $ps.Dispose() }
    }

    It 'stops on Ctrl+C (StopProcessing) with many checks in flight, and closes their connections' {
        $targets = @(1..200 | ForEach-Object { $Tarpit })
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement().
            AddCommand('Test-SmtpTls').AddParameter('Server', $targets).AddParameter('TimeoutSeconds', 60).AddParameter('ThrottleLimit', 48).
            # All on one address: lift the per-address limit of 5, or only 5 would be in flight.
            AddParameter('ThrottleLimitPerAddress', 0)
            $async = $ps.BeginInvoke()
            # Wait for the outcome (checks in flight), however long a busy machine takes to get there.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Get-EstablishedTo $Bed.Hostile.tarpit.Port) -le 10 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-EstablishedTo $Bed.Hostile.tarpit.Port | Should -BeGreaterThan 10 -Because 'checks are in flight'
            $ps.Stop()
            # Stopped, long before the 60 s timeout of the checks; the bound leaves room for load.
            $async.AsyncWaitHandle.WaitOne(15000) | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # The sockets of the cancelled checks are closed, not left to time out.
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            while ((Get-EstablishedTo $Bed.Hostile.tarpit.Port) -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-EstablishedTo $Bed.Hostile.tarpit.Port | Should -Be 0
        }
        finally { $ps.Dispose() }
    }

    It 'checks at most -ThrottleLimit servers at once' {
        # 12 tarpits, 5 at a time, 2 s each: at least three rounds, so at least 6 s. Checked all at
        # once they would take one round. A lower bound: a busy machine only makes it slower.
        $targets = @(1..12 | ForEach-Object { $Tarpit })
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Test-SmtpTls -Server $targets -TimeoutSeconds 2 -ThrottleLimit 5 -ThrottleLimitPerAddress 0)
        $elapsed = $clock.Elapsed.TotalSeconds
        $results.Count | Should -Be 12
        $results | ForEach-Object { $_.Findings.Id | Should -Contain 'Timeout' }
        $elapsed | Should -BeGreaterThan 5.5 -Because 'three rounds of 2 s timeouts'
        $elapsed | Should -BeLessThan 120
    }
}

Describe 'The benchmark''s plainest .NET client (tools/BareClient)' -Tag 'Postfix' {
    # Bench.ps1 sets Test-SmtpTls beside this client as the floor any .NET client pays on the machine; the floor only
    # means something if the client has the same conversation and validates the same chains.
    It 'validates exactly the chains Test-SmtpTls passes, and breaks off where the server offers no STARTTLS' {
        if (Skip-WithoutPostfix) { return }
        . (Join-Path $PSScriptRoot '../../tools/BenchSupport.ps1')
        $targets = @('good', 'expired', 'good', 'wrong-name', 'self-signed', 'no-starttls', 'good') | ForEach-Object { Get-Endpoint $_ }
        $serverName = $Bed.Scenarios.good.ServerName
        $passed = @(Test-SmtpTls -Server $targets -ServerName $serverName -TrustedRootPath $Bed.CaFile -ThrottleLimitPerAddress 0 |
                Where-Object Status -EQ 'Passed').Count
        $passed | Should -Be 3
        $bare = Invoke-BareClient -Targets $targets -CaFile $Bed.CaFile -ServerName $serverName -ThrottleLimit 4 -WarmupChecks 0 -Rounds 2
        $bare.Verified | Should -Be @($passed, $passed)
        $bare.Failed | Should -Be @(1, 1) -Because 'no-starttls ends before any handshake'
        $bare.CpuMsPerCheck | Should -BeGreaterThan 0
    }
}
