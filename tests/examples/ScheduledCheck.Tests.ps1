# Runs the scheduled check of README "Scheduled checks" (Invoke-MailTlsCheck.ps1) the way a task
# scheduler does: a new pwsh with -File, against the test bed's Postfix servers, and reads its files
# and its exit code.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:BedSkipReason = Get-SmtpTestBedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:Bed = Use-SmtpTestBed -Scenario good, expired
    $script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-scheduled-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $WorkDir

    function Invoke-ScheduledCheck([string[]] $Scenario, [string] $Folder) {
        $list = Join-Path $WorkDir "$Folder.txt"
        Set-Content -LiteralPath $list -Value (@('# servers of the bed') + @($Scenario | ForEach-Object { "$($Bed.Scenarios.$_.Address):$($Bed.Scenarios.$_.Port)" }))
        $output = Join-Path $WorkDir $Folder
        $parameters = "@{ ServerName = '$($Bed.ServerName)'; TrustedRootPath = '$($Bed.CaFile)'; TimeoutSeconds = 10 }"
        # Like a scheduled task: a fresh process, the script by path, the module found by name.
        $modules = Split-Path (Split-Path $ModulePath -Parent) -Parent
        $command = "`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath; & '$(Join-Path $PSScriptRoot 'Invoke-MailTlsCheck.ps1')' -ListPath '$list' -OutputFolder '$output' -ListKind Server -TestParameters $parameters"
        $log = & (Get-Process -Id $PID).Path (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($log -join "`n"); Folder = $output }
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
    if ($WorkDir) { Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction Ignore }
}

Describe 'The scheduled check from the README' -Skip:([bool]$BedSkipReason) -Tag 'Postfix' {
    It 'exits 0 and writes CSV, HTML and JSON lines when every server passes' {
        $run = Invoke-ScheduledCheck -Scenario good -Folder passing
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $csv = @(Import-Csv (Get-ChildItem $run.Folder -Filter *.csv).FullName)
        $csv | Should -HaveCount 1
        $csv[0].Status | Should -Be 'Passed'
        (Get-ChildItem $run.Folder -Filter *.html) | Should -HaveCount 1
        (Get-Content (Get-ChildItem $run.Folder -Filter *.jsonl).FullName | ConvertFrom-Json).Status | Should -Be 'Passed'
    }

    It 'exits 1 and names the failure when a server fails' {
        $run = Invoke-ScheduledCheck -Scenario good, expired -Folder failing
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'CertificateExpired\(Error\)'
        $csv = @(Import-Csv (Get-ChildItem $run.Folder -Filter *.csv).FullName)
        ($csv | Where-Object Status -eq 'Failed').Findings | Should -Match '^CertificateExpired\(Error\)'
        (Get-Content (Get-ChildItem $run.Folder -Filter *.html).FullName -Raw) | Should -Match '"status":"Failed"'
    }
}
