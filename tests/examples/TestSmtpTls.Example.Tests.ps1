# Example: guard your mail servers' TLS with Pester.
#
#   Describe 'mx.example.org' {
#       It 'offers valid STARTTLS' { Test-SmtpTls -Server mx.example.org -Quiet | Should -BeTrue }
#       It 'only TLS 1.2+' {
#           (Test-SmtpTls -Server mx.example.org -ProtocolScan).Findings.Id | Should -Not -Contain 'LegacyProtocol'
#       }
#   }
#
# Here the "mail server" is the test bed's good Postfix on loopback, with a private CA passed
# through -TrustedRootPath; in your own tests use your MX host names and drop -TrustedRootPath.

BeforeAll {
    # In your own tests: Import-Module SmtpTls. Here: the published module and the bed's good Postfix.
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed -Scenario good
    $script:Mx = $Bed.Scenarios.good
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Our mail server' -Tag 'Postfix' {
    It 'offers STARTTLS with a valid certificate for its name' {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because $Bed.Reason; return }
        Test-SmtpTls -Server "$($Mx.Address):$($Mx.Port)" -ServerName $Mx.ServerName -TrustedRootPath $Bed.CaFile -Quiet | Should -BeTrue
    }

    It 'has a certificate that is valid for at least two more weeks' {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because $Bed.Reason; return }
        $result = Test-SmtpTls -Server "$($Mx.Address):$($Mx.Port)" -ServerName $Mx.ServerName -TrustedRootPath $Bed.CaFile
        $result.DaysUntilExpiry | Should -BeGreaterThan 14
    }
}
