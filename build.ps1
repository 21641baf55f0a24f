#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the SmtpTls module.

.DESCRIPTION
    Tasks:
      Build    Publishes a self-contained module folder to out/SmtpTls (default).
      Help     Compiles the markdown help in en-US/ and de-DE/ into out/SmtpTls/<culture>/.
      Test     Installs the Debian packages of tests/packages.txt when missing (as root; otherwise
               fails at once naming them), builds, then runs the xunit engine tests and the Pester
               tests of the built module against the test bed, ending with "N passed, N failed, N skipped".
      Demo     Build, then the main job on an embedded default: a loopback SMTP server whose
               STARTTLS answers 454, checked with Test-SmtpTls and explained by Resolve-SmtpError.
      Package  Build, then a .nupkg in out/ made with PSResourceGet (Publish-PSResource).
      Bench    Build, then the benchmark against openssl and testssl.sh (writes out/bench.json).
      Clean    Removes out/ and every bin/ and obj/ folder.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Help', 'Test', 'Demo', 'Package', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$PSStyle.OutputRendering = 'PlainText'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'

$RepoRoot = $PSScriptRoot
$OutRoot = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutRoot 'SmtpTls'
$ModuleManifest = Join-Path $ModuleOut 'SmtpTls.psd1'
$ToolsDir = Join-Path $RepoRoot 'tools'

function Invoke-Native {
    <# Runs a native command and stops the build when it fails; native failures do not throw by themselves. #>
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-BuildTask {
    $publishRoot = Join-Path $OutRoot 'publish'
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut

    $cmdletProject = Join-Path $RepoRoot 'src/SmtpTls/SmtpTls.csproj'
    foreach ($framework in 'net8.0', 'netstandard2.0') {
        $target = Join-Path $publishRoot $framework
        Invoke-Native dotnet @('publish', $cmdletProject, '-c', $Configuration, '-f', $framework, '-o', $target, '--nologo', '-v', 'quiet')
        Copy-BinaryFolder -Source $target -Destination (Join-Path $ModuleOut "bin/$framework")
    }

    $loaderTarget = Join-Path $publishRoot 'loader'
    Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/SmtpTls.Loader/SmtpTls.Loader.csproj'), '-c', $Configuration, '-o', $loaderTarget, '--nologo', '-v', 'quiet')
    Copy-Item (Join-Path $loaderTarget 'SmtpTls.Loader.dll') (Join-Path $ModuleOut 'bin/net8.0')

    foreach ($moduleFile in Get-ModuleRootFiles) {
        Copy-Item $moduleFile.FullName $ModuleOut
    }

    Invoke-HelpTask
    Write-Host "Module published to $ModuleOut"
}

function Get-ModuleRootFiles {
    <# The files that make up the module's top level: the manifest and whatever it names. #>
    $manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'SmtpTls.psd1')
    $names = @('SmtpTls.psd1', $manifest.RootModule) + @($manifest.FormatsToProcess) + @($manifest.TypesToProcess)
    foreach ($name in $names | Where-Object { $_ }) {
        Get-Item (Join-Path $RepoRoot $name)
    }
}

function Copy-BinaryFolder {
    <# Copies a publish folder into the module, leaving out what the running PowerShell provides. #>
    param([string] $Source, [string] $Destination)
    $null = New-Item -ItemType Directory -Path $Destination -Force
    # System.Management.Automation comes from the host; shipping the reference assembly would shadow it.
    $excluded = @('System.Management.Automation.dll', '*.deps.json', '*.pdb', '*.xml')
    if ($Destination -like '*net8.0*') {
        # PowerShell 7 ships Newtonsoft.Json and its ConvertTo-Json honours that copy's [JsonIgnore] only:
        # a copy of our own in the module's load context would be a different attribute type.
        $excluded += 'Newtonsoft.Json.dll'
    }
    Get-ChildItem $Source -File | Where-Object {
        $file = $_
        -not ($excluded | Where-Object { $file.Name -like $_ })
    } | Copy-Item -Destination $Destination
    foreach ($cultureFolder in Get-ChildItem $Source -Directory) {
        Copy-Item $cultureFolder.FullName -Destination $Destination -Recurse
    }
}

