# Test-SmtpTls -Domain -IncludePolicy: MTA-STS, DANE and TLS-RPT against a loopback DNS server (dnsmasq, only
# the test zone, named with -DnsServer) and a loopback HTTPS policy host (openssl s_server -WWW with a leaf
# issued here by the bed's CA). The policy fetch goes to that host's port through the engine's test-only
# AppContext value SmtpTls.Test.MtaStsHttpsPort (DomainPolicyOptions.TestHttpsPortSwitch; no cmdlet parameter, no
# environment variable). The MX is the bed's good instance: mail.smtptls.test, reached with -Port.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-DnsTestServerModule
    $script:DnsSkipReason = Get-DnsTestServerSkipReason
    if ($DnsSkipReason) { Write-Warning "SKIPPING the Test-SmtpTls -IncludePolicy tests: $DnsSkipReason" }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    Import-DnsTestServerModule
    $script:Bed = Use-SmtpTestBed
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Test-SmtpTls -Domain -IncludePolicy' -Skip:([bool]$DnsSkipReason) -Tag 'Dnsmasq', 'Postfix', 'OpenSsl' {
    BeforeAll {
        $script:SkipReason = $null
        $openssl = Get-Command openssl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $Bed.Available) { $script:SkipReason = "Postfix scenarios are not running: $($Bed.Reason)" }
        elseif (-not $openssl) { $script:SkipReason = 'openssl is not installed' }
        elseif (-not (Test-Path ([IO.Path]::ChangeExtension($Bed.CaFile, '.key')))) { $script:SkipReason = "the bed's CA key is not next to $($Bed.CaFile)" }
        if ($SkipReason) { return }

        $script:Good = $Bed.Scenarios.good
        $script:MxHost = 'mail.smtptls.test'
        $leaf = Get-SmtpCertificate -Server "127.0.0.1:$($Good.Port)" -ServerName $MxHost -TrustedRootPath $Bed.CaFile
        $tlsa = $leaf.TlsaSha256
        $tlsaName = "_$($Good.Port)._tcp"

        # The policy host: one leaf for every mta-sts.<domain>, issued by the bed's root CA.
        $script:WebDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-mtasts-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path (Join-Path $WebDir '.well-known') -Force
        $key = Join-Path $WebDir 'web.key'; $csr = Join-Path $WebDir 'web.csr'; $crt = Join-Path $WebDir 'web.pem'; $ext = Join-Path $WebDir 'web.ext'
        Set-Content -Path $ext -Value 'subjectAltName = DNS:mta-sts.good.policy.test, DNS:mta-sts.wrongmx.policy.test, DNS:mta-sts.badtlsa.policy.test'
        & $openssl.Source req -newkey rsa:2048 -nodes -keyout $key -subj '/CN=mta-sts.good.policy.test' -out $csr 2>&1 | Out-Null
        & $openssl.Source x509 -req -in $csr -CA $Bed.CaFile -CAkey ([IO.Path]::ChangeExtension($Bed.CaFile, '.key')) -CAcreateserial `
            -CAserial (Join-Path $WebDir 'ca.srl') -days 2 -sha256 -extfile $ext -out $crt 2>&1 | Out-Null
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $script:WebPort = $listener.LocalEndpoint.Port; $listener.Stop()
        $script:Web = Start-Process -FilePath $openssl.Source -WorkingDirectory $WebDir -PassThru -RedirectStandardOutput (Join-Path $WebDir 'out.log') `
            -RedirectStandardError (Join-Path $WebDir 'err.log') -ArgumentList 's_server', '-quiet', '-WWW', '-accept', "127.0.0.1:$WebPort", '-cert', $crt, '-key', $key
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ($true) {
            try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $WebPort); $c.Dispose(); break }
            catch { if ([DateTime]::UtcNow -gt $deadline) { throw "openssl s_server did not listen on $WebPort" }; Start-Sleep -Milliseconds 100 }
        }

        function Set-Policy([string] $Mx) {
            # s_server -WWW reads the file per request; one domain is checked at a time.
            [IO.File]::WriteAllText((Join-Path $WebDir '.well-known/mta-sts.txt'), "version: STSv1`nmode: enforce`nmx: $Mx`nmax_age: 86400`n")
        }

        $zone = @(
            "$MxHost A 127.0.0.1"
            'mx-bad.policy.test A 127.0.0.1'
            "good.policy.test MX 10 $MxHost"
            '_mta-sts.good.policy.test TXT "v=STSv1; id=20260101"'
            'mta-sts.good.policy.test A 127.0.0.1'
            '_smtp._tls.good.policy.test TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.policy.test"'
            "$tlsaName.$MxHost TLSA 3 1 1 $tlsa"
            "wrongmx.policy.test MX 10 $MxHost"
            '_mta-sts.wrongmx.policy.test TXT "v=STSv1; id=20260101"'
            'mta-sts.wrongmx.policy.test A 127.0.0.1'
            '_smtp._tls.wrongmx.policy.test TXT "v=TLSRPTv1; rua=mailto:tlsrpt@wrongmx.policy.test"'
            'badtlsa.policy.test MX 10 mx-bad.policy.test'
            "$tlsaName.mx-bad.policy.test TLSA 3 1 1 $('00' * 32)"
            'norecords.policy.test MX 10 mx-bad.policy.test'
        )
        $script:Dns = Start-DnsTestServer -Zone $zone
        $script:SavedPort = [AppContext]::GetData('SmtpTls.Test.MtaStsHttpsPort')
        [AppContext]::SetData('SmtpTls.Test.MtaStsHttpsPort', [int] $WebPort)

        function Invoke-Policy([string] $Domain) {
            @(Test-SmtpTls -Domain $Domain -IncludePolicy -DnsServer $Dns.Endpoint -Port $Good.Port -TrustedRootPath $Bed.CaFile -TimeoutSeconds 10 -Culture en-US)
        }
    }

    AfterAll {
        [AppContext]::SetData('SmtpTls.Test.MtaStsHttpsPort', $SavedPort)
        if ($Dns) { Stop-DnsTestServer $Dns }
        if ($Web) { Stop-Process -Id $Web.Id -ErrorAction SilentlyContinue; $Web.WaitForExit(5000) | Out-Null }
        if ($WebDir -and (Test-Path $WebDir)) { Remove-Item -Recurse -Force $WebDir }
    }

    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'a correct domain has no Error findings (DANE only unvalidated: dnsmasq sets no AD bit)' {
        if ($SkipReason) { return }
        Set-Policy $MxHost
        $r = Invoke-Policy 'good.policy.test'
        $r.Count | Should -Be 1
        $r[0].Policy | Should -Not -BeNullOrEmpty
        $r[0].Policy.GetType().FullName | Should -Be 'SmtpTls.SmtpDomainPolicyResult'
        $errors = @($r[0].Policy.Findings | Where-Object Severity -EQ 'Error')
        $errors | ForEach-Object { "$($_.Id): $($_.Message)" } | Should -BeNullOrEmpty
        @($r[0].Policy.Findings.Id) | Should -Contain 'DaneNotValidated'
        @($r[0].Policy.Findings.Id) | Should -Not -Contain 'MtaStsMissing'
        @($r[0].Policy.Findings.Id) | Should -Not -Contain 'TlsRptMissing'
    }

    It 'a policy that lists another mx gives MtaStsMxMismatch' {
        if ($SkipReason) { return }
        Set-Policy 'other.policy.test'
        $r = Invoke-Policy 'wrongmx.policy.test'
        @($r[0].Policy.Findings.Id) | Should -Contain 'MtaStsMxMismatch'
    }

    It 'a TLSA record that does not match the presented key gives DaneMismatch' {
        if ($SkipReason) { return }
        $r = Invoke-Policy 'badtlsa.policy.test'
        @($r[0].Policy.Findings.Id) | Should -Contain 'DaneMismatch'
    }

    It 'a domain without records gives MtaStsMissing and TlsRptMissing' {
        if ($SkipReason) { return }
        $r = Invoke-Policy 'norecords.policy.test'
        @($r[0].Policy.Findings.Id) | Should -Contain 'MtaStsMissing'
        @($r[0].Policy.Findings.Id) | Should -Contain 'TlsRptMissing'
    }

    It 'keeps the policy verdicts at remoting depth, the report shows them, and JSON has their summary' {
        if ($SkipReason) { return }
        Set-Policy 'other.policy.test'
        $r = Invoke-Policy 'wrongmx.policy.test'
        # Depth 1 is what remoting uses; SmtpTls.Types.ps1xml raises it for results (Remoting.Tests.ps1 does it over SSH).
        $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r[0], 1))
        $back.Policy.Status | Should -Be $r[0].Policy.Status
        @($back.Policy.Findings.Id) | Should -Contain 'MtaStsMxMismatch'
        $back.Policy.MtaSts.Status | Should -Be $r[0].Policy.MtaSts.Status
        $back.Policy.MtaSts.Policy.Mode | Should -Be $r[0].Policy.MtaSts.Policy.Mode
        $json = $r[0] | ConvertTo-Json -WarningVariable truncated -WarningAction SilentlyContinue | ConvertFrom-Json
        $truncated | Should -BeNullOrEmpty
        $json.Policy.FindingsSummary | Should -Match 'MtaStsMxMismatch\((Error|Warning)\)'
        $json.Policy.MtaStsSummary | Should -Be $r[0].Policy.MtaSts.ToString()
        $report = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-policy-' + [guid]::NewGuid().ToString('N') + '.html')
        try {
            $r | Export-SmtpTlsReport -Path $report
            $html = Get-Content $report -Raw
            $html | Should -Match '<section id="policies">'
            $html | Should -Match '<td>wrongmx\.policy\.test</td>'
        }
        finally { Remove-Item $report -ErrorAction Ignore }
    }

    It 'without -IncludePolicy the Policy property is null' {
        if ($SkipReason) { return }
        $r = @(Test-SmtpTls -Domain 'norecords.policy.test' -DnsServer $Dns.Endpoint -Port $Good.Port -TimeoutSeconds 10)
        $r[0].Policy | Should -BeNullOrEmpty
    }
}
