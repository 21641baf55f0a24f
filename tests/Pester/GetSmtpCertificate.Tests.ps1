# Get-SmtpCertificate against the test bed (real Postfix per TLS scenario). Runs against the published
# module ($env:SMTPTLS_MODULE) and the bed named by $env:SMTPTLS_TESTBED; without that variable the bed
# is started here and stopped afterwards. openssl is the independent oracle for PEM and TLSA.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed

    $script:OpenSsl = Get-Command openssl -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-getcert-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $WorkDir

    function Get-Endpoint([string] $Scenario) {
        $entry = $Bed.Scenarios.$Scenario
        $address = if ($entry.Address -match ':') { "[$($entry.Address)]" } else { $entry.Address }
        "${address}:$($entry.Port)"
    }

    function Get-ScenarioParameters([string] $Scenario) {
        <# The parameters for one Postfix scenario: endpoint, the bed's name and CA. #>
        $entry = $Bed.Scenarios.$Scenario
        @{ Server = (Get-Endpoint $Scenario); ServerName = $entry.ServerName; TrustedRootPath = $Bed.CaFile; TimeoutSeconds = 10 }
    }

    function Get-Scenario {
        <# Get-SmtpCertificate on one Postfix scenario; extra parameters pass through. #>
        param([string] $Scenario, [hashtable] $With = @{})
        $parameters = Get-ScenarioParameters $Scenario
        foreach ($key in $With.Keys) { $parameters[$key] = $With[$key] }
        Get-SmtpCertificate @parameters
    }

    function Skip-WithoutPostfix {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)" }
        -not $Bed.Available
    }

    function Skip-WithoutOpenSsl {
        if (-not $OpenSsl) { Set-ItResult -Skipped -Because 'openssl is not installed' }
        -not $OpenSsl
    }

    function Invoke-Shell([string] $Command) {
        <# Binary pipes between native tools go through sh, the same on every PowerShell version. #>
        $output = & /bin/sh -c $Command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "'$Command' failed ($LASTEXITCODE): $output" }
        $output
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
    if ($WorkDir -and (Test-Path $WorkDir)) { Remove-Item $WorkDir -Recurse -Force }
}

