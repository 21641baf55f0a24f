<#
.SYNOPSIS
    Makes sure the Debian packages the tests need (tests/packages.txt) are installed.
.DESCRIPTION
    The one installer of the test run: build.ps1 -Task Test calls it before anything else, so the
    README's test command sets a fresh machine up by itself and .ci/run needs nothing of its own.

    - Every package installed: returns at once.
    - Some missing and running as root: `apt-get update` once (a fresh machine has empty package
      lists), then one non-interactive `apt-get install`, with postfix preseeded to "No
      configuration" (the test bed writes a configuration per instance). Fails when any package
      is still missing afterwards.
    - Some missing and not root: fails at once, naming the packages and the one command that
      installs them. The run never passes by skipping what it could not install.

    tests/packages.txt: one Debian package per line; '#' starts a comment (whole line or the rest
    of a line); blank lines are ignored.
.PARAMETER ListPath
    The package list; tests/packages.txt by default.
.PARAMETER WhatIf
    Lists what is missing and what would be run, without installing.
.EXAMPLE
    dotnet pwsh ./tests/Install-TestPackages.ps1
#>
[CmdletBinding(SupportsShouldProcess)]
param([string] $ListPath = (Join-Path $PSScriptRoot 'packages.txt'))

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Read-PackageList {
    <# The package names of the list, in order, without comments, blanks or duplicates. #>
    param([string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { throw "The test package list $Path does not exist." }
    $names = [Collections.Generic.List[string]]::new()
    $lineNumber = 0
    foreach ($line in Get-Content -LiteralPath $Path) {
        $lineNumber++
        $name = ($line -replace '#.*$', '').Trim()
        if (-not $name) { continue }
        # Debian package names: lower case letters, digits, + - . (policy 5.6.1); anything else is a typo.
        if ($name -notmatch '^[a-z0-9][a-z0-9+.-]+$') {
            throw "$($Path):$($lineNumber): '$name' is not a Debian package name (one package per line, '#' for comments)."
        }
        if (-not $names.Contains($name)) { $names.Add($name) }
    }
    , $names.ToArray()
}

function Get-MissingPackage {
    <# The packages of the list that dpkg does not report as installed. #>
    param([string[]] $Name)
    foreach ($package in $Name) {
        $status = & dpkg-query -W -f '${Status}' $package 2>$null
        if ($LASTEXITCODE -ne 0 -or "$status" -notmatch 'install ok installed') { $package }
    }
}

function Invoke-Apt {
    <# Runs one apt/debconf command non-interactively; throws with its output when it fails. #>
    param([string] $FilePath, [string[]] $ArgumentList, [string] $InputText)
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $output = if ($InputText) { $InputText | & $FilePath @ArgumentList 2>&1 } else { & $FilePath @ArgumentList 2>&1 }
    if ($LASTEXITCODE -ne 0) {
        $tail = @($output | ForEach-Object { "$_" } | Select-Object -Last 20) -join "`n"
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $($LASTEXITCODE):`n$tail"
    }
}

$packages = Read-PackageList -Path $ListPath
if (-not $packages) { return }
if (-not $IsLinux -or -not (Get-Command dpkg-query -CommandType Application -ErrorAction Ignore)) {
    throw "The tests need these Debian packages and this machine has no dpkg: $($packages -join ' '). Run the tests on Debian or Ubuntu."
}

$missing = @(Get-MissingPackage -Name $packages)
if (-not $missing) {
    Write-Host "Test packages: all $($packages.Count) from $(Split-Path $ListPath -Leaf) installed."
    return
}

$preseed = 'postfix postfix/main_mailer_type select No configuration'
$installCommand = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $($missing -join ' ')"
if ($missing -contains 'postfix') { $installCommand = "echo '$preseed' | debconf-set-selections && $installCommand" }

if (-not [Environment]::IsPrivilegedProcess) {
    throw ("The tests need Debian packages that are not installed: $($missing -join ', ').`n" +
        "Install them as root with this one command, then run the tests again:`n" +
        "    sudo sh -c `"$($installCommand -replace '"', '\"')`"")
}

if (-not $PSCmdlet.ShouldProcess(($missing -join ', '), 'apt-get install')) {
    Write-Host "Would run: $installCommand"
    return
}
Write-Host "Installing the test packages that are missing: $($missing -join ' ')"
$clock = [Diagnostics.Stopwatch]::StartNew()
if ($missing -contains 'postfix') {
    # Postfix asks which configuration to write; the bed brings its own per instance.
    Invoke-Apt -FilePath 'debconf-set-selections' -InputText $preseed
}
# Another apt run on the machine holds the dpkg lock for a while: wait for it rather than fail.
$lockWait = @('-o', 'DPkg::Lock::Timeout=300')
Invoke-Apt -FilePath 'apt-get' -ArgumentList (@('update', '-qq') + $lockWait)
Invoke-Apt -FilePath 'apt-get' -ArgumentList (@('install', '-y', '-qq', '--no-install-recommends') + $lockWait + $missing)

$stillMissing = @(Get-MissingPackage -Name $missing)
if ($stillMissing) {
    throw "apt-get install finished, yet these test packages are still not installed: $($stillMissing -join ', ')."
}
Write-Host ("Installed {0} package(s) in {1:N1} s." -f $missing.Count, $clock.Elapsed.TotalSeconds)