function Invoke-HelpTask {
    $compiler = Join-Path $ToolsDir 'HelpCompiler/HelpCompiler.csproj'
    if (-not (Test-Path $compiler)) {
        Write-Warning 'tools/HelpCompiler is not there yet: the module is built without compiled help.'
        return
    }
    $null = New-Item -ItemType Directory -Path $ModuleOut -Force
    $platyPS = Get-Module -ListAvailable -Name platyPS | Select-Object -First 1
    if (-not $platyPS) {
        # Build once and run the dll per culture: 'dotnet run' re-checks the build on every call.
        Invoke-Native dotnet @('build', $compiler, '-c', $Configuration, '--nologo', '-v', 'quiet')
        $compilerDll = Join-Path $ToolsDir "HelpCompiler/bin/$Configuration/net10.0/HelpCompiler.dll"
    }
    foreach ($culture in 'en-US', 'de-DE') {
        $source = Join-Path $RepoRoot $culture
        $destination = Join-Path $ModuleOut $culture
        if ($platyPS) {
            Import-Module $platyPS
            $null = New-ExternalHelp -Path $source -OutputPath $destination -Force
        }
        else {
            Invoke-Native dotnet @($compilerDll, '--source', $source, '--output', $destination, '--assembly', 'SmtpTls.dll')
        }
    }
}

function Get-PesterModulePath {
    <# Pester comes from NuGet through the test project's PackageDownload; restore brings it. #>
    Invoke-Native dotnet @('restore', (Join-Path $RepoRoot 'tests/SmtpTls.Engine.Tests/SmtpTls.Engine.Tests.csproj'), '--nologo', '-v', 'quiet')
    $packagesRoot = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packagesRoot.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 was not restored to $path." }
    $path
}

function Install-TestPackage {
    <#
    The tests run real servers from Debian packages: install what tests/packages.txt lists and this
    machine lacks (root), or stop before the build with the one command that would (not root).
    #>
    $problem = try {
        & (Join-Path $RepoRoot 'tests/Install-TestPackages.ps1')
        if ($IsLinux -and -not [Environment]::IsPrivilegedProcess) {
            # Without root the bed cannot start Postfix, and every test against it would be skipped.
            'The test bed starts Postfix instances (postfix -c <dir> start), which needs root: run the test command as root.'
        }
    }
    catch { $_.Exception.Message }
    if ($problem) {
        # The message is the whole story (packages and the command); a script position would only hide it.
        [Console]::Error.WriteLine("Test: $problem")
        exit 1
    }
}

function Invoke-TestTask {
    $testOut = Join-Path $OutRoot 'test'
    if (Test-Path $testOut) { Remove-Item $testOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $testOut

    $pesterPath = Get-PesterModulePath
    $bed = Start-TestBedIfPresent
    try {
        $xunit = Invoke-XunitTests -ResultsDirectory $testOut
        $pester = Invoke-PesterTests -PesterPath $pesterPath -ResultsDirectory $testOut
    }
    finally {
        if ($bed) { Stop-SmtpTestBed -Root $bed.Root }
    }

    $passed = $xunit.Passed + $pester.Passed
    # A runner that crashed before reporting counts as one failure, so the closing line never reads clean.
    $failed = $xunit.Failed + $pester.Failed + [int]$xunit.Errored + [int]$pester.Errored
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host ''
    foreach ($suite in $xunit, $pester) {
        Write-Host ("{0}: {1} passed, {2} failed, {3} skipped" -f $suite.Name, $suite.Passed, $suite.Failed, $suite.Skipped)
        Write-Host ("  ran against: {0}" -f (Format-AgainstCount $suite.Against))
    }
    # A skip is a failure of the run, except for a test that cannot run on this operating system at all:
    # its skip reason starts with "Cannot run on this OS" and it is listed here by name.
    $skips = @(@($xunit.SkippedTests) + @($pester.SkippedTests) | Where-Object { $_ })
    $osOnly = @($skips | Where-Object { $_.Reason -match 'Cannot run on this OS' })
    $unexcused = @($skips | Where-Object { $_.Reason -notmatch 'Cannot run on this OS' })
    foreach ($skip in $osOnly) { Write-Host "Skipped, cannot run on this OS: $($skip.Name)" }
    foreach ($skip in $unexcused) { Write-Host "SKIPPED (counts as a failure of the run): $($skip.Name): $($skip.Reason)" }
    # A skip the runner reported without a name still fails the run.
    $unexcusedCount = [Math]::Max($unexcused.Count, $skipped - $osOnly.Count)
    # The one plain line CI reads.
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $unexcusedCount -gt 0 -or $xunit.Errored -or $pester.Errored) {
        exit 1
    }
}

