<#
    The SmtpTls test bed: real Postfix instances on loopback, one per TLS scenario, and the
    scripted hostile servers of tests/SmtpTls.HostileServer, brought up and torn down by the tests.

    Start-SmtpTestBed writes <root>/testbed.json, the descriptor every other test reads (xunit
    through SMTPTLS_TESTBED, Pester through Get-SmtpTestBed). Nothing here touches the system
    Postfix: each instance has its own config, queue, data and mail directories and is started
    with `postfix -c <dir>`.
#>

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:DefaultRoot = Join-Path $script:RepoRoot 'tests/.testbed'
$script:HostileProjectDirectory = Join-Path $script:RepoRoot 'tests/SmtpTls.HostileServer'
$script:ServerName = 'mail.smtptls.test'
$script:Domain = 'smtptls.test'
$script:SubmissionUser = 'tester'
# Bump when the certificate set changes, so that cached certificates are regenerated.
$script:PkiVersion = 3
# Short enough that the not-yet-valid leaf (valid from one year after generation) never becomes valid in the cache.
$script:PkiMaxAge = [TimeSpan]::FromDays(30)
$script:DirectoryMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'

# One file per concern under Private/, dot-sourced into this module's scope. A new server family
# (Exim, OpenSMTPD, Dovecot, ...) goes into a new file beside them.
foreach ($part in Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'Private') -Filter '*.ps1' | Sort-Object Name) {
    . $part.FullName
}


function Get-SmtpTestBedPrerequisite {
    <#
    .SYNOPSIS
        Whether this machine and process can run the Postfix scenarios, and if not why.
    .DESCRIPTION
        Lets a test file decide at discovery time whether to skip Postfix tests, before any bed
        is started. The hostile servers need no prerequisite beyond the .NET SDK.
    .EXAMPLE
        (Get-SmtpTestBedPrerequisite).PostfixAvailable
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param()
    $problem = Get-PostfixPrerequisiteProblem
    [pscustomobject]@{ PostfixAvailable = -not $problem; Reason = [string]$problem }
}

