# What users hand results on with: Export-Csv/ConvertTo-Csv, ConvertTo-Json at its default depth, and
# PowerShell's serialization at remoting depth (1). Runs every cmdlet against the test bed.
#
# The JSON shape is an interface for monitoring systems (README "JSON shape"): the snapshot files in
# Fixtures/JsonShape list every property path of one output of each kind. When a property is added or
# removed on purpose, rewrite them with  $env:SMTPTLS_UPDATE_JSON_SHAPE = '1'  and one run of this file,
# then review the diff of the snapshot files and the README section together.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:BedSkipReason = Get-SmtpTestBedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed -Scenario good, broken-cert, expired
    $script:ShapeFolder = Join-Path $PSScriptRoot 'Fixtures/JsonShape'

    function Get-Endpoint([string] $Scenario) { "$($Bed.Scenarios.$Scenario.Address):$($Bed.Scenarios.$Scenario.Port)" }

    function Get-UnreadableCsvColumn {
        <# The columns of ConvertTo-Csv whose value is a type name instead of data ("System.String[]", "SmtpTls.X"). #>
        param([object] $InputObject)
        $row = $InputObject | ConvertTo-Csv | ConvertFrom-Csv
        @($row.psobject.Properties | Where-Object { $_.Value -match '^(System|SmtpTls)\.[\w.`\[\], =]+$' } | ForEach-Object Name)
    }

    function Get-JsonPath {
        <# Every property path of a parsed JSON value: "Findings[].Id", "Certificate.Subject", ... #>
        param([object] $Node, [string] $Prefix = '')
        if ($Node -is [System.Collections.IDictionary]) {
            foreach ($key in $Node.Keys) {
                $path = if ($Prefix) { "$Prefix.$key" } else { [string]$key }
                $path
                Get-JsonPath -Node $Node[$key] -Prefix $path
            }
        }
        elseif ($Node -is [System.Collections.IList]) {
            foreach ($item in $Node) { Get-JsonPath -Node $item -Prefix "$Prefix[]" }
        }
    }

    function Assert-JsonShape {
        <# Compares the JSON property paths of one object with its snapshot (or rewrites the snapshot). #>
        param([string] $Name, [object] $InputObject)
        $json = $InputObject | ConvertTo-Json -WarningVariable truncation -WarningAction SilentlyContinue
        $truncation | Should -BeNullOrEmpty -Because 'ConvertTo-Json at its default depth must not truncate'
        $paths = @(Get-JsonPath -Node ($json | ConvertFrom-Json -AsHashtable) | Sort-Object -Unique)
        $file = Join-Path $ShapeFolder "$Name.txt"
        if ($env:SMTPTLS_UPDATE_JSON_SHAPE -eq '1') {
            Set-Content -LiteralPath $file -Value $paths -Encoding utf8
        }
        $expected = @(Get-Content -LiteralPath $file | Where-Object { $_ })
        $added = @($paths | Where-Object { $_ -notin $expected })
        $removed = @($expected | Where-Object { $_ -notin $paths })
        "added: $($added -join ', '); removed: $($removed -join ', ')" | Should -Be 'added: ; removed: ' -Because "the JSON shape is an interface (Fixtures/JsonShape/$Name.txt)"
        $json
    }

    $common = @{ ServerName = $Bed.ServerName; TrustedRootPath = $Bed.CaFile; TimeoutSeconds = 10 }
    $script:Passed = Test-SmtpTls -Server (Get-Endpoint good) -ProtocolScan @common
    $script:Failed = Test-SmtpTls -Server (Get-Endpoint broken-cert) @common
    $script:Expired = Test-SmtpTls -Server (Get-Endpoint expired) @common
    $script:Certificate = Get-SmtpCertificate -Server (Get-Endpoint good) @common
    $script:Resolution = Resolve-SmtpError '454 4.7.0 TLS not available due to local problem'
    $script:Sent = Send-SmtpTestMessage -Server (Get-Endpoint good) -From 'sender@smtptls.test' -To 'mailbox@smtptls.test', 'postmaster@smtptls.test' @common
}

AfterAll { Stop-OwnSmtpTestBed }

