# Test-SmtpTls -Deep against the test bed, with testssl.sh (Debian's, run beside it on the same ports) as
# the oracle for the suite lists, their order, the curves and the DH group, and openssl s_client for the
# TLS features. Servers no package here can play (STARTTLS injection, ML-KEM hybrids) are scripted in
# tests/SmtpTls.HostileServer. sslyze, the issue's second opinion, is on PyPI, which this machine cannot
# reach; testssl.sh alone is the oracle.

BeforeDiscovery {
    # Every scenario whose TLS completes with the standard settings of the bed (smtpd_tls_protocols
    # >=TLSv1.2, Postfix's default cipher list): same list as 'good', which testssl.sh checks.
    $script:StandardScenarios = 'expired', 'not-yet-valid', 'wrong-name', 'self-signed', 'incomplete-chain', 'required', 'submission'
    # The scenarios with TLS settings of their own, each checked against testssl.sh itself.
    $script:OracleScenarios = 'good', 'legacy', 'implicit', 'dual-cert'
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed
    $script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) "smtptls-deep-$PID"
    $null = New-Item -ItemType Directory -Path $WorkDir -Force

    $script:ProtocolNames = @{ 'ssl3' = 'Ssl3'; 'tls1' = 'Tls10'; 'tls1_1' = 'Tls11'; 'tls1_2' = 'Tls12'; 'tls1_3' = 'Tls13' }

    function Get-Endpoint([string] $Scenario) { "$($Bed.Scenarios.$Scenario.Address):$($Bed.Scenarios.$Scenario.Port)" }

    function Invoke-Deep([string] $Scenario) {
        $entry = $Bed.Scenarios.$Scenario
        $mode = if ($entry.TlsMode -eq 'Implicit') { 'Implicit' } else { 'StartTls' }
        Test-SmtpTls -Server (Get-Endpoint $Scenario) -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -TlsMode $mode -Deep -TimeoutSeconds 15
    }

    function Start-Testssl([string] $Scenario, [string[]] $Checks) {
        <# testssl.sh in a private mount namespace whose resolv.conf names only loopback (it must not ask the machine's resolver). #>
        $entry = $Bed.Scenarios.$Scenario
        $json = Join-Path $WorkDir "$Scenario.json"
        $starttls = if ($entry.TlsMode -eq 'Implicit') { '' } else { '--starttls smtp' }
        $command = "mount --bind '$WorkDir/resolv.conf' /etc/resolv.conf && exec testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --nodns none $starttls $($Checks -join ' ') --jsonfile '$json' $(Get-Endpoint $Scenario)"
        $process = Start-Process -FilePath unshare -ArgumentList '-m', 'sh', '-c', "`"$command`"" -PassThru -RedirectStandardOutput (Join-Path $WorkDir "$Scenario.out") -RedirectStandardError (Join-Path $WorkDir "$Scenario.err")
        @{ Process = $process; Json = $json; Scenario = $Scenario }
    }

    function Read-Testssl($Run) {
        <# Waits for a testssl.sh run (generously: it takes tens of seconds per port) and returns its JSON findings. #>
        if (-not $Run.Process.WaitForExit(900000)) { $Run.Process.Kill($true); throw "testssl.sh on $($Run.Scenario) did not finish within 15 minutes." }
        if (-not (Test-Path -LiteralPath $Run.Json)) { throw "testssl.sh on $($Run.Scenario) wrote no JSON: $(Get-Content (Join-Path $WorkDir "$($Run.Scenario).out") -Raw)" }
        Get-Content -LiteralPath $Run.Json -Raw | ConvertFrom-Json
    }

    function Get-TestsslSuites($Findings) {
        <# "Tls12 0xc02f" for every cipher-<protocol>_x<hex> finding of testssl.sh -E. #>
        foreach ($finding in $Findings) {
            if ($finding.id -match '^cipher-(ssl3|tls1(?:_[123])?)_x([0-9a-f]+)$') {
                '{0} 0x{1:x4}' -f $ProtocolNames[$Matches[1]], [Convert]::ToInt32($Matches[2], 16)
            }
        }
    }

    function Get-OurSuites($Result) { $Result.Deep.CipherSuites | ForEach-Object { '{0} 0x{1:x4}' -f $_.Protocol, $_.Code } }

    function Compare-Lists([string[]] $Ours, [string[]] $Theirs, [string] $What) {
        <# Prints the disagreements into the test output, then returns them. #>
        $onlyOurs = @($Ours | Where-Object { $_ -notin $Theirs })
        $onlyTheirs = @($Theirs | Where-Object { $_ -notin $Ours })
        if ($onlyOurs -or $onlyTheirs) {
            Write-Host "  ${What}: only SmtpTls: $($onlyOurs -join ', '); only testssl.sh: $($onlyTheirs -join ', ')"
        }
        @($onlyOurs) + @($onlyTheirs)
    }

    $script:HasPostfix = [bool]$Bed.Available
    $script:Testssl = @{}
    if ($HasPostfix) {
        Set-Content -LiteralPath (Join-Path $WorkDir 'resolv.conf') -Value 'nameserver 127.0.0.1'
        # Started now, all at once, and read by the tests below: the runs take far longer than our scans.
        foreach ($scenario in $OracleScenarios) {
            $checks = if ($scenario -eq 'dual-cert') { '-E', '-P' } else { '-E', '-f' }
            $Testssl[$scenario] = Start-Testssl $scenario $checks
        }
    }
    $script:Results = @{}
}

AfterAll {
    foreach ($run in $Testssl.Values) { if (-not $run.Process.HasExited) { $run.Process.Kill($true) } }
    Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction Ignore
    Stop-OwnSmtpTestBed
}

Describe 'Test-SmtpTls -Deep against testssl.sh on the same ports' -Tag 'Postfix' {
    It 'lists on <_> exactly the suites testssl.sh finds, per protocol version' -ForEach $OracleScenarios {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $result = Invoke-Deep $_
        $Results[$_] = $result
        $result.Deep | Should -Not -BeNullOrEmpty
        $theirs = @(Get-TestsslSuites (Read-Testssl $Testssl[$_]))
        $theirs.Count | Should -BeGreaterThan 10 -Because 'testssl.sh must have found the suites it is compared with'
        Compare-Lists (Get-OurSuites $result) $theirs "$_ suites" | Should -BeNullOrEmpty
    }

    It 'lists the curves testssl.sh finds and the DH group size on <_>' -ForEach 'good', 'legacy' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $findings = Read-Testssl $Testssl[$_]
        $names = @{ 'prime256v1' = 'secp256r1'; 'X25519' = 'x25519'; 'X448' = 'x448' }
        $theirCurves = @((($findings | Where-Object id -eq 'PFS_ECDHE_curves').finding -split '\s+') | Where-Object { $_ } | ForEach-Object { if ($names[$_]) { $names[$_] } else { $_ } })
        $ourCurves = @($Results[$_].Deep.Groups | Where-Object Tls12 | ForEach-Object Name)
        $theirCurves.Count | Should -BeGreaterThan 0
        Compare-Lists $ourCurves $theirCurves "$_ curves" | Should -BeNullOrEmpty

        # RFC 3526 group 14 is the 2048-bit MODP group.
        ($findings | Where-Object id -eq 'DH_groups').finding | Should -Match 'Group 14'
        $Results[$_].Deep.DhParameterBits | Should -Be 2048
    }

    It 'finds on dual-cert the server order testssl.sh reports, and both certificates' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $deep = $Results['dual-cert'].Deep
        @($deep.CipherOrder | Where-Object ServerOrder -ne $true) | Should -BeNullOrEmpty
        $findings = Read-Testssl $Testssl['dual-cert']
        ($findings | Where-Object id -eq 'cipher_order').finding | Should -Match 'server'

        # testssl.sh lists the order per protocol in OpenSSL names; openssl itself maps them to the IANA names we report.
        $toIana = @{}
        foreach ($line in & openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0') {
            $iana, $rest = $line -split '\s+-\s+', 2
            $toIana[($rest.Trim() -split '\s+')[0]] = $iana.Trim()
        }
        foreach ($protocol in 'Tls12', 'Tls13') {
            $id = if ($protocol -eq 'Tls12') { 'cipherorder_TLSv1_2' } else { 'cipherorder_TLSv1_3' }
            $theirs = @((($findings | Where-Object id -eq $id).finding -split '\s+') | Where-Object { $_ } | ForEach-Object { if ($toIana[$_]) { $toIana[$_] } else { $_ } })
            $theirs.Count | Should -BeGreaterThan 2 -Because "testssl.sh must report an order for $protocol"
            $ours = @($deep.CipherSuites | Where-Object Protocol -eq $protocol | Sort-Object Preference | ForEach-Object Name)
            $ours | Should -Be $theirs -Because "the server's $protocol order"
        }

        $keys = @($deep.Certificates | Where-Object RequestedWith -in 'Rsa', 'Ecdsa' | ForEach-Object KeyAlgorithm)
        $keys | Should -Be @('RSA', 'ECDSA')
        $deep.DistinctCertificates | Should -Be 2
    }

    It 'gives every standard scenario (<_>) the suite list of good, which testssl.sh confirmed' -ForEach $StandardScenarios {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $good = @(Get-OurSuites $Results['good'])
        $good.Count | Should -BeGreaterThan 10
        Compare-Lists (Get-OurSuites (Invoke-Deep $_)) $good "$_ suites" | Should -BeNullOrEmpty
    }
}

Describe 'Test-SmtpTls -Deep features' -Tag 'Postfix' {
    It 'reads renegotiation, compression and extended master secret as openssl s_client does' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $text = ('' | & openssl s_client -starttls smtp -connect (Get-Endpoint good) -tls1_2 2>&1) -join "`n"
        $deep = $Results['good'].Deep
        $deep.SecureRenegotiation | Should -Be ($text -match 'Secure Renegotiation IS supported')
        $deep.Compression | Should -Be ($text -notmatch 'Compression: NONE')
        $deep.ExtendedMasterSecret | Should -Be ($text -match 'Extended master secret: yes')
        $deep.SessionTickets | Should -Be ($text -match 'TLS session ticket lifetime hint')
    }

    It 'sees no injection, no plaintext after 220 and no STARTTLS inside TLS on Postfix' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $deep = $Results['good'].Deep
        $deep.StartTlsInjection | Should -BeFalse
        $deep.BytesAfterStartTls | Should -BeFalse
        $deep.StartTlsAfterTls | Should -BeFalse
        $deep.FallbackScsv | Should -BeTrue
        $Results['good'].Findings.Id | Should -Not -Contain 'StartTlsInjection'
    }

    It 'finds AUTH only after TLS on the submission port' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        (Invoke-Deep submission).Deep.AuthOnlyAfterTls | Should -BeTrue
    }

    It 'reports TLS 1.0/1.1 features on the legacy scenario, which the local TLS library cannot reach' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $deep = $Results['legacy'].Deep
        @($deep.CipherOrder.Protocol) | Should -Be @('Tls11', 'Tls10')
        $deep.SecureRenegotiation | Should -BeTrue
        $deep.FallbackScsv | Should -BeTrue
        @($deep.Certificates).Count | Should -BeGreaterThan 0
        $deep.Notes -join ' ' | Should -Match 'STARTTLS injection: not checked'
    }

    It 'says in German what it found with -Culture de-DE' {
        if (-not $HasPostfix) { Set-ItResult -Skipped -Because 'the Postfix scenarios are not running'; return }
        $entry = $Bed.Scenarios.good
        $result = Test-SmtpTls -Server (Get-Endpoint good) -ServerName $entry.ServerName -TrustedRootPath $Bed.CaFile -Deep -Culture de-DE
        ($result.Findings | Where-Object Id -eq 'NoForwardSecrecy').Message | Should -Match 'Forward Secrecy'
        ($result.Findings | Where-Object Id -eq 'NoForwardSecrecy').Message | Should -Match 'akzeptiert'
    }
}

