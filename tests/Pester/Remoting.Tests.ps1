# Results that cross real PowerShell remoting: Invoke-Command over SSH to 127.0.0.1, into a pwsh
# started by an sshd of this file's own (its own config, host key and authorized key, a free loopback
# port, a 'powershell' subsystem). Remoting serializes at depth 1; SmtpTls.Types.ps1xml raises that for
# the module's output types, and enums cross as their names.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:BedSkipReason = Get-SmtpTestBedSkipReason
    $script:NoSsh = -not ((Test-Path /usr/sbin/sshd) -and (Get-Command ssh -CommandType Application -ErrorAction Ignore) -and (Get-Command ssh-keygen -CommandType Application -ErrorAction Ignore))
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $script:Bed = Use-SmtpTestBed -Scenario good, broken-cert, expired
    $script:SshDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-ssh-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $SshDir

    function Get-FreeLoopbackPort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $SshDir 'host_ed25519') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $SshDir 'client_ed25519') | Out-Null
    Copy-Item (Join-Path $SshDir 'client_ed25519.pub') (Join-Path $SshDir 'authorized_keys')
    # The subsystem runs this PowerShell: the dotnet host with the pwsh.dll of the running session
    # ('dotnet pwsh' is a tool shim that sshd cannot start as a subsystem).
    $dotnet = (Get-Process -Id $PID).Path
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $subsystem = Join-Path $SshDir 'pwsh-subsystem.sh'
    Set-Content -LiteralPath $subsystem -Value @(
        '#!/bin/sh'
        "export DOTNET_ROOT='$([IO.Path]::GetDirectoryName($dotnet))' NO_COLOR=1 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1"
        "exec '$dotnet' '$pwshDll' -sshs -NoLogo -NoProfile"
    )
    & chmod 700 $subsystem
    $script:SshPort = Get-FreeLoopbackPort
    $config = Join-Path $SshDir 'sshd_config'
    Set-Content -LiteralPath $config -Value @(
        "Port $SshPort"
        'ListenAddress 127.0.0.1'
        "HostKey $(Join-Path $SshDir 'host_ed25519')"
        "PidFile $(Join-Path $SshDir 'sshd.pid')"
        "AuthorizedKeysFile $(Join-Path $SshDir 'authorized_keys')"
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        'UsePAM no'
        'StrictModes no'
        "Subsystem powershell $subsystem"
    )
    # sshd insists on its privilege-separation folder.
    $null = New-Item -ItemType Directory -Path /run/sshd -Force
    $script:Sshd = Start-Process -FilePath /usr/sbin/sshd -ArgumentList @('-D', '-e', '-f', $config) -PassThru -RedirectStandardError (Join-Path $SshDir 'sshd.log')
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($true) {
        $probe = [Net.Sockets.TcpClient]::new()
        try { $probe.Connect('127.0.0.1', $SshPort); break } catch { } finally { $probe.Dispose() }
        if ($Sshd.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "sshd did not listen on 127.0.0.1:$SshPort. $(Get-Content (Join-Path $SshDir 'sshd.log') -Raw)" }
        Start-Sleep -Milliseconds 100
    }

    $script:Remote = @{
        HostName    = '127.0.0.1'
        Port        = $SshPort
        UserName    = [Environment]::UserName
        KeyFilePath = Join-Path $SshDir 'client_ed25519'
        Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
    # One remote session for all checks: starting pwsh on the far side costs seconds.
    $script:Session = New-PSSession @Remote -ErrorAction Stop
    $arguments = @{ Module = $ModulePath; Bed = $Bed }
    $script:Back = Invoke-Command -Session $Session -ArgumentList $arguments -ScriptBlock {
        param($arguments)
        Import-Module $arguments.Module -ErrorAction Stop
        $bed = $arguments.Bed
        $common = @{ ServerName = $bed.ServerName; TrustedRootPath = $bed.CaFile; TimeoutSeconds = 10 }
        [pscustomobject]@{
            Failed      = Test-SmtpTls -Server "$($bed.Scenarios.'broken-cert'.Address):$($bed.Scenarios.'broken-cert'.Port)" @common
            Expired     = Test-SmtpTls -Server "$($bed.Scenarios.expired.Address):$($bed.Scenarios.expired.Port)" @common
            Certificate = Get-SmtpCertificate -Server "$($bed.Scenarios.good.Address):$($bed.Scenarios.good.Port)" @common
            Resolution  = Resolve-SmtpError '454 4.7.0 TLS not available due to local problem'
        }
    }
    # Also the plain way, results written straight to the pipeline of Invoke-Command.
    $script:Streamed = @(Invoke-Command -Session $Session -ArgumentList $arguments -ScriptBlock {
        param($arguments)
        Import-Module $arguments.Module -ErrorAction Stop
        $bed = $arguments.Bed
        foreach ($scenario in 'good', 'broken-cert', 'expired') {
            Test-SmtpTls -Server "$($bed.Scenarios.$scenario.Address):$($bed.Scenarios.$scenario.Port)" -ServerName $bed.ServerName -TrustedRootPath $bed.CaFile -TimeoutSeconds 10
        }
    })
}