Describe 'Get-SmtpCertificate: command shape' -Tag 'Unit' {
    It 'takes -Server from the pipeline by value and by property name, with the usual aliases' {
        $command = Get-Command Get-SmtpCertificate
        $server = $command.Parameters['Server']
        $server.ParameterType | Should -Be ([string[]])
        $server.Aliases | Should -Contain 'ComputerName'
        $server.Aliases | Should -Contain 'HostName'
        $attribute = $server.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $attribute.ValueFromPipeline | Should -BeTrue
        $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        foreach ($name in 'Port', 'TlsMode', 'ServerName', 'TrustedRootPath', 'TimeoutSeconds', 'ExpiringWithinDays', 'OutFile', 'Force', 'WhatIf', 'Confirm') {
            $command.Parameters.Keys | Should -Contain $name
        }
        $command.OutputType.Name | Should -Contain 'SmtpTls.SmtpCertificateInfo'
    }

    It 'has a default list view and an Expiry table view' {
        Get-FormatData -TypeName SmtpTls.SmtpCertificateInfo | Should -Not -BeNullOrEmpty
        (Get-FormatData -TypeName SmtpTls.SmtpCertificateInfo).FormatViewDefinition.Name | Should -Contain 'Expiry'
    }

    It '-OutFile refuses an existing file without -Force, before connecting anywhere' {
        $path = Join-Path $WorkDir 'exists.pem'
        Set-Content -Path $path -Value 'keep me'
        # Port 1 on loopback is closed: the refusal must come before any connection attempt.
        { Get-SmtpCertificate -Server 127.0.0.1:1 -OutFile $path -TimeoutSeconds 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutFileExists,SmtpTls.Commands.GetSmtpCertificateCommand'
        Get-Content -Path $path -Raw | Should -Match 'keep me'
    }

    It 'a missing -TrustedRootPath is a terminating error naming the path' {
        $missing = Join-Path $WorkDir 'no-such-root.pem'
        { Get-SmtpCertificate -Server 127.0.0.1 -TrustedRootPath $missing -ErrorAction Stop } | Should -Throw "*no-such-root.pem*"
    }
}

Describe 'Get-SmtpCertificate on the Postfix scenarios' -Tag 'Postfix' {
    It 'good: leaf subject and names, leaf + intermediate presented, chain to the private root' {
        if (Skip-WithoutPostfix) { return }
        $entry = $Bed.Scenarios.good
        $info = Get-Scenario good

        $info | Should -HaveCount 1
        $info.GetType().FullName | Should -Be 'SmtpTls.SmtpCertificateInfo'
        $info.Server | Should -Be $entry.Address
        $info.Port | Should -Be $entry.Port
        $info.Subject | Should -Be 'CN=mail.smtptls.test'
        $info.DnsNames | Should -Be @('mail.smtptls.test')
        $info.PresentedChain | Should -HaveCount 2
        $info.PresentedChain[1].Subject | Should -Match 'Intermediate'
        $info.Chain | Should -HaveCount 3
        $info.Chain[2].Source | Should -Be 'TrustAnchor'
        $info.Chain[2].IsSelfSigned | Should -BeTrue
        $info.ChainValid | Should -BeTrue -Because ($info.ChainStatus -join '; ')
        $info.ChainStatus | Should -BeNullOrEmpty
        $info.IncompleteChain | Should -BeFalse
        $info.HostnameMatch | Should -BeTrue
        $info.IsValid | Should -BeTrue
        $info.KeyAlgorithm | Should -Be 'RSA'
        $info.KeySize | Should -Be 2048
        $info.SignatureAlgorithm | Should -Be 'sha256RSA'
        $info.IsExpired | Should -BeFalse
        $info.DaysUntilExpiry | Should -BeGreaterThan 300
        $info.Thumbprint | Should -Be $info.GetCertificate().Thumbprint
        $info.Sha256Fingerprint | Should -Match '^[0-9A-F]{64}$'
        $info.TlsaSha256 | Should -Match '^[0-9a-f]{64}$'
        $info.TlsaRecord | Should -Be "3 1 1 $($info.TlsaSha256)"
    }

    It 'good: the chain ends at exactly the root in the CA file (openssl fingerprint)' {
        if ((Skip-WithoutPostfix) -or (Skip-WithoutOpenSsl)) { return }
        $info = Get-Scenario good
        $fingerprint = (Invoke-Shell "openssl x509 -in '$($Bed.CaFile)' -noout -fingerprint -sha256") -replace '^.*=', '' -replace ':', ''
        $info.Chain[-1].Sha256Fingerprint | Should -Be $fingerprint
    }

    It 'good without -TrustedRootPath: shown anyway, the private root is missing, the chain is not called incomplete' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-SmtpCertificate -Server (Get-Endpoint good) -ServerName $Bed.Scenarios.good.ServerName
        $info.Subject | Should -Be 'CN=mail.smtptls.test'
        $info.ChainValid | Should -BeFalse
        $info.ChainStatus | Should -Match '^PartialChain: '
        $info.ChainStatus | Should -Match 'TrustedRootPath'
        $info.IncompleteChain | Should -BeFalse
        $info.MissingIssuer | Should -Match 'Root CA'
    }

    It 'expired: IsExpired with negative DaysUntilExpiry, still shown' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario expired
        $info.IsExpired | Should -BeTrue
        $info.DaysUntilExpiry | Should -BeLessThan 0
        $info.ChainValid | Should -BeFalse
        $info.ChainStatus | Should -Match '^NotTimeValid: '
        $info.HostnameMatch | Should -BeTrue
    }

    It 'not-yet-valid: IsNotYetValid' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario not-yet-valid
        $info.IsNotYetValid | Should -BeTrue
        $info.IsExpired | Should -BeFalse
        $info.ChainValid | Should -BeFalse
    }

    It 'wrong-name: HostnameMatch false although the chain is valid' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario wrong-name
        $info.HostnameMatch | Should -BeFalse
        $info.DnsNames | Should -Be @('other.example.test')
        $info.ChainValid | Should -BeTrue
        $info.IsValid | Should -BeFalse
    }

    It 'incomplete-chain: one certificate presented, the status says the issuer is missing' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario incomplete-chain
        $info.PresentedChain | Should -HaveCount 1
        $info.IncompleteChain | Should -BeTrue
        $info.ChainValid | Should -BeFalse
        $info.MissingIssuer | Should -Match 'Intermediate CA'
        $info.ChainStatus | Should -Match "^PartialChain: The issuer '.*Intermediate CA.*' of .* is missing"
    }

    It 'incomplete-chain in German: same code, German text' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario incomplete-chain -With @{ Culture = [cultureinfo]'de-DE' }
        $info.ChainStatus | Should -Match '^PartialChain: Der Aussteller .* fehlt'
    }

    It 'self-signed: IsSelfSigned and untrusted' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario self-signed
        $info.IsSelfSigned | Should -BeTrue
        $info.ChainValid | Should -BeFalse
        $info.ChainStatus | Should -Match '^UntrustedRoot: '
    }

    It 'implicit: works with -TlsMode Implicit' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario implicit -With @{ TlsMode = 'Implicit' }
        $info.Subject | Should -Be 'CN=mail.smtptls.test'
        $info.ChainValid | Should -BeTrue
        $info.PresentedChain | Should -HaveCount 2
    }

    It 'broken-cert (454): no output, a TlsNotAvailable error record with the reply and the resolution' {
        if (Skip-WithoutPostfix) { return }
        $endpoint = Get-Endpoint broken-cert
        $parameters = Get-ScenarioParameters broken-cert
        $output = Get-SmtpCertificate @parameters -ErrorVariable failures -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $record = $failures[0]
        $record.FullyQualifiedErrorId | Should -Be 'TlsNotAvailable,SmtpTls.Commands.GetSmtpCertificateCommand'
        $record.TargetObject | Should -Be $endpoint
        $record.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $record.Exception.Message | Should -Match '454 4\.7\.0'
        $record.Exception.Result.StartTlsReply | Should -Match '^454'
        $resolution = $record.Exception.Data['SmtpTls.Resolution']
        $resolution | Should -Not -BeNullOrEmpty
        $resolution.GetType().FullName | Should -Be 'SmtpTls.SmtpErrorResolution'
        "$($resolution.Category)" | Should -Be 'TlsNotAvailable'
    }

    It 'broken-cert: the error record pipes into Resolve-SmtpError' {
        if (Skip-WithoutPostfix) { return }
        $parameters = Get-ScenarioParameters broken-cert
        $null = Get-SmtpCertificate @parameters -ErrorVariable failures -ErrorAction SilentlyContinue
        $resolved = $failures | Resolve-SmtpError
        $resolved | Should -HaveCount 1
        "$($resolved.Category)" | Should -Be 'TlsNotAvailable'
    }

    It 'no-starttls: a TlsNotOffered error record' {
        if (Skip-WithoutPostfix) { return }
        $parameters = Get-ScenarioParameters no-starttls
        $output = Get-SmtpCertificate @parameters -ErrorVariable failures -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'TlsNotOffered,SmtpTls.Commands.GetSmtpCertificateCommand'
    }

    It 'checks several servers in one call and takes Test-SmtpTls results from the pipeline' {
        if (Skip-WithoutPostfix) { return }
        $name = $Bed.Scenarios.good.ServerName
        $both = Get-SmtpCertificate -Server (Get-Endpoint good), (Get-Endpoint wrong-name) -ServerName $name -TrustedRootPath $Bed.CaFile
        $both | Should -HaveCount 2
        ($both.Port | Sort-Object) | Should -Be (@($Bed.Scenarios.good.Port, $Bed.Scenarios.'wrong-name'.Port) | Sort-Object)

        $piped = Test-SmtpTls -Server (Get-Endpoint implicit) -TlsMode Implicit -ServerName $name -TrustedRootPath $Bed.CaFile |
            Get-SmtpCertificate -TrustedRootPath $Bed.CaFile
        $piped.Port | Should -Be $Bed.Scenarios.implicit.Port
        $piped.ChainValid | Should -BeTrue
    }

    It 'takes a Test-SmtpTls result of an IP address checked without -ServerName (ServerName is null)' {
        if (Skip-WithoutPostfix) { return }
        $piped = Test-SmtpTls -Server (Get-Endpoint good) | Get-SmtpCertificate -TrustedRootPath $Bed.CaFile
        $piped.Port | Should -Be $Bed.Scenarios.good.Port
        $piped.HostnameMatch | Should -BeNullOrEmpty
        $piped.ChainValid | Should -BeTrue
    }

    It 'keeps its main fields through Export-Clixml/Import-Clixml' {
        if (Skip-WithoutPostfix) { return }
        $info = Get-Scenario good
        $path = Join-Path $WorkDir 'info.clixml'
        $info | Export-Clixml -Path $path
        $back = Import-Clixml -Path $path

        $back.PSObject.TypeNames | Should -Contain 'Deserialized.SmtpTls.SmtpCertificateInfo'
        foreach ($name in 'Server', 'Port', 'Subject', 'Issuer', 'Thumbprint', 'Sha256Fingerprint', 'SerialNumber', 'KeyAlgorithm', 'KeySize', 'TlsaSha256', 'ChainValid', 'HostnameMatch', 'DaysUntilExpiry', 'IsExpired') {
            $back.$name | Should -Be $info.$name -Because $name
        }
        $back.DnsNames | Should -Be $info.DnsNames
        $back.NotAfter | Should -BeOfType [datetime]
        $back.NotAfter.ToUniversalTime() | Should -Be $info.NotAfter.ToUniversalTime()
        $back.PresentedChain | Should -HaveCount 2
        $back.PresentedChain[0].Subject | Should -Be $info.Subject
        ($back | Out-String) | Should -Match 'TlsaRecord'
    }
}