Describe 'Export-Csv of every output type' -Skip:([bool]$BedSkipReason) -Tag 'Postfix' {
    It 'writes data, not type names, in every column of <Name>' -ForEach @(
        @{ Name = 'a passed Test-SmtpTls result'; Variable = 'Passed' }
        @{ Name = 'a failed Test-SmtpTls result'; Variable = 'Failed' }
        @{ Name = 'Get-SmtpCertificate'; Variable = 'Certificate' }
        @{ Name = 'Resolve-SmtpError'; Variable = 'Resolution' }
        @{ Name = 'Send-SmtpTestMessage'; Variable = 'Sent' }
    ) {
        $object = Get-Variable -Name $Variable -Scope Script -ValueOnly
        $object | Should -Not -BeNullOrEmpty
        Get-UnreadableCsvColumn $object | Should -BeNullOrEmpty
    }

    It 'writes findings as Id(Severity), lists joined, the certificate as subject, issuer and expiry' {
        $row = $Expired | ConvertTo-Csv | ConvertFrom-Csv
        $row.Findings | Should -Match '^CertificateExpired\(Error\)'
        $row.Findings | Should -Be (($Expired.Findings | ForEach-Object { "$($_.Id)($($_.Severity))" }) -join '; ')
        $row.Certificate | Should -Match ('^' + [regex]::Escape($Expired.Certificate.Subject) + '; issuer .+; expires \d{4}-\d{2}-\d{2}$')
        $row.CapabilitiesBeforeTls | Should -Match '(^|; )STARTTLS(;|$)'
        $passedRow = $Passed | ConvertTo-Csv | ConvertFrom-Csv
        $passedRow.SupportedProtocols | Should -Match 'Tls13=Accepted'
        $passedRow.PresentedChain | Should -Match 'Intermediate.*\(expires \d{4}-'
        ($Sent | ConvertTo-Csv | ConvertFrom-Csv).To | Should -Be 'mailbox@smtptls.test; postmaster@smtptls.test'
    }

    It 'keeps the typed objects for the pipeline' {
        $Expired.Findings[0].Id | Should -Be 'CertificateExpired'
        $Expired.Findings.Count | Should -Be @($Expired.Findings).Count
        $Passed.CapabilitiesAfterTls -contains 'AUTH' -or $Passed.CapabilitiesAfterTls.Count -gt 0 | Should -BeTrue
        $Passed.PresentedChain[0].GetCertificate() | Should -BeOfType ([System.Security.Cryptography.X509Certificates.X509Certificate2])
        $Passed.GetPresentedCertificates()[0].Thumbprint | Should -Be $Passed.Certificate.Thumbprint
        $Certificate.GetCertificate().Thumbprint | Should -Be $Certificate.Thumbprint
    }
}

Describe 'ConvertTo-Json at its default depth' -Skip:([bool]$BedSkipReason) -Tag 'Postfix' {
    It 'gives <Name> without truncation and in the shape of its snapshot' -ForEach @(
        @{ Name = 'TestSmtpTls.Passed'; Variable = 'Passed' }
        @{ Name = 'TestSmtpTls.Failed'; Variable = 'Failed' }
        @{ Name = 'GetSmtpCertificate'; Variable = 'Certificate' }
        @{ Name = 'ResolveSmtpError'; Variable = 'Resolution' }
        @{ Name = 'SendSmtpTestMessage'; Variable = 'Sent' }
    ) {
        $null = Assert-JsonShape -Name $Name -InputObject (Get-Variable -Name $Variable -Scope Script -ValueOnly)
    }

    It 'keeps a result to a few KB without its transcript' {
        foreach ($result in $Passed, $Failed, $Expired) {
            $json = $result | Select-Object -Property * -ExcludeProperty Transcript | ConvertTo-Json -Compress -WarningAction SilentlyContinue
            $json.Length | Should -BeLessThan 6KB
        }
    }

    It 'carries the essentials: findings with id, severity and message; certificate summary; resolution' {
        $failed = $Failed | ConvertTo-Json | ConvertFrom-Json
        $failed.Findings[0].Id | Should -Be 'TlsNotAvailable'
        $failed.Findings[0].Severity | Should -Be 'Error'
        $failed.Findings[0].Message | Should -Not -BeNullOrEmpty
        $failed.Resolution.Category | Should -Be 'TlsNotAvailable'
        $failed.Resolution.IsTransient | Should -BeTrue
        $expired = $Expired | ConvertTo-Json | ConvertFrom-Json
        $expired.Certificate.Subject | Should -Be $Expired.Certificate.Subject
        $expired.Certificate.IsExpired | Should -BeTrue
        $expired.Certificate.DaysUntilExpiry | Should -BeLessThan 0
    }

    It 'keeps the nested detail when the object itself is converted: remediation steps, the chain' {
        ($Resolution | ConvertTo-Json | ConvertFrom-Json).Remediation[0].Action | Should -Not -BeNullOrEmpty
        ($Certificate | ConvertTo-Json | ConvertFrom-Json).Chain.Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Serialization at remoting depth' -Skip:([bool]$BedSkipReason) -Tag 'Postfix' {
    # Remoting and jobs serialize at depth 1; SmtpTls.Types.ps1xml raises it for the output types.
    # tests/Pester/Remoting.Tests.ps1 checks the same through real PowerShell remoting over SSH.
    It 'keeps findings, resolution, certificate summary and remediation' {
        $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Failed, 1))
        $back.Findings[0].Id | Should -Be 'TlsNotAvailable'
        $back.Findings[0].Severity | Should -Be 'Error'
        $back.Findings[0].Message | Should -Not -BeNullOrEmpty
        $back.Resolution.Category | Should -Be 'TlsNotAvailable'
        $back.Resolution.IsTransient | Should -BeTrue
        $back.Resolution.Remediation[0].Action | Should -Not -BeNullOrEmpty

        $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Expired, 1))
        $back.Certificate.Subject | Should -Be $Expired.Certificate.Subject
        $back.Certificate.NotAfter | Should -Be $Expired.Certificate.NotAfter
        $back.Certificate.ChainStatus | Should -Not -BeNullOrEmpty
    }
}