AfterAll {
    if (Get-Variable -Name Session -Scope Script -ErrorAction Ignore) { Remove-PSSession $Session -ErrorAction Ignore }
    if (Get-Variable -Name Sshd -Scope Script -ErrorAction Ignore) {
        Stop-Process -Id $Sshd.Id -Force -ErrorAction Ignore
        $null = $Sshd.WaitForExit(10000)
    }
    Stop-OwnSmtpTestBed
    if ($SshDir) { Remove-Item -LiteralPath $SshDir -Recurse -Force -ErrorAction Ignore }
}

Describe 'Results through PowerShell remoting over SSH' -Skip:([bool]$BedSkipReason -or $NoSsh) -Tag 'Postfix', 'OpenSsh' {
    It 'really ran on the far side of a remoting session' {
        $Session.Transport | Should -Be 'SSH'
        $Streamed | Should -HaveCount 3
        $Streamed[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.SmtpTls.SmtpTlsResult'
        $Streamed[0].PSComputerName | Should -Be '127.0.0.1'
    }

    It 'keeps the findings: id, severity and message' {
        $failed = $Streamed | Where-Object { $_.Findings.Id -contains 'TlsNotAvailable' }
        $failed | Should -HaveCount 1
        $failed.Findings[0].Id | Should -Be 'TlsNotAvailable'
        $failed.Findings[0].Severity | Should -Be 'Error'
        $failed.Findings[0].Message | Should -Match '454 4\.7\.0'
        ($Streamed | Where-Object Status -eq 'Failed').Findings.Id | Should -Contain 'CertificateExpired'
    }

    It 'keeps the resolution: category, transient and remediation' {
        $failed = $Streamed | Where-Object { $_.Findings.Id -contains 'TlsNotAvailable' }
        $failed.Resolution.Category | Should -Be 'TlsNotAvailable'
        $failed.Resolution.IsTransient | Should -BeTrue
        $failed.Resolution.Remediation.Count | Should -BeGreaterThan 0
        $failed.Resolution.Remediation[0].Action | Should -Not -BeNullOrEmpty
        $failed.Resolution.Remediation.Audience | Should -Contain 'Administrator'
        $Back.Resolution.Category | Should -Be 'TlsNotAvailable'
        $Back.Resolution.Remediation.Command | Where-Object { $_ } | Should -Not -BeNullOrEmpty
    }

    It 'keeps the certificate summary' {
        $expired = $Streamed | Where-Object { $_.Findings.Id -contains 'CertificateExpired' }
        $expired.Certificate.Subject | Should -Be 'CN=mail.smtptls.test'
        $expired.Certificate.Issuer | Should -Match 'Intermediate'
        $expired.Certificate.IsExpired | Should -BeTrue
        $expired.Certificate.DaysUntilExpiry | Should -BeLessThan 0
        $expired.Certificate.NotAfter | Should -BeOfType ([datetime])
        $expired.PresentedChain.Subject | Should -Contain 'CN=mail.smtptls.test'
        $Back.Certificate.Chain.Count | Should -BeGreaterOrEqual 2
        $Back.Certificate.DnsNames | Should -Contain 'mail.smtptls.test'
    }

    It 'lets the calling side filter and export as it would locally' {
        @($Streamed | Where-Object { $_.Findings.Severity -contains 'Error' }) | Should -HaveCount 2
        $row = $Streamed | Where-Object Status -eq 'Passed' | ConvertTo-Csv | ConvertFrom-Csv
        $row.Status | Should -Be 'Passed'
        $row.Certificate | Should -Match '^CN=mail\.smtptls\.test; issuer .+; expires \d{4}-\d{2}-\d{2}$'
    }
}