Describe 'Get-SmtpCertificate -OutFile' -Tag 'Postfix' {
    It 'writes the presented chain as PEM, leaf first, that openssl parses' {
        if ((Skip-WithoutPostfix) -or (Skip-WithoutOpenSsl)) { return }
        $path = Join-Path $WorkDir 'good-chain.pem'
        $info = Get-Scenario good -With @{ OutFile = $path }

        Test-Path $path | Should -BeTrue
        (Select-String -Path $path -Pattern '-----BEGIN CERTIFICATE-----' -SimpleMatch).Count | Should -Be 2
        Invoke-Shell "openssl x509 -in '$path' -noout -subject" | Should -Match 'CN\s*=\s*mail\.smtptls\.test'
        $subjects = Invoke-Shell "openssl crl2pkcs7 -nocrl -certfile '$path' | openssl pkcs7 -print_certs -noout" | Where-Object { $_ -match '^subject=' }
        $subjects | Should -HaveCount 2
        $subjects[1] | Should -Match 'Intermediate CA'
        $info.Subject | Should -Be 'CN=mail.smtptls.test'
    }

    It 'TlsaSha256 equals openssl x509 -pubkey | openssl pkey -pubin -outform DER | sha256sum' {
        if ((Skip-WithoutPostfix) -or (Skip-WithoutOpenSsl)) { return }
        $path = Join-Path $WorkDir 'tlsa.pem'
        $info = Get-Scenario good -With @{ OutFile = $path }
        $expected = (Invoke-Shell "openssl x509 -in '$path' -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum") -split '\s+' | Select-Object -First 1
        $info.TlsaSha256 | Should -Be $expected
    }

    It 'overwrites only with -Force, and -WhatIf writes nothing' {
        if (Skip-WithoutPostfix) { return }
        $path = Join-Path $WorkDir 'overwrite.pem'
        Set-Content -Path $path -Value 'old'

        { Get-Scenario good -With @{ OutFile = $path; ErrorAction = 'Stop' } } | Should -Throw -ErrorId 'OutFileExists*'
        Get-Content $path -Raw | Should -Match 'old'

        $null = Get-Scenario good -With @{ OutFile = $path; Force = $true; WhatIf = $true }
        Get-Content $path -Raw | Should -Match 'old'

        $null = Get-Scenario good -With @{ OutFile = $path; Force = $true }
        Get-Content $path -Raw | Should -Match 'BEGIN CERTIFICATE'
    }

    It 'does not overwrite a file created while the servers were checked (checked again at write time)' {
        if (Skip-WithoutPostfix) { return }
        $path = Join-Path $WorkDir 'created-meanwhile.pem'
        Remove-Item -LiteralPath $path -ErrorAction Ignore
        # BeginProcessing sees no file; the upstream command creates it before the chain is written.
        $endpoint = Get-Endpoint good
        $null = $endpoint | ForEach-Object { Set-Content -LiteralPath $path -Value 'created meanwhile'; $_ } |
            Get-SmtpCertificate -ServerName $Bed.Scenarios.good.ServerName -OutFile $path -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -Contain 'OutFileExists,SmtpTls.Commands.GetSmtpCertificateCommand'
        Get-Content $path -Raw | Should -Match 'created meanwhile'
    }

    It 'refuses a path of another provider (Env:) instead of writing a file of that name here' {
        Push-Location $WorkDir
        try {
            { Get-SmtpCertificate -Server 127.0.0.1:1 -OutFile 'Env:/SMTPTLS_X' -TimeoutSeconds 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OutFileNotFileSystem,SmtpTls.Commands.GetSmtpCertificateCommand'
            Test-Path -LiteralPath (Join-Path $WorkDir 'SMTPTLS_X') | Should -BeFalse
            Test-Path Env:/SMTPTLS_X | Should -BeFalse
        } finally {
            Pop-Location
        }
    }

    It 'with several servers writes every chain, in input order' {
        if (Skip-WithoutPostfix) { return }
        $path = Join-Path $WorkDir 'two.pem'
        $null = Get-SmtpCertificate -Server (Get-Endpoint incomplete-chain), (Get-Endpoint good) -ServerName $Bed.Scenarios.good.ServerName -OutFile $path
        (Select-String -Path $path -Pattern '-----BEGIN CERTIFICATE-----' -SimpleMatch).Count | Should -Be 3
    }
}

Describe 'Get-SmtpCertificate -ExpiringWithinDays' -Tag 'Postfix' {
    It 'over the whole bed returns exactly the expired certificate' {
        if (Skip-WithoutPostfix) { return }
        # Every scenario, piped by property name as a fleet inventory would; those without a certificate only give errors.
        $inventory = foreach ($property in $Bed.Scenarios.PSObject.Properties) {
            [pscustomobject]@{
                ComputerName = Get-Endpoint $property.Name
                ServerName   = $property.Value.ServerName
                TlsMode      = if ($property.Value.TlsMode -eq 'Implicit') { 'Implicit' } else { 'StartTls' }
            }
        }
        $soon = $inventory | Get-SmtpCertificate -TrustedRootPath $Bed.CaFile -ExpiringWithinDays 30 -TimeoutSeconds 10 -ErrorAction SilentlyContinue

        $soon | Should -HaveCount 1
        $soon.Port | Should -Be $Bed.Scenarios.expired.Port
        $soon.IsExpired | Should -BeTrue
        $soon.ExpiresSoon | Should -BeTrue
    }

    It 'returns a certificate that expires within the window and drops it outside' {
        if (Skip-WithoutPostfix) { return }
        $days = (Get-Scenario good).DaysUntilExpiry
        Get-Scenario good -With @{ ExpiringWithinDays = $days + 1 } | Should -HaveCount 1
        Get-Scenario good -With @{ ExpiringWithinDays = [Math]::Max(0, $days - 1) } | Should -BeNullOrEmpty
    }
}
