<#
.SYNOPSIS
    Runs every Pester test of the built module in this (fresh) process and writes a summary.
.DESCRIPTION
    build.ps1 -Task Test starts this script in a new pwsh so that the module under test is
    imported from its published folder, never from the source tree or the building process.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultsDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$env:SMTPTLS_MODULE = $ModulePath
# Child processes started by tests inherit this; escape codes in failure messages break the JUnit report.
$env:NO_COLOR = '1'

$summary = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Errored = $true }
try {
    Import-Module $PesterPath -Force
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = @((Join-Path $PSScriptRoot 'Pester'), (Join-Path $PSScriptRoot 'examples'))
    $configuration.Run.PassThru = $true
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Normal'
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'JUnitXml'
    $configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'

    # Tests see PowerShell's default error handling, as a user's session would.
    $ErrorActionPreference = 'Continue'
    $result = Invoke-Pester -Configuration $configuration
    $ErrorActionPreference = 'Stop'
    if ($null -eq $result) {
        throw 'Invoke-Pester returned no result object; see the errors above.'
    }
    $summary.Passed = $result.PassedCount
    # A failing BeforeAll/discovery counts as a failure even though no test reports it.
    $summary.Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    $summary.Skipped = $result.SkippedCount + $result.NotRunCount
    $summary.Errored = $false
}
finally {
    $summary | ConvertTo-Json | Set-Content -Path $SummaryPath -Encoding utf8
}
