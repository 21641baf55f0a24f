<#
.SYNOPSIS
    Runs the four cmdlets against each hostile server in this (fresh) process and reports, per case and
    cmdlet, the time, the working-set growth and every text the user could see or keep, as JSON.
.DESCRIPTION
    Started by HostileServers.Tests.ps1 in one child pwsh for all cases, so a flood that got through would
    show up as this process's growth and could not take the test run down with it. Memory: the peak resident set is reset
    before each cmdlet (Linux /proc/self/clear_refs, value 5) and read after it (PeakWorkingSet64 =
    VmHWM); where the reset is not possible the working set is sampled every 10 ms instead.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # JSON array of { Key, Address, Port, Password, SendTlsMode }.
    [Parameter(Mandatory)] [string] $CasesPath,
    [Parameter(Mandatory)] [int] $TimeoutSeconds,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Continue'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath -ErrorAction Stop

# Warm-up: load the knowledge, the formatting views and MailKit once, so that growth is the server's doing.
$null = Resolve-SmtpError '454 4.7.0 TLS not available due to local problem' | Out-String
$null = Test-SmtpTls -Server '127.0.0.1:1' -TimeoutSeconds 1 | Out-String
$null = Send-SmtpTestMessage -Server 127.0.0.1 -Port 1 -From a@smtptls.test -To b@smtptls.test -TimeoutSeconds 1 -ErrorAction SilentlyContinue 2>$null | Out-String

$process = [System.Diagnostics.Process]::GetCurrentProcess()
$canResetPeak = $false
try {
    [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5')
    $canResetPeak = $true
} catch {
    $canResetPeak = $false
}

function Measure-Cmdlet {
    param([string] $Name, [scriptblock] $Script)
    [GC]::Collect()
    [GC]::WaitForPendingFinalizers()
    $process.Refresh()
    $before = $process.WorkingSet64
    $sampled = [ref] $before
    $timer = $null
    if ($canResetPeak) {
        [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5')
    } else {
        $timer = [System.Timers.Timer]::new(10)
        $handler = { $p = [System.Diagnostics.Process]::GetCurrentProcess(); if ($p.WorkingSet64 -gt $sampled.Value) { $sampled.Value = $p.WorkingSet64 } }.GetNewClosure()
        $null = Register-ObjectEvent -InputObject $timer -EventName Elapsed -Action $handler
        $timer.Start()
    }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $records = @(& $Script *>&1)
    $clock.Stop()
    if ($timer) { $timer.Stop() }
    $process.Refresh()
    $peak = if ($canResetPeak) { $process.PeakWorkingSet64 } else { $sampled.Value }

    # Every text a user sees or keeps: the formatted display, messages of every stream, and the
    # serialized forms (Export-Clixml's, ConvertTo-Json's) of results and errors, Exception.Data included.
    $displayed = [System.Collections.Generic.List[string]]::new()
    $stored = [System.Collections.Generic.List[string]]::new()
    foreach ($record in $records) {
        $displayed.Add(($record | Out-String -Width 500))
        switch ($record) {
            { $_ -is [System.Management.Automation.ErrorRecord] } {
                $displayed.Add($_.ToString())
                $displayed.Add($_.Exception.Message)
                if ($_.ErrorDetails) { $displayed.Add($_.ErrorDetails.Message); $displayed.Add([string]$_.ErrorDetails.RecommendedAction) }
                foreach ($value in $_.Exception.Data.Values) {
                    $stored.Add([System.Management.Automation.PSSerializer]::Serialize($value, 5))
                    $stored.Add(($value | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue))
                }
                $stored.Add([System.Management.Automation.PSSerializer]::Serialize($_, 5))
                break
            }
            { $_ -is [System.Management.Automation.WarningRecord] -or $_ -is [System.Management.Automation.VerboseRecord] } {
                $displayed.Add($_.Message)
                break
            }
            { $_ -is [System.Management.Automation.InformationRecord] } {
                $displayed.Add([string]$_.MessageData)
                break
            }
            default {
                $stored.Add([System.Management.Automation.PSSerializer]::Serialize($_, 5))
                $stored.Add(($_ | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue))
                $displayed.Add(($_ | Format-List * | Out-String -Width 500))
            }
        }
    }

    [pscustomobject]@{
        Cmdlet    = $Name
        Seconds   = [Math]::Round($clock.Elapsed.TotalSeconds, 2)
        GrowthMB  = [Math]::Round([Math]::Max(0, $peak - $before) / 1MB, 1)
        PeakReset = $canResetPeak
        Ids       = @($records | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId -replace ',.*$', '' }
                elseif ($_.PSObject.Properties['ErrorId'] -and $_.ErrorId) { $_.ErrorId }
                elseif ($_.PSObject.Properties['Findings']) { $_.Findings.Id }
            } | Where-Object { $_ } | Select-Object -Unique)
        Warnings  = @($records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
        Commands  = @($records | ForEach-Object {
                if ($_.PSObject.Properties['Resolution'] -and $_.Resolution) { $_.Resolution.Remediation.Command }
                elseif ($_.PSObject.Properties['Remediation']) { $_.Remediation.Command }
            } | Where-Object { $_ })
        Displayed = $displayed.ToArray()
        Stored    = $stored.ToArray()
    }
}

$cases = Get-Content -LiteralPath $CasesPath -Raw | ConvertFrom-Json
$all = foreach ($case in $cases) {
    $target = "$($case.Address):$($case.Port)"
    $sendParameters = @{
        Server         = $case.Address
        Port           = $case.Port
        From           = 'sender@smtptls.test'
        To             = 'rcpt@smtptls.test'
        TlsMode        = if ($case.SendTlsMode) { $case.SendTlsMode } else { 'Auto' }
        TimeoutSeconds = $TimeoutSeconds
        Verbose        = $true
    }
    if ($case.Password) {
        $sendParameters.Credential = [pscredential]::new('tester@smtptls.test', (ConvertTo-SecureString $case.Password -AsPlainText -Force))
        $sendParameters.AllowInsecureAuthentication = $true
    }

    $script:sendErrors = $null
    $script:testResults = $null
    $rows = @(
        Measure-Cmdlet 'Test-SmtpTls' { Test-SmtpTls -Server $target -ServerName 'hostile.smtptls.test' -TimeoutSeconds $TimeoutSeconds -Verbose -OutVariable script:testResults }
        Measure-Cmdlet 'Get-SmtpCertificate' { Get-SmtpCertificate -Server $target -ServerName 'hostile.smtptls.test' -TimeoutSeconds $TimeoutSeconds -Verbose }
        Measure-Cmdlet 'Send-SmtpTestMessage' { Send-SmtpTestMessage @sendParameters -ErrorVariable script:sendErrors }
        Measure-Cmdlet 'Resolve-SmtpError' { @($script:sendErrors) + @($script:testResults) | Where-Object { $_ } | Resolve-SmtpError -Verbose }
    )
    [pscustomobject]@{ Key = $case.Key; Rows = $rows }
}
ConvertTo-Json -InputObject @($all) -Depth 6 | Set-Content -LiteralPath $OutputPath -Encoding utf8