function Format-AgainstCount {
    <# "real servers N (Postfix N, dnsmasq N), scripted servers N, unit N" from the counts of one suite. #>
    param($Counts)
    $table = @{}
    if ($Counts -is [Collections.IDictionary]) { foreach ($key in $Counts.Keys) { $table[$key] = [int]$Counts[$key] } }
    elseif ($Counts) { foreach ($property in $Counts.PSObject.Properties) { $table[$property.Name] = [int]$property.Value } }
    $servers = @($table.Keys | Where-Object { $_ -notlike 'Bucket:*' -and $_ -notin 'Scripted', 'Unit', 'Unclassified' } | Sort-Object |
            ForEach-Object { "$_ $($table[$_])" })
    $text = 'real servers {0}{1}, scripted servers {2}, unit {3}' -f [int]$table['Bucket:Real'],
        $(if ($servers) { " ($($servers -join ', '))" } else { '' }), [int]$table['Bucket:Scripted'], [int]$table['Bucket:Unit']
    if ($table['Bucket:Unclassified']) { $text += ", unclassified $($table['Bucket:Unclassified'])" }
    $text
}

function Start-TestBedIfPresent {
    $bedModule = Join-Path $RepoRoot 'tests/TestBed/SmtpTestBed.psm1'
    if (-not (Test-Path $bedModule)) { return $null }
    Import-Module $bedModule -Force
    $bed = Start-SmtpTestBed
    $env:SMTPTLS_TESTBED = Join-Path $bed.Root 'testbed.json'
    $bed
}

function Invoke-XunitTests {
    param([string] $ResultsDirectory)
    $project = Join-Path $RepoRoot 'tests/SmtpTls.Engine.Tests/SmtpTls.Engine.Tests.csproj'
    & dotnet test $project -c $Configuration --nologo --logger 'trx;LogFileName=xunit.trx' --results-directory $ResultsDirectory | Out-Host
    $exitCode = $LASTEXITCODE
    $trx = Join-Path $ResultsDirectory 'xunit.trx'
    if (-not (Test-Path $trx)) {
        Write-Warning "xunit wrote no results (exit code $exitCode)."
        return [pscustomobject]@{ Name = 'xunit'; Passed = 0; Failed = 0; Skipped = 0; Errored = $true; SkippedTests = @(); Against = @{} }
    }
    $run = ([xml](Get-Content $trx -Raw)).TestRun
    $counters = $run.ResultSummary.Counters
    $ns = @{ t = $run.NamespaceURI }
    $methods = @{}
    foreach ($test in Select-Xml -Xml $run -XPath '//t:UnitTest' -Namespace $ns) {
        $method = $test.Node.TestMethod
        $methods[$test.Node.id] = "$($method.className).$($method.name)"
    }
    $kinds = Get-XunitAgainstTrait -AssemblyPath (Join-Path $RepoRoot "tests/SmtpTls.Engine.Tests/bin/$Configuration/net10.0/SmtpTls.Engine.Tests.dll")
    $against = [ordered]@{}
    $skippedTests = [Collections.Generic.List[object]]::new()
    foreach ($result in Select-Xml -Xml $run -XPath '//t:UnitTestResult' -Namespace $ns) {
        $node = $result.Node
        if ($node.outcome -eq 'NotExecuted') {
            $skippedTests.Add([pscustomobject]@{ Name = $node.testName; Reason = $node.InnerText.Trim() })
            continue
        }
        $testKinds = @($kinds[$methods[$node.testId]])
        if (-not $testKinds -or -not $testKinds[0]) { $testKinds = @('Unclassified') }
        foreach ($kind in $testKinds) { $against[$kind] = 1 + [int]$against[$kind] }
        $bucket = if ($testKinds | Where-Object { $_ -notin 'Scripted', 'Unit', 'Unclassified' }) { 'Real' } elseif ($testKinds -contains 'Scripted') { 'Scripted' } else { $testKinds[0] }
        $against["Bucket:$bucket"] = 1 + [int]$against["Bucket:$bucket"]
    }
    [pscustomobject]@{
        Name         = 'xunit'
        Passed       = [int]$counters.passed
        Failed       = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped      = [int]$counters.notExecuted
        # A crash of the test host can leave counters at zero while the exit code says failure.
        Errored      = ($exitCode -ne 0 -and [int]$counters.failed -eq 0)
        SkippedTests = $skippedTests.ToArray()
        Against      = $against
    }
}

