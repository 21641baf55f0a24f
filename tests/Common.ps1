<#
    Shared set-up of every Pester file: where the module under test is, how it is imported, and the
    test bed (one started by build.ps1 and named by SMTPTLS_TESTBED, or one started for this file).

    Dot-source it at the top of BeforeAll (and of BeforeDiscovery when discovery needs it):

        BeforeAll {
            . (Join-Path $PSScriptRoot '../Common.ps1')
            Import-SmtpTlsModule
            $script:Bed = Use-SmtpTestBed
        }
        AfterAll { Stop-OwnSmtpTestBed }
#>

# $PSScriptRoot of a dot-sourced script is the folder of this file (tests/), whoever sources it.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
# The published module: build.ps1 and tests/Invoke-PesterSuite.ps1 set SMTPTLS_MODULE; a developer's
# direct Invoke-Pester gets out/SmtpTls. Never the source tree.
$script:ModulePath = if ($env:SMTPTLS_MODULE) { $env:SMTPTLS_MODULE } else { Join-Path $script:RepoRoot 'out/SmtpTls/SmtpTls.psd1' }
$script:TestBedModulePath = Join-Path $PSScriptRoot 'TestBed/SmtpTestBed.psm1'
$script:DnsTestServerModulePath = Join-Path $PSScriptRoot 'Dns/DnsTestServer.psm1'

function Import-SmtpTlsModule {
    <#
    .SYNOPSIS
        Imports the published module under test, the one way every test file does it.
    .DESCRIPTION
        -Force gives each file a fresh import whatever the files before it did (Remove-Module,
        culture changes); the module keeps its cmdlets across -Force (Module.Tests.ps1 checks that).
    #>
    if (-not (Test-Path -LiteralPath $script:ModulePath)) {
        throw "The module under test is not at $($script:ModulePath): run 'dotnet pwsh ./build.ps1 -Task Build' first."
    }
    Import-Module $script:ModulePath -Force -ErrorAction Stop
}

function Import-SmtpTestBedModule {
    <# Imports the test bed's commands (Start-SmtpTestBed, Get-SmtpTestBedMessage, ...). #>
    Import-Module $script:TestBedModulePath -Force -ErrorAction Stop
}

function Import-DnsTestServerModule {
    <# Imports the loopback dnsmasq launcher (Start-DnsTestServer, ...). #>
    Import-Module $script:DnsTestServerModulePath -Force -ErrorAction Stop
}

function Use-SmtpTestBed {
    <#
    .SYNOPSIS
        The running test bed's descriptor; starts a bed for this file when none is running.
    .DESCRIPTION
        build.ps1 starts one bed for the whole run and names its descriptor in SMTPTLS_TESTBED.
        Without it (a developer running one file) a bed is started here; Stop-OwnSmtpTestBed in
        AfterAll stops it again, and only that one. Sets $BedPath to the descriptor's path.
    .PARAMETER Scenario
        The Postfix scenarios to start when the bed is started here; all by default.
    #>
    param([string[]] $Scenario)
    Import-SmtpTestBedModule
    if ($env:SMTPTLS_TESTBED -and (Test-Path -LiteralPath $env:SMTPTLS_TESTBED)) {
        $script:OwnSmtpTestBedRoot = $null
        $script:BedPath = $env:SMTPTLS_TESTBED
        return Get-Content -LiteralPath $env:SMTPTLS_TESTBED -Raw | ConvertFrom-Json
    }
    $parameters = @{}
    if ($Scenario) { $parameters.Scenario = $Scenario }
    $bed = Start-SmtpTestBed @parameters
    $script:OwnSmtpTestBedRoot = $bed.Root
    $script:BedPath = Join-Path $bed.Root 'testbed.json'
    $bed
}

function Stop-OwnSmtpTestBed {
    <# Stops the bed Use-SmtpTestBed started for this file; leaves a shared bed running. #>
    $root = Get-Variable -Name OwnSmtpTestBedRoot -Scope Script -ValueOnly -ErrorAction Ignore
    if ($root) {
        Stop-SmtpTestBed -Root $root
        $script:OwnSmtpTestBedRoot = $null
    }
}

function Get-SmtpTestBedSkipReason {
    <#
    .SYNOPSIS
        At discovery time: why the Postfix scenarios cannot run, or $null when they can.
    .DESCRIPTION
        -Skip is decided before BeforeAll could start a bed, so this asks the running bed's
        descriptor, else the prerequisites. build.ps1 counts every skip as a failure of the run.
    #>
    Import-SmtpTestBedModule
    if ($env:SMTPTLS_TESTBED -and (Test-Path -LiteralPath $env:SMTPTLS_TESTBED)) {
        $descriptor = Get-SmtpTestBed
        if ($descriptor.Available) { return $null }
        return [string]$descriptor.Reason
    }
    $prerequisite = Get-SmtpTestBedPrerequisite
    if ($prerequisite.PostfixAvailable) { return $null }
    [string]$prerequisite.Reason
}
