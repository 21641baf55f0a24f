# A German session (LANG=de_DE.UTF-8, no -Culture) gets German finding messages, warnings and
# remediation from the cmdlets. Each case runs in a fresh pwsh, because the UI culture is taken
# from the environment when the process starts.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    # The module is imported in each German child process, not here; Use-SmtpTestBed sets $BedPath.
    $script:Bed = Use-SmtpTestBed

    function Invoke-GermanSession([scriptblock] $ScriptBlock) {
        <# Runs the block in a new pwsh whose locale is German; returns its JSON output as an object. #>
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($ScriptBlock.ToString()))
        $saved = @{ LANG = $env:LANG; LC_ALL = $env:LC_ALL; SMTPTLS_MODULE = $env:SMTPTLS_MODULE; SMTPTLS_TESTBED = $env:SMTPTLS_TESTBED }
        try {
            $env:LANG = 'de_DE.UTF-8'; $env:LC_ALL = $null
            $env:SMTPTLS_MODULE = $ModulePath; $env:SMTPTLS_TESTBED = $BedPath
            $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
            $output = & $pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
            $json = $output | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1
            if (-not $json) { throw "The German session printed no JSON: $($output -join "`n")" }
            $json | ConvertFrom-Json
        }
        finally {
            foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
        }
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'A German session' -Tag 'Postfix', 'Scripted' {
    It 'gets German finding messages and resolution from Test-SmtpTls' {
        $result = Invoke-GermanSession {
            Import-Module $env:SMTPTLS_MODULE
            $bed = Get-Content $env:SMTPTLS_TESTBED -Raw | ConvertFrom-Json
            $target = $bed.Hostile.'starttls-454'
            $check = Test-SmtpTls -Server "$($target.Address):$($target.Port)" -ServerName mail.smtptls.test -TimeoutSeconds 10
            [pscustomobject]@{
                Culture  = [cultureinfo]::CurrentUICulture.Name
                Finding  = $check.Findings[0].Message
                FirstCause = $check.Resolution.Causes[0]
            } | ConvertTo-Json -Compress
        }
        $result.Culture | Should -Be 'de-DE'
        $result.Finding | Should -Match 'lehnt es aber ab'
        $result.FirstCause | Should -Match 'Zertifikat|Schlüssel'
    }

    It 'gets German messages for input it cannot use' {
        $result = Invoke-GermanSession {
            Import-Module $env:SMTPTLS_MODULE
            $check = Test-SmtpTls -Server 'bad host name!!'
            [pscustomobject]@{ Status = $check.Status; Finding = $check.Findings[0].Message } | ConvertTo-Json -Compress
        }
        $result.Status | Should -Be 'Error'
        $result.Finding | Should -Match 'weder ein Hostname noch eine IP-Adresse'
    }

    It 'gets German warnings from Send-SmtpTestMessage' {
        if (-not $Bed.Available) { Set-ItResult -Skipped -Because "Postfix scenarios are not running: $($Bed.Reason)"; return }
        $result = Invoke-GermanSession {
            Import-Module $env:SMTPTLS_MODULE
            $bed = Get-Content $env:SMTPTLS_TESTBED -Raw | ConvertFrom-Json
            $target = $bed.Scenarios.'no-starttls'
            $send = Send-SmtpTestMessage -Server "$($target.Address):$($target.Port)" -From 'probe@smtptls.test' -To 'german@smtptls.test' -TlsMode Opportunistic -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
            [pscustomobject]@{ Accepted = $send.Accepted; Warnings = @($warnings | ForEach-Object Message) } | ConvertTo-Json -Compress
        }
        $result.Accepted | Should -BeTrue
        $result.Warnings | Should -Not -BeNullOrEmpty
        ($result.Warnings -join "`n") | Should -Match 'unverschlüsselt'
    }

    It 'gets German remediation from Resolve-SmtpError without -Culture' {
        $result = Invoke-GermanSession {
            Import-Module $env:SMTPTLS_MODULE
            $resolution = '454 4.7.0 TLS not available due to local problem' | Resolve-SmtpError
            [pscustomobject]@{ Culture = $resolution.Culture; Sender = ($resolution.Remediation | Where-Object Audience -eq 'Sender' | Select-Object -First 1).Action } | ConvertTo-Json -Compress
        }
        $result.Culture | Should -BeLike 'de*'
        $result.Sender | Should -Match 'Temporärer Fehler'
    }
}
