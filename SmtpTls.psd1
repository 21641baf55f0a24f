@{
    RootModule           = 'SmtpTls.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = 'bead51c6-cf86-484e-9e1c-708fbc38fbf1'
    Author               = 'SmtpTls contributors'
    CompanyName          = 'SmtpTls contributors'
    Copyright            = '(c) 2026 SmtpTls contributors. MIT License.'
    Description          = 'Mail-server TLS administration: test STARTTLS and implicit TLS on SMTP servers, inspect the certificates they present, send test messages under an explicit TLS policy, and turn SMTP errors such as "454 4.7.0 TLS not available" into remediation objects (English and German).'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('SmtpTls.Format.ps1xml')
    TypesToProcess       = @('SmtpTls.Types.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Test-SmtpTls'
        'Get-SmtpCertificate'
        'Send-SmtpTestMessage'
        'Resolve-SmtpError'
        'Export-SmtpTlsReport'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('SMTP', 'TLS', 'STARTTLS', 'Email', 'Mail', 'Certificate', 'Postfix', 'Exchange', 'MTA-STS', 'DANE', 'Security', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/smtptls/SmtpTls'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
