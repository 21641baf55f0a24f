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

$summary = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Errored = $true; SkippedTests = @(); Against = [ordered]@{} }
# What a test runs against (README, "What the tests run against"): Pester tags on Describe or It, xunit
# [Trait("Against", ...)]. build.ps1 prints the counts per suite.
$againstTags = 'Postfix', 'Dnsmasq', 'Unbound', 'OpenSsl', 'Exim', 'OpenSmtpd', 'Dovecot', 'Chromium', 'OpenSsh', 'Scripted', 'Unit'

function Get-EffectiveTag($test) {
    <# A test's own tags and those of every block around it: tags go on Describe or It. #>
    $tags = [Collections.Generic.List[string]]::new()
    foreach ($tag in @($test.Tag)) { if ($tag) { $tags.Add($tag) } }
    $block = $test.Block
    while ($block) {
        foreach ($tag in @($block.Tag)) { if ($tag) { $tags.Add($tag) } }
        $block = $block.Parent
    }
    $tags
}
function ConvertTo-XmlSafeText([string] $Text) {
    if (-not $Text) { return $Text }
    [regex]::Replace($Text, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]', { param($match) '\u{0:X4}' -f [int][char]$match.Value })
}
try {
    Import-Module $PesterPath -Force
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = @((Join-Path $PSScriptRoot 'Pester'), (Join-Path $PSScriptRoot 'examples'))
    $configuration.Run.PassThru = $true
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Normal'
    # The JUnit file is written after the run (below), not by Invoke-Pester: Pester's writer throws on a
    # control character in a failure message (a hostile server's ESC), and inside Invoke-Pester that
    # throw loses the whole result, passed tests included.
    $configuration.TestResult.Enabled = $false

    # Tests see PowerShell's default error handling, as a user's session would.
    $ErrorActionPreference = 'Continue'
    $result = Invoke-Pester -Configuration $configuration
    $ErrorActionPreference = 'Stop'
    if ($null -eq $result) {
        throw 'Invoke-Pester returned no result object; see the errors above.'
    }
    try {
        # XML cannot hold most control characters, and tests of hostile servers name or fail with them:
        # they are written visibly (\u001B) so that the report keeps every test.
        foreach ($test in $result.Tests) {
            $test.Name = ConvertTo-XmlSafeText $test.Name
            $test.ExpandedName = ConvertTo-XmlSafeText $test.ExpandedName
            $test.ExpandedPath = ConvertTo-XmlSafeText $test.ExpandedPath
            foreach ($errorRecord in @($test.ErrorRecord | Where-Object { $_ })) {
                foreach ($property in 'DisplayErrorMessage', 'DisplayStackTrace') {
                    if ($errorRecord.PSObject.Properties[$property]) { $errorRecord.$property = ConvertTo-XmlSafeText $errorRecord.$property }
                }
            }
        }
        $result | Export-JUnitReport -Path (Join-Path $ResultsDirectory 'pester.xml')
    }
    catch {
        Write-Warning "The JUnit report could not be written (the counts below are unaffected): $($_.Exception.Message -replace '\p{Cc}', '?')"
    }
    $summary.Passed = $result.PassedCount
    # A failing BeforeAll/discovery counts as a failure even though no test reports it.
    $summary.Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    $summary.Skipped = $result.SkippedCount + $result.NotRunCount
    $summary.SkippedTests = @(foreach ($test in @($result.Skipped) + @($result.NotRun) | Where-Object { $_ }) {
            [ordered]@{
                Name   = $test.ExpandedPath
                # Set-ItResult -Skipped -Because puts the reason into the test's error record.
                Reason = (@($test.ErrorRecord) | ForEach-Object { "$_" }) -join ' '
            }
        })
    $counts = [ordered]@{}
    foreach ($test in $result.Tests) {
        if ($test.Result -notin 'Passed', 'Failed') { continue }
        $kinds = @(Get-EffectiveTag $test | Where-Object { $_ -in $againstTags } | Select-Object -Unique)
        if (-not $kinds) { $kinds = @('Unclassified') }
        foreach ($kind in $kinds) { $counts[$kind] = 1 + [int]$counts[$kind] }
        $bucket = if ($kinds | Where-Object { $_ -notin 'Scripted', 'Unit', 'Unclassified' }) { 'Real' } elseif ($kinds -contains 'Scripted') { 'Scripted' } else { $kinds[0] }
        $counts["Bucket:$bucket"] = 1 + [int]$counts["Bucket:$bucket"]
    }
    $summary.Against = $counts
    $summary.Errored = $false
}
finally {
    $summary | ConvertTo-Json -Depth 5 | Set-Content -Path $SummaryPath -Encoding utf8
}
