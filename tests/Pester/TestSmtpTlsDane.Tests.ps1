# Test-SmtpTls -Domain -IncludePolicy against the DNSSEC part of the test bed (tests/TestBed/Private/Dnssec*.ps1):
# signed test root and case zones on NSD, unbound as the validating resolver, posttls-finger as the oracle.
# SmtpTls validates DNSSEC itself from the bed's root key (-TrustAnchorPath); every case's DNSSEC state,
# findings and sender verdicts are held against the case table and against posttls-finger's own verdicts.
# Uses the bed named by $env:SMTPTLS_TESTBED; without it, starts and stops its own.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $skipReason = Get-SmtpTestBedSkipReason
    $script:SkipBed = [bool]$skipReason
    $script:SkipNote = if ($SkipBed) { " (skipped: $skipReason)" } else { '' }
    $script:CaseIds = @(Get-SmtpTestBedDnssecCaseId)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed
    $script:Dnssec = Get-SmtpTestBedDnssec -Root $Bed.Root
    $script:Cases = @{}
    foreach ($property in $Dnssec.Cases.PSObject.Properties) { $script:Cases[$property.Name] = $property.Value }
    $script:Resolver = "$($Dnssec.Resolver.Address):$($Dnssec.Resolver.Port)"

    function Invoke-Dane {
        <# Test-SmtpTls -IncludePolicy on bed cases (grouped by port), with the bed's root key as trust anchor. #>
        param([object[]] $Case, [string] $TrustAnchorPath = $Dnssec.TrustAnchorFile, [string] $Culture = 'en-US')
        $anchor = @{}
        if ($TrustAnchorPath) { $anchor.TrustAnchorPath = $TrustAnchorPath }
        foreach ($group in ($Case | Group-Object Port)) {
            Test-SmtpTls -Domain $group.Group.Domain -Port ([int]$group.Name) -DnsServer $Resolver -IncludePolicy @anchor `
                -TrustedRootPath $Dnssec.CaFile -TimeoutSeconds 10 -ThrottleLimitPerAddress 0 -Culture $Culture
        }
    }

    # Every case once, and posttls-finger's verdicts for every case and level once (all in parallel).
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $script:Results = @{}
    foreach ($result in @(Invoke-Dane -Case $Cases.Values)) {
        if ($result.Policy -and -not $Results.ContainsKey($result.Policy.Domain)) { $Results[$result.Policy.Domain] = $result }
    }
    Write-Host ("Test-SmtpTls -IncludePolicy on {0} DNSSEC cases: {1} ms" -f $Cases.Count, $clock.ElapsedMilliseconds)
    $script:Oracle = @(Invoke-SmtpTestBedDaneOracle -Root $Bed.Root -Domain @($Cases.Values.Domain) -Level dane, dane-only, verify, secure)

    function Get-Policy([string] $Id) {
        $case = $Cases[$Id]
        if (-not $case) { throw "The running bed has no DNSSEC case '$Id'." }
        $result = $Results[$case.Domain]
        if (-not $result) { throw "Test-SmtpTls returned no policy for $($case.Domain)." }
        $result.Policy
    }

    function Get-Host([string] $Id, [int] $Index = 0) {
        $policy = Get-Policy $Id
        $name = $Cases[$Id].MxHosts[$Index].Name
        $entry = @($policy.Dane | Where-Object MxHost -EQ $name)
        $entry | Should -HaveCount 1 -Because "the policy of $Id has one DANE entry for $name"
        $entry[0]
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe "Test-SmtpTls -IncludePolicy validates DNSSEC itself$SkipNote" -Tag 'Dnssec', 'Unbound', 'Postfix' -Skip:$SkipBed {
    It '<_>: the DNSSEC state of the TLSA answer is the case''s' -ForEach $CaseIds {
        $id = $_
        $case = $Cases[$id]
        $policy = Get-Policy $id
        $policy.DnssecTrustAnchor | Should -Be $Dnssec.TrustAnchorFile
        if ($case.MxBogus) {
            $policy.MxDnssec | Should -Be 'Bogus'
            @($policy.Findings | Where-Object { $_.Id -eq 'DnssecBogus' -and $_.Target -eq $case.Domain }) | Should -HaveCount 1
            return
        }

        $signed = $case.DnssecState -ne 'Insecure'
        $policy.MxDnssec | Should -Be ($signed ? 'Secure' : 'Insecure')
        for ($i = 0; $i -lt $case.MxHosts.Count; $i++) {
            $expected = $case.MxHosts[$i]
            $dane = Get-Host $id $i
            switch ($expected.TlsaState) {
                'NoRecords' { $dane.Dnssec | Should -Be 'Secure'; $dane.Status | Should -Be 'NoRecords' }
                default { $dane.Dnssec | Should -Be $expected.TlsaState }
            }
            $dane.AddressDnssec | Should -Be ($signed ? 'Secure' : 'Insecure')
            @($policy.Findings.Id) | Should -Not -Contain 'DaneNotValidated'
        }
    }

    It '<_>: our sender verdicts match posttls-finger''s at dane, dane-only, verify and secure' -ForEach $CaseIds {
        $case = $Cases[$_]
        $policy = Get-Policy $_
        $verdicts = @($Oracle | Where-Object Domain -EQ $case.Domain)
        $verdicts.Count | Should -BeGreaterOrEqual 4 -Because 'posttls-finger judged every level'
        foreach ($verdict in $verdicts) {
            $because = "posttls-finger at $($verdict.Level) for $($verdict.MxHost) said Delivered=$($verdict.Delivered) Failure=$($verdict.Failure): $($verdict.Detail)"
            if (-not $verdict.MxHost) {
                # The MX lookup itself failed validation: no host to connect to, nothing delivered.
                $verdict.Failure | Should -Be 'MxLookupFailed'
                $policy.MxDnssec | Should -Be 'Bogus' -Because $because
                @($policy.Dane.Endpoints.Senders | Where-Object Delivers) | Should -BeNullOrEmpty -Because $because
                continue
            }
            $dane = @($policy.Dane | Where-Object MxHost -EQ $verdict.MxHost.TrimEnd('.'))
            $dane | Should -HaveCount 1 -Because $because
            # posttls-finger names no address when it stopped before connecting (a TLSA lookup error): then every address counts.
            $endpoints = @($dane[0].Endpoints | Where-Object { -not $verdict.Address -or $_.Address -eq $verdict.Address })
            $endpoints | Should -Not -BeNullOrEmpty -Because $because
            $ours = @($endpoints | ForEach-Object Senders | Where-Object Level -EQ $verdict.Level)
            $ours | Should -HaveCount $endpoints.Count -Because $because
            foreach ($sender in $ours) {
                $sender.Delivers | Should -Be $verdict.Delivered -Because "$because; SmtpTls: $($sender.Message)"
                if (-not $verdict.Delivered) {
                    $sender.Failure | Should -Be $verdict.Failure -Because "$because; SmtpTls: $($sender.Message)"
                }
            }
        }
    }

    It 'bogus signatures and expired signatures are Bogus with the reason, and DANE senders defer' {
        $bogus = Get-Host 'bogus-tlsa'
        $bogus.DnssecReason | Should -Be 'SignatureInvalid'
        $expired = Get-Host 'expired-tlsa'
        $expired.DnssecReason | Should -Be 'SignatureExpired'
        $expired.DnssecDetail | Should -Match 'expired'
        foreach ($id in 'bogus-tlsa', 'expired-tlsa') {
            $finding = @((Get-Policy $id).Findings | Where-Object Id -EQ 'DaneBogus')
            $finding | Should -HaveCount 1
            $finding[0].Severity | Should -Be 'Error'
            @((Get-Host $id).Endpoints[0].Senders | Where-Object Level -In 'dane', 'dane-only' | ForEach-Object Failure) | Should -Be @('TlsaLookupError', 'TlsaLookupError')
        }
    }

    It 'an unsigned zone is Insecure: its TLSA records are ignored (DaneInsecure), a dane sender falls back to opportunistic TLS' {
        $dane = Get-Host 'unsigned'
        $dane.Dnssec | Should -Be 'Insecure'
        $dane.Records | Should -Not -BeNullOrEmpty -Because 'the unsigned zone does publish a TLSA record'
        $dane.DnssecDetail | Should -Match 'unsigned'
        @((Get-Policy 'unsigned').Findings.Id) | Should -Contain 'DaneInsecure'
        @((Get-Policy 'unsigned').Findings.Id) | Should -Not -Contain 'DaneMismatch'
        ($dane.Endpoints[0].Senders | Where-Object Level -EQ 'dane').Trust | Should -Be 'Opportunistic'
    }

    It 'proves the absence of TLSA records with <_> (Secure NoRecords, no finding about DANE)' -ForEach 'nsec-notlsa', 'nsec3-notlsa' {
        $dane = Get-Host $_
        $dane.Dnssec | Should -Be 'Secure'
        $dane.Status | Should -Be 'NoRecords'
        @((Get-Policy $_).Findings.Id | Where-Object { $_ -like 'Dane*' }) | Should -BeNullOrEmpty
    }

    It 'flags a lone 3 1 1 for the current key (DaneRolloverNoNextKey), not when a next key or an issuer record is published' {
        @((Get-Policy 'good').Findings.Id) | Should -Contain 'DaneRolloverNoNextKey'
        (Get-Host 'good').NextKeyRecords | Should -Be 0
        @((Get-Policy 'rollover-next').Findings.Id) | Should -Not -Contain 'DaneRolloverNoNextKey'
        (Get-Host 'rollover-next').NextKeyRecords | Should -Be 1
        @((Get-Policy 'rollover-issuer').Findings.Id) | Should -Not -Contain 'DaneRolloverNoNextKey'
        @((Get-Policy 'issuer').Findings.Id) | Should -Not -Contain 'DaneIssuerRollover' -Because 'the bed CA is no CA known to rotate its intermediates'
    }

    It 'reports the days left on the TLSA signature and warns below 5 days (DaneSignatureExpiring)' {
        $expiring = Get-Host 'rrsig-expiring'
        $expected = [DateTimeOffset]::Parse($Cases['rrsig-expiring'].MxHosts[0].TlsaSignatureExpiresUtc, [Globalization.CultureInfo]::InvariantCulture)
        [Math]::Abs(($expiring.TlsaSignatureExpires - $expected).TotalSeconds) | Should -BeLessThan 2
        $expiring.TlsaSignatureDaysLeft | Should -BeLessThan 5
        $finding = @((Get-Policy 'rrsig-expiring').Findings | Where-Object Id -EQ 'DaneSignatureExpiring')
        $finding | Should -HaveCount 1
        $finding[0].Severity | Should -Be 'Warning'
        (Get-Host 'good').TlsaSignatureDaysLeft | Should -BeGreaterThan 20
        @((Get-Policy 'good').Findings.Id) | Should -Not -Contain 'DaneSignatureExpiring'
    }

    It 'accepts the trust anchor as a DNSKEY file too, with the same verdicts' {
        $r = @(Invoke-Dane -Case $Cases['good'] -TrustAnchorPath $Dnssec.TrustAnchorKeyFile)
        $r[0].Policy.Dane[0].Dnssec | Should -Be 'Secure'
        $r[0].Policy.DnssecTrustAnchor | Should -Be $Dnssec.TrustAnchorKeyFile
    }

    It 'with IANA''s root anchors (the default) the bed''s own root is not trusted: Bogus, DsMismatch' {
        $r = @(Invoke-Dane -Case $Cases['good'] -TrustAnchorPath $null)
        $r[0].Policy.DnssecTrustAnchor | Should -Match 'IANA'
        $r[0].Policy.MxDnssec | Should -Be 'Bogus'
        $r[0].Policy.Dane[0].Dnssec | Should -Be 'Bogus'
        $r[0].Policy.Dane[0].DnssecReason | Should -Be 'DsMismatch'
    }

    It 'stops with TrustAnchorPathInvalid for a file without a root anchor' {
        $bad = Join-Path ([IO.Path]::GetTempPath()) ("smtptls-anchor-" + [guid]::NewGuid() + '.ds')
        Set-Content -LiteralPath $bad -Value 'example. IN DS 1 8 2 00'
        try {
            { Test-SmtpTls -Domain good.test -DnsServer $Resolver -IncludePolicy -TrustAnchorPath $bad -ErrorAction Stop } |
                Should -Throw -ErrorId 'TrustAnchorPathInvalid,SmtpTls.Commands.TestSmtpTlsCommand'
        }
        finally { Remove-Item -LiteralPath $bad -ErrorAction Ignore }
    }

    It 'speaks German: findings and sender verdicts in de-DE' {
        $r = @(Invoke-Dane -Case $Cases['bogus-tlsa'] -Culture 'de-DE')
        ($r[0].Policy.Findings | Where-Object Id -EQ 'DaneBogus').Message | Should -Match 'DNSSEC-Validierung'
        ($r[0].Policy.Dane[0].Endpoints[0].Senders | Where-Object Level -EQ 'dane').Message | Should -Match '^stellt zurück'
    }
}