function Get-XunitAgainstTrait {
    <#
    What each xunit test method runs against: its [Trait("Against", ...)] values, else its class's
    (and base classes'). Read by reflection from the built test assembly, because the TRX report
    carries no traits. Returns a table "Namespace.Class.Method" -> values.
    #>
    param([string] $AssemblyPath)
    $table = @{}
    if (-not (Test-Path $AssemblyPath)) { return $table }
    $assembly = [Reflection.Assembly]::LoadFrom($AssemblyPath)
    $types = try { $assembly.GetTypes() } catch [Reflection.ReflectionTypeLoadException] { $_.Exception.Types | Where-Object { $_ } }
    function Get-AgainstValue($member) {
        # CustomAttributes reads the attribute data without running attribute constructors (a skip attribute starts nothing).
        $member.CustomAttributes | Where-Object {
            $_.AttributeType.FullName -eq 'Xunit.TraitAttribute' -and $_.ConstructorArguments[0].Value -eq 'Against'
        } | ForEach-Object { [string]$_.ConstructorArguments[1].Value }
    }
    foreach ($type in $types) {
        $classKinds = @(for ($t = $type; $t; $t = $t.BaseType) { Get-AgainstValue $t })
        foreach ($method in $type.GetMethods([Reflection.BindingFlags]'Public, Instance, Static')) {
            $isTest = $method.CustomAttributes | Where-Object {
                for ($a = $_.AttributeType; $a; $a = $a.BaseType) { if ($a.FullName -eq 'Xunit.FactAttribute') { return $true } }
            }
            if (-not $isTest) { continue }
            $methodKinds = @(Get-AgainstValue $method)
            $table["$($type.FullName).$($method.Name)"] = if ($methodKinds) { $methodKinds } else { $classKinds }
        }
    }
    $table
}

function Invoke-PesterTests {
    param([string] $PesterPath, [string] $ResultsDirectory)
    $summaryPath = Join-Path $ResultsDirectory 'pester-summary.json'
    $runner = Join-Path $RepoRoot 'tests/Invoke-PesterSuite.ps1'
    # The module is tested from its published folder in a fresh process, never from the source
    # and never in the process that built it.
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterPath $PesterPath -ModulePath $ModuleManifest -ResultsDirectory $ResultsDirectory -SummaryPath $summaryPath | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path $summaryPath)) {
        Write-Warning "Pester wrote no summary (exit code $exitCode)."
        return [pscustomobject]@{ Name = 'Pester'; Passed = 0; Failed = 0; Skipped = 0; Errored = $true; SkippedTests = @(); Against = @{} }
    }
    $summary = Get-Content $summaryPath -Raw | ConvertFrom-Json
    [pscustomobject]@{
        Name         = 'Pester'
        Passed       = [int]$summary.Passed
        Failed       = [int]$summary.Failed
        Skipped      = [int]$summary.Skipped
        Errored      = [bool]$summary.Errored
        SkippedTests = @($summary.SkippedTests)
        Against      = $summary.Against
    }
}

function Invoke-DemoTask {
    & (Join-Path $ToolsDir 'Demo.ps1') -ModulePath $ModuleManifest
}

function Invoke-PackageTask {
    $repository = Join-Path $OutRoot 'repository'
    if (Test-Path $repository) { Remove-Item $repository -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $repository
    $repositoryName = 'SmtpTlsBuild-{0}' -f [guid]::NewGuid().ToString('N').Substring(0, 8)
    Register-PSResourceRepository -Name $repositoryName -Uri $repository -Trusted
    try {
        Publish-PSResource -Path $ModuleOut -Repository $repositoryName
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    $package = Get-ChildItem $repository -Filter '*.nupkg' | Select-Object -First 1
    Copy-Item $package.FullName $OutRoot
    Write-Host "Package written to $(Join-Path $OutRoot $package.Name)"
}

function Invoke-BenchTask {
    $bench = Join-Path $ToolsDir 'Bench.ps1'
    if (-not (Test-Path $bench)) {
        throw 'The benchmark (tools/Bench.ps1) does not exist yet.'
    }
    & $bench -ModulePath $ModuleManifest -OutputPath (Join-Path $OutRoot 'bench.json')
    # -Deep against testssl.sh, on a bed of its own (its full testssl.sh runs take minutes).
    & (Join-Path $ToolsDir 'BenchDeep.ps1') -ModulePath $ModuleManifest -OutputPath (Join-Path $OutRoot 'bench-deep.json')
}

function Invoke-CleanTask {
    if (Test-Path $OutRoot) { Remove-Item $OutRoot -Recurse -Force }
    Get-ChildItem $RepoRoot -Directory -Recurse -Include 'bin', 'obj' |
        Where-Object { $_.FullName -notmatch '[\\/]\.git[\\/]' } |
        Remove-Item -Recurse -Force
}

Push-Location $RepoRoot
try {
    foreach ($name in $Task) {
        switch ($name) {
            'Build' { Invoke-BuildTask }
            'Help' { Invoke-HelpTask }
            'Test' { Install-TestPackage; Invoke-BuildTask; Invoke-PackageTask; Invoke-TestTask }
            'Demo' { Invoke-BuildTask; Invoke-DemoTask }
            'Package' { Invoke-BuildTask; Invoke-PackageTask }
            'Bench' { Invoke-BuildTask; Invoke-BenchTask }
            'Clean' { Invoke-CleanTask }
        }
    }
}
finally {
    Pop-Location
}