function Start-SmtpTestBed {
    <#
    .SYNOPSIS
        Brings up the test bed: one Postfix instance per scenario and the hostile servers.
    .DESCRIPTION
        Stops a previous bed in the same root first. Builds the hostile server when its sources
        changed, generates (or reuses) the certificates, writes every instance's configuration on
        free loopback ports, starts the instances in parallel and waits until each one sends its
        banner. Writes <Root>/testbed.json and returns its content.

        Without root or without Postfix the Postfix scenarios are skipped with one warning, and
        the descriptor says so (Available = false, Reason); the hostile servers still run.
        When anything fails to come up, everything started is stopped again and the error carries
        postfix's own message and the instance's log tail.
    .PARAMETER Root
        The bed's work directory: descriptor, certificate cache, instances, logs.
    .PARAMETER Scenario
        The Postfix scenarios to start; all by default.
    .PARAMETER Family
        The server families beside Postfix to start (exim, opensmtpd, dovecot; all by default, none with
        an empty list). They appear in the descriptor under Families.<family>.Scenarios.<kind>.
    .PARAMETER SkipDnssec
        Leaves out the DNSSEC part (Private/Dnssec*.ps1): NSD serving a signed test root and the DANE case
        zones, unbound validating from the test root's key, posttls-finger as the DANE oracle. It needs the
        'good' scenario and starts after the Postfix scenarios, whose ports and keys the TLSA records name.
    .PARAMETER HostileLifetimeSeconds
        The hostile server stops by itself after this long, even if nobody stops the bed.
    .EXAMPLE
        $bed = Start-SmtpTestBed; $bed.Scenarios.good.Port
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [string] $Root = $script:DefaultRoot,
        [string[]] $Scenario = @($script:Scenarios.Keys),
        [ValidateSet('exim', 'opensmtpd', 'dovecot')] [string[]] $Family = @('exim', 'opensmtpd', 'dovecot'),
        [switch] $SkipDnssec,
        [ValidateRange(10, 86400)] [int] $HostileLifetimeSeconds = 3600
    )
    $Root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root)
    $unknown = @($Scenario | Where-Object { -not $script:Scenarios.Contains($_) })
    if ($unknown) { throw "Unknown scenario(s) $($unknown -join ', '); known: $($script:Scenarios.Keys -join ', ')." }
    $Scenario = @($Scenario | Select-Object -Unique)
    $clock = [Diagnostics.Stopwatch]::StartNew()

    Stop-SmtpTestBed -Root $Root
    Write-Verbose "previous bed stopped after $($clock.ElapsedMilliseconds) ms"
    New-BedDirectory $Root
    $hostileDirectory = Join-Path $Root 'hostile'
    try {
        # The build and the server's start-up overlap with the Postfix work below.
        $build = Start-HostileServerBuild
        $hostileId = if (-not $build) { Start-HostileServer -Directory $hostileDirectory -LifetimeSeconds $HostileLifetimeSeconds }

        $descriptor = [ordered]@{
            Available        = $false
            Reason           = ''
            Root             = $Root
            CaFile           = $null
            IntermediateFile = $null
            ServerName       = $script:ServerName
            Domain           = $script:Domain
            Scenarios        = [ordered]@{}
            Hostile          = [ordered]@{}
            Accounts         = [ordered]@{}
            Families         = [ordered]@{}
            Dnssec           = [ordered]@{ Available = $false; Reason = $(if ($SkipDnssec) { 'not started (-SkipDnssec)' } else { 'needs the Postfix scenarios' }) }
        }
        $instances = @()
        $families = @()
        $dnssec = $null
        $problem = Get-PostfixPrerequisiteProblem
        if ($problem) {
            Write-Warning "SmtpTls test bed: Postfix scenarios skipped: $problem."
            $descriptor.Reason = $problem
        }
        else {
            $pki = Join-Path $Root 'pki'
            Initialize-TestBedPki -Directory $pki -OpenSsl (Find-NativeTool 'openssl')
            Write-Verbose "certificates ready after $($clock.ElapsedMilliseconds) ms"
            $instanceBase = Get-InstanceBase -Root $Root
            if (Test-Path -LiteralPath $instanceBase) { Remove-Item -LiteralPath $instanceBase -Recurse -Force }
            New-BedDirectory $instanceBase
            $password = [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(15)) -replace '[+/]', 'x'
            $account = [pscredential]::new("$($script:SubmissionUser)@$($script:Domain)", (ConvertTo-SecureString $password -AsPlainText -Force))
            $mailOwner = Get-UserId -Name 'nobody' -Fallback 65534
            $ports = @(Get-FreeTcpPort -Count $Scenario.Count)
            $instances = @(for ($i = 0; $i -lt $Scenario.Count; $i++) {
                    Write-PostfixInstance -Name $Scenario[$i] -Definition $script:Scenarios[$Scenario[$i]] `
                        -Directory (Join-Path $instanceBase $Scenario[$i]) -Port $ports[$i] -PkiDirectory $pki -MailOwner $mailOwner -Account $account
                })
            $chown = Find-NativeTool 'chown'
            Invoke-NativeCommand $chown (@('-R', 'postfix:') + $instances.PostfixOwned) | Out-Null
            Invoke-NativeCommand $chown (@('-R', "$($mailOwner.Uid):$($mailOwner.Gid)") + $instances.MailOwned) | Out-Null
            Write-Verbose "$($instances.Count) instances configured after $($clock.ElapsedMilliseconds) ms"
            $instances = @(Start-PostfixInstance -Instance $instances)
            # Exim, OpenSMTPD, Dovecot submission (Private/ServerFamilies.ps1); Dovecot relays to Postfix 'good'.
            # (Select-Object: under strict mode indexing an empty array throws, and a bed may run without 'good'.)
            $relayPort = $instances | Where-Object Name -eq 'good' | ForEach-Object { $_.Entry.Port } | Select-Object -First 1
            $families = @(Start-ServerFamily -Family $Family -InstanceBase $instanceBase -PkiDirectory $pki -Account $account -RelayPort $relayPort)
            # The DNSSEC bed (Private/Dnssec*.ps1): its TLSA records name the scenarios' ports and keys.
            if (-not $SkipDnssec) {
                $scenarioEntries = [ordered]@{}
                foreach ($instance in $instances) { $scenarioEntries[$instance.Name] = $instance.Entry }
                $dnssecProblem = Get-DnssecPrerequisiteProblem
                if (-not $dnssecProblem -and -not $scenarioEntries.Contains('good')) { $dnssecProblem = 'the DNSSEC part needs the Postfix scenario ''good''' }
                if ($dnssecProblem) {
                    Write-Warning "SmtpTls test bed: DNSSEC part skipped: $dnssecProblem."
                    $descriptor.Dnssec.Reason = $dnssecProblem
                }
                else {
                    $dnssec = Start-DnssecBed -Root $Root -Scenarios $scenarioEntries -CaFile (Join-Path $pki 'root-ca.pem') -IntermediateFile (Join-Path $pki 'intermediate-ca.pem')
                    Write-Verbose "DNSSEC zones signed, NSD and unbound starting after $($clock.ElapsedMilliseconds) ms"
                }
            }

            $descriptor.Available = $true
            $descriptor.CaFile = Join-Path $pki 'root-ca.pem'
            $descriptor.IntermediateFile = Join-Path $pki 'intermediate-ca.pem'
            foreach ($instance in $instances) { $descriptor.Scenarios[$instance.Name] = $instance.Entry }
            if ($Scenario -contains 'submission') {
                $descriptor.Accounts.submission = [ordered]@{ UserName = $account.UserName; Password = $password }
            }
        }

        if ($build) {
            $build | Wait-NativeCommand | Out-Null
            $hostileId = Start-HostileServer -Directory $hostileDirectory -LifetimeSeconds $HostileLifetimeSeconds
        }
        if ($instances) {
            Wait-PostfixInstance -Instance $instances
            Write-Verbose "Postfix instances answering after $($clock.ElapsedMilliseconds) ms"
        }
        if ($dnssec) {
            Wait-DnssecBed -Started $dnssec
            $descriptor.Dnssec = $dnssec.Descriptor
            Write-Verbose "DNSSEC resolver validating after $($clock.ElapsedMilliseconds) ms"
        }
        if ($families) {
            $descriptor.Families = Wait-ServerFamily -Started $families
            Write-Verbose "server families answering after $($clock.ElapsedMilliseconds) ms"
        }
        $descriptor.Hostile = Wait-HostileServer -Directory $hostileDirectory -ProcessId $hostileId
    }
    catch {
        # A half-started bed would leave daemons behind; the logs stay on disk.
        Stop-SmtpTestBed -Root $Root
        throw
    }

    $descriptorPath = Join-Path $Root 'testbed.json'
    $descriptor | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $descriptorPath
    Write-Verbose "SmtpTls test bed up in $($clock.ElapsedMilliseconds) ms: $descriptorPath"
    Get-SmtpTestBed -Root $Root
}

function Stop-SmtpTestBed {
    <#
    .SYNOPSIS
        Stops every Postfix instance and the hostile server of a bed and removes its descriptor.
    .DESCRIPTION
        Works from what is on disk (master pid files, the hostile server's pid file), so it also
        cleans up after a bed whose start failed halfway or whose descriptor is gone. Uses
        `postfix -c <dir> stop`, waits for the masters to be gone and kills what is left.
        Idempotent. Logs, queues and mail stay until the next start.
    .PARAMETER Root
        The bed's work directory.
    .EXAMPLE
        Stop-SmtpTestBed
    #>
    [CmdletBinding()]
    param([string] $Root = $script:DefaultRoot)
    $Root = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Stop-PostfixInstance -InstanceBase (Get-InstanceBase -Root $Root)
    Stop-DovecotSaslProvider -InstanceBase (Get-InstanceBase -Root $Root)
    Stop-ServerFamily -InstanceBase (Get-InstanceBase -Root $Root)
    Stop-DnssecBed -Root $Root
    Write-Verbose "Postfix instances stopped after $($clock.ElapsedMilliseconds) ms"
    Stop-HostileServer -Directory (Join-Path $Root 'hostile')
    Write-Verbose "hostile server stopped after $($clock.ElapsedMilliseconds) ms"
    Remove-Item -LiteralPath (Join-Path $Root 'testbed.json') -Force -ErrorAction Ignore
}

function Get-SmtpTestBed {
    <#
    .SYNOPSIS
        Reads the descriptor of a running bed.
    .PARAMETER Root
        The bed's work directory. Without it: the descriptor named by $env:SMTPTLS_TESTBED, else the default root.
    .EXAMPLE
        (Get-SmtpTestBed).Scenarios.'broken-cert'.Port
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([string] $Root)
    $path = if ($Root) { Join-Path $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Root) 'testbed.json' }
    elseif ($env:SMTPTLS_TESTBED) { $env:SMTPTLS_TESTBED }
    else { Join-Path $script:DefaultRoot 'testbed.json' }
    if (-not (Test-Path -LiteralPath $path)) { throw "No SmtpTls test bed descriptor at $path; run Start-SmtpTestBed first." }
    Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
}

function Get-ScenarioEntry {
    <#
    .SYNOPSIS
        One Postfix scenario of a running bed, or an error naming the ones that exist.
    #>
    param([Parameter(Mandatory)] [string] $Scenario, [string] $Root)
    $bed = Get-SmtpTestBed -Root $Root
    $entry = $bed.Scenarios.PSObject.Properties[$Scenario]
    if (-not $entry) {
        throw "The test bed has no Postfix scenario '$Scenario' (running: $(@($bed.Scenarios.PSObject.Properties.Name) -join ', '); $($bed.Reason))."
    }
    $entry.Value
}

Export-ModuleMember -Function Start-SmtpTestBed, Stop-SmtpTestBed, Get-SmtpTestBed, Get-SmtpTestBedPrerequisite,
    Get-SmtpTestBedMessage, Get-SmtpTestBedQueue, Clear-SmtpTestBedMail,
    Get-SmtpTestBedDnssec, Get-SmtpTestBedDnssecCase, Get-SmtpTestBedDnssecCaseId, Invoke-SmtpTestBedDaneOracle, Invoke-SmtpTestBedDnsQuery
