# Self-check of the DNSSEC part of the test bed (tests/TestBed/Private/Dnssec*.ps1, DaneOracle.ps1):
# unbound validates the signed test zones from the test root's key only, answers Bogus data with CD=1,
# proves absence with NSEC and NSEC3, asks nobody but the bed's NSD, and posttls-finger (the DANE oracle)
# gives every case the verdicts the case means. This table is what the module's DANE results are
# compared with. Uses the bed named by $env:SMTPTLS_TESTBED; without it, starts and stops its own.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $skipReason = Get-SmtpTestBedSkipReason
    $script:SkipBed = [bool]$skipReason
    $script:SkipNote = if ($SkipBed) { " (skipped: $skipReason)" } else { '' }
    # The case ids, from the bed module's own table (no bed needs to run at discovery).
    $script:CaseIds = @(Get-SmtpTestBedDnssecCaseId)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:Bed = Use-SmtpTestBed
    $script:Dnssec = Get-SmtpTestBedDnssec -Root $Bed.Root
    $script:Cases = @{}
    foreach ($property in $Dnssec.Cases.PSObject.Properties) { $script:Cases[$property.Name] = $property.Value }

    function Get-Case([string] $Id) {
        if (-not $Cases.ContainsKey($Id)) { throw "The running bed has no DNSSEC case '$Id' (skipped: $(@($Dnssec.SkippedCases) -join '; '))" }
        $Cases[$Id]
    }

    function Get-Record {
        <# The records of one type from a reply section (presentation lines, whitespace collapsed). #>
        param([string[]] $Section, [Parameter(Mandatory)] [string] $Type, [string] $Covered)
        @($Section | Where-Object {
                $fields = @($_ -split ' ')
                $fields.Count -gt 4 -and $fields[3] -eq $Type -and (-not $Covered -or $fields[4] -eq $Covered)
            })
    }

    function Get-TlsaData {
        <# "3 1 1 <hex>" of TLSA records, hex lower case and unsplit (dig splits long hex). #>
        param([string[]] $Record)
        @($Record | ForEach-Object {
                $fields = @($_ -split ' ')
                "$($fields[4]) $($fields[5]) $($fields[6]) $((-join $fields[7..($fields.Count - 1)]).ToLowerInvariant())"
            } | Sort-Object)
    }

    function Query([string] $Name, [string] $Type, [switch] $CheckingDisabled, [switch] $Authoritative) {
        Invoke-SmtpTestBedDnsQuery -Root $Bed.Root -Name $Name -Type $Type -CheckingDisabled:$CheckingDisabled -Authoritative:$Authoritative
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe "DNSSEC bed: unbound validates the test zones from the test root's key$SkipNote" -Tag 'Dnssec', 'Unbound' -Skip:$SkipBed {
    It 'is up, on its own loopback addresses, with a trust anchor as DS and as DNSKEY' {
        $Dnssec.Available | Should -BeTrue
        $Dnssec.Resolver.Address | Should -Match '^127\.'
        $Dnssec.Resolver.Port | Should -Be 53
        $Dnssec.Authoritative.Address | Should -Match '^127\.'
        $ds = @(Get-Content -LiteralPath $Dnssec.TrustAnchorFile | Where-Object { $_ -and -not $_.StartsWith(';') })
        $key = @(Get-Content -LiteralPath $Dnssec.TrustAnchorKeyFile | Where-Object { $_ -and -not $_.StartsWith(';') })
        $ds | Should -HaveCount 1
        $ds[0] | Should -Match '^\. \d+ IN DS \d+ 8 2 [0-9a-f]{64}$'
        $key[0] | Should -Match '^\. \d+ IN DNSKEY 257 3 8 \S+$'
        # The anchor is the key the root really signs its DNSKEY set with (key tag in the DS = a 257 key served).
        $tag = ($ds[0] -split ' ')[4]
        $reply = Query '.' 'DNSKEY'
        $reply.Ad | Should -BeTrue
        @(Get-Record $reply.Answer 'RRSIG' 'DNSKEY' | Where-Object { ($_ -split ' ')[10] -eq $tag }) | Should -Not -BeNullOrEmpty
        @($Dnssec.SkippedCases) | Should -BeNullOrEmpty -Because 'the full bed runs every scenario the cases need'
    }

    It 'answers a Secure zone with AD: MX, A and TLSA of good.test' {
        $case = Get-Case 'good'
        $mx = Query $case.Domain 'MX'
        $mx.Rcode | Should -Be 'NOERROR'
        $mx.Ad | Should -BeTrue
        Get-Record $mx.Answer 'MX' | Should -Match ' MX 10 mx\.good\.test\.$'
        (Query $case.MxHosts[0].Name 'A').Ad | Should -BeTrue
        $tlsa = Query $case.MxHosts[0].TlsaOwner 'TLSA'
        $tlsa.Ad | Should -BeTrue
        Get-TlsaData (Get-Record $tlsa.Answer 'TLSA') | Should -Be @($case.MxHosts[0].Tlsa)
        Get-Record $tlsa.Answer 'RRSIG' 'TLSA' | Should -HaveCount 1
    }

    It 'serves every published TLSA set as the descriptor says, Secure ones with AD' {
        $problems = foreach ($case in $Cases.Values) {
            foreach ($mxHost in $case.MxHosts) {
                if ($mxHost.TlsaState -notin 'Secure', 'Insecure') { continue }
                $reply = Query $mxHost.TlsaOwner 'TLSA'
                $data = Get-TlsaData (Get-Record $reply.Answer 'TLSA')
                if ($reply.Rcode -ne 'NOERROR' -or ($data -join ',') -ne (@($mxHost.Tlsa | Sort-Object) -join ',') -or $reply.Ad -ne ($mxHost.TlsaState -eq 'Secure')) {
                    "$($case.Id) $($mxHost.TlsaOwner): $($reply.Rcode) AD=$($reply.Ad) [$($data -join ', ')]"
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'fails Bogus data with SERVFAIL and hands it out with CD=1: <_>' -ForEach @('bogus-tlsa', 'expired-tlsa') {
        $mxHost = (Get-Case $_).MxHosts[0]
        $mxHost.TlsaState | Should -Be 'Bogus'
        (Query $mxHost.TlsaOwner 'TLSA').Rcode | Should -Be 'SERVFAIL'
        $raw = Query $mxHost.TlsaOwner 'TLSA' -CheckingDisabled
        $raw.Rcode | Should -Be 'NOERROR'
        $raw.Ad | Should -BeFalse
        $raw.Flags | Should -Contain 'cd'
        Get-TlsaData (Get-Record $raw.Answer 'TLSA') | Should -Be @($mxHost.Tlsa)
        Get-Record $raw.Answer 'RRSIG' 'TLSA' | Should -HaveCount 1
        # The rest of the zone is fine: only the TLSA set is Bogus.
        (Query (Get-Case $_).Domain 'MX').Ad | Should -BeTrue
    }

    It 'really has an expired signature on the expired-tlsa TLSA set, and a valid one on good' {
        $expired = @(Get-Record (Query (Get-Case 'expired-tlsa').MxHosts[0].TlsaOwner 'TLSA' -CheckingDisabled).Answer 'RRSIG' 'TLSA')
        $good = @(Get-Record (Query (Get-Case 'good').MxHosts[0].TlsaOwner 'TLSA').Answer 'RRSIG' 'TLSA')
        $expired | Should -HaveCount 1
        $good | Should -HaveCount 1
        $now = [DateTime]::UtcNow.ToString('yyyyMMddHHmmss')
        # RRSIG fields: owner TTL IN RRSIG covered algorithm labels original-TTL expiration inception ...
        ($expired[0] -split ' ')[8] | Should -Match '^\d{14}$'
        ($expired[0] -split ' ')[8] | Should -BeLessThan $now
        ($good[0] -split ' ')[8] | Should -BeGreaterThan $now
    }

    It 'fails a Bogus MX set (bogus-mx) and hands it out with CD=1' {
        $case = Get-Case 'bogus-mx'
        (Query $case.Domain 'MX').Rcode | Should -Be 'SERVFAIL'
        $raw = Query $case.Domain 'MX' -CheckingDisabled
        $raw.Rcode | Should -Be 'NOERROR'
        Get-Record $raw.Answer 'MX' | Should -HaveCount 1
    }

    It 'answers the unsigned child without AD (Insecure), its TLSA record included' {
        $case = Get-Case 'unsigned'
        $ds = Query $case.Domain 'DS'
        $ds.Rcode | Should -Be 'NOERROR'
        Get-Record $ds.Answer 'DS' | Should -BeNullOrEmpty
        $ds.Ad | Should -BeTrue -Because 'test. proves with NSEC3 that there is no DS'
        Get-Record $ds.Authority 'NSEC3' | Should -Not -BeNullOrEmpty
        $tlsa = Query $case.MxHosts[0].TlsaOwner 'TLSA'
        $tlsa.Rcode | Should -Be 'NOERROR'
        $tlsa.Ad | Should -BeFalse
        Get-Record $tlsa.Answer 'TLSA' | Should -HaveCount 1
    }

    It 'proves the absence of TLSA records with <Denial> (<Id>): NODATA with AD' -ForEach @(
        @{ Id = 'nsec3-notlsa'; Denial = 'NSEC3' }, @{ Id = 'nsec-notlsa'; Denial = 'NSEC' }) {
        $mxHost = (Get-Case $Id).MxHosts[0]
        $mxHost.TlsaState | Should -Be 'NoRecords'
        $reply = Query $mxHost.TlsaOwner 'TLSA'
        $reply.Rcode | Should -Be 'NXDOMAIN' -Because 'no name exists below the MX host'
        $reply.Ad | Should -BeTrue
        Get-Record $reply.Answer 'TLSA' | Should -BeNullOrEmpty
        Get-Record $reply.Authority $Denial | Should -Not -BeNullOrEmpty
        Get-Record $reply.Authority 'RRSIG' $Denial | Should -Not -BeNullOrEmpty
        # NODATA proper: the host exists, it has no TLSA (nor AAAA).
        $nodata = Query $mxHost.Name 'TLSA'
        $nodata.Rcode | Should -Be 'NOERROR'
        $nodata.Ad | Should -BeTrue
        Get-Record $nodata.Answer 'TLSA' | Should -BeNullOrEmpty
        Get-Record $nodata.Authority $Denial | Should -Not -BeNullOrEmpty
    }

    It 'signs the rrsig-expiring zone for 3 days only, as the descriptor says' {
        $mxHost = (Get-Case 'rrsig-expiring').MxHosts[0]
        $reply = Query $mxHost.TlsaOwner 'TLSA'
        $reply.Ad | Should -BeTrue
        $signature = @(Get-Record $reply.Answer 'RRSIG' 'TLSA')
        $signature | Should -HaveCount 1
        $expires = [DateTime]::ParseExact(($signature[0] -split ' ')[8], 'yyyyMMddHHmmss',
            [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
        ($expires - [DateTime]::UtcNow).TotalDays | Should -BeGreaterThan 2
        ($expires - [DateTime]::UtcNow).TotalDays | Should -BeLessOrEqual 3
        $expires | Should -Be ([DateTime]$mxHost.TlsaSignatureExpiresUtc).ToUniversalTime()
    }

    It 'is authoritative on NSD without ever setting AD, RRSIGs included' {
        $reply = Query 'good.test' 'MX' -Authoritative
        $reply.Flags | Should -Contain 'aa'
        $reply.Ad | Should -BeFalse
        Get-Record $reply.Answer 'RRSIG' 'MX' | Should -HaveCount 1
    }
}

Describe "DNSSEC bed: posttls-finger's verdicts are what each case means$SkipNote" -Tag 'Dnssec', 'Unbound', 'Postfix' -Skip:$SkipBed {
    BeforeAll {
        $domains = @($Cases.Values | ForEach-Object Domain)
        $script:Verdicts = @(Invoke-SmtpTestBedDaneOracle -Root $Bed.Root -Domain $domains -Level dane, dane-only, verify, secure)
    }

    It '<_>: every MX host, every level' -ForEach $CaseIds {
        $case = Get-Case $_
        $mismatches = foreach ($level in 'dane', 'dane-only', 'verify', 'secure') {
            $found = @($Verdicts | Where-Object { $_.Domain -eq $case.Domain -and $_.Level -eq $level })
            $expectedHosts = if ($case.MxBogus) { @($null) } else { @($case.MxHosts.Name) }
            if ((@($found.MxHost) -join ',') -ne ($expectedHosts -join ',')) { "$($level): verdicts for [$(@($found.MxHost) -join ', ')], expected [$($expectedHosts -join ', ')]"; continue }
            foreach ($verdict in $found) {
                $mxHost = if ($verdict.MxHost) { @($case.MxHosts | Where-Object Name -eq $verdict.MxHost)[0] } else { $case.MxHosts[0] }
                $expected = $mxHost.Expect.$level
                if ($verdict.Delivered -ne $expected.Delivered -or $verdict.Failure -ne $expected.Failure -or $verdict.Trust -ne $expected.Trust) {
                    "$level $($verdict.MxHost): delivered=$($verdict.Delivered) trust=$($verdict.Trust) failure=$($verdict.Failure) (expected $($expected.Delivered)/$($expected.Trust)/$($expected.Failure)); posttls-finger: $($verdict.Detail)"
                }
            }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'reads the TLSA state the zones publish (dane level)' {
        $states = @{ 'good' = 'Usable'; 'bogus-tlsa' = 'LookupError'; 'expired-tlsa' = 'LookupError'; 'unsigned' = 'NotFound'; 'nsec3-notlsa' = 'NotFound'; 'nsec-notlsa' = 'NotFound' }
        foreach ($id in $states.Keys) {
            $verdict = @($Verdicts | Where-Object { $_.Domain -eq (Get-Case $id).Domain -and $_.Level -eq 'dane' })[0]
            $verdict.TlsaState | Should -Be $states[$id] -Because "case $id"
        }
    }

    It 'saw TLS 1.2 or 1.3 and the MX address 127.0.0.1 wherever it connected' {
        $connected = @($Verdicts | Where-Object TlsEstablished)
        $connected | Should -Not -BeNullOrEmpty
        # (ForEach-Object: an array has an Address method of its own.)
        $connected | ForEach-Object Address | Sort-Object -Unique | Should -Be '127.0.0.1'
        $connected | ForEach-Object Protocol | Sort-Object -Unique | ForEach-Object { $_ | Should -BeIn 'TLSv1.2', 'TLSv1.3' }
    }
}

Describe "DNSSEC bed: nothing leaves loopback$SkipNote" -Tag 'Dnssec', 'Unbound' -Skip:$SkipBed {
    It 'configures unbound with no forwarder, no root hints in use and loopback-only sources' {
        $config = Get-Content -LiteralPath (Join-Path $Dnssec.Directory 'unbound.conf')
        $config | Where-Object { $_ -match '^\s*(forward-zone|forward-addr|root-hints|auto-trust-anchor-file):' } | Should -BeNullOrEmpty
        ($config | Select-String '^\s*stub-addr:').Line.Trim() | Should -Be "stub-addr: $($Dnssec.Authoritative.Address)@$($Dnssec.Authoritative.Port)"
        ($config | Select-String '^\s*outgoing-interface:').Line.Trim() | Should -Be "outgoing-interface: $($Dnssec.Resolver.Address)"
        ($config | Select-String '^\s*trust-anchor-file:').Line | Should -Match ([regex]::Escape($Dnssec.TrustAnchorFile))
    }

    It 'answers a name of the real DNS from the test root: NXDOMAIN, proven by the test root''s NSEC' {
        $reply = Query 'example.com' 'A'
        $reply.Rcode | Should -Be 'NXDOMAIN'
        $reply.Ad | Should -BeTrue
        Get-Record $reply.Authority 'SOA' | Should -Match '^\. \d+ IN SOA ns\.test\. '
        Get-Record $reply.Authority 'NSEC' | Should -Not -BeNullOrEmpty
    }

    It 'logged only loopback clients and only the bed''s NSD as upstream (the query log)' {
        $log = Get-Content -LiteralPath $Dnssec.QueryLog
        $clients = @($log | ForEach-Object { if ($_ -match ' info: ([0-9a-f]*[.:][0-9a-f.:]*) \S+ [A-Z0-9]+ IN$') { $Matches[1] } } | Sort-Object -Unique)
        $upstreams = @($log | ForEach-Object { if ($_ -match ' info: reply from <[^>]*> ([0-9a-f.:]+)#(\d+)$') { "$($Matches[1])#$($Matches[2])" } } | Sort-Object -Unique)
        $clients | Should -Not -BeNullOrEmpty
        $clients | ForEach-Object { $_ | Should -Match '^127\.' }
        $upstreams | Should -Be "$($Dnssec.Authoritative.Address)#$($Dnssec.Authoritative.Port)"
        # posttls-finger's queries are in it: it asked this unbound, not the machine's resolver.
        $log | Where-Object { $_ -match ' info: 127\.\d+\.\d+\.\d+ _\d+\._tcp\.mx\.good\.test\. TLSA IN$' } | Should -Not -BeNullOrEmpty
    }
}