Describe 'Test-SmtpTls -Deep against scripted servers' -Tag 'Scripted' {
    It 'flags a server that answers a command pipelined behind STARTTLS inside TLS' {
        $hostile = $Bed.Hostile.'starttls-injection'
        $result = Test-SmtpTls -Server "$($hostile.Address):$($hostile.Port)" -Deep -TimeoutSeconds 10
        $result.Deep.StartTlsInjection | Should -BeTrue
        $result.Findings.Id | Should -Contain 'StartTlsInjection'
        ($result.Findings | Where-Object Id -eq 'StartTlsInjection').Severity | Should -Be 'Error'
        $result.Status | Should -Be 'Failed'
    }

    It 'finds the post-quantum hybrid X25519MLKEM768 through a HelloRetryRequest' {
        $hostile = $Bed.Hostile.'tls13-mlkem-only'
        $result = Test-SmtpTls -Server "$($hostile.Address):$($hostile.Port)" -Deep -TimeoutSeconds 10
        $group = @($result.Deep.Groups)
        $group.Name | Should -Be @('X25519MLKEM768')
        $group[0].PostQuantum | Should -BeTrue
        $group[0].Preferred | Should -BeTrue
        $result.Deep.PreferredGroup | Should -Be 'X25519MLKEM768'
    }

    It 'ends within its timeout against a server that never answers' {
        $hostile = $Bed.Hostile.'starttls-silent'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-SmtpTls -Server "$($hostile.Address):$($hostile.Port)" -Deep -TimeoutSeconds 2
        $clock.Stop()
        $result.Findings.Id | Should -Contain 'Timeout'
        # Generous: every deep probe is bounded by the same per-step timeout, and a busy machine adds delay.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
    }
}
