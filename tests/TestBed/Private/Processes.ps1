# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# Native processes: start, wait, find tools, check and await process exit.

function Start-NativeCommand {
    <#
    .SYNOPSIS
        Starts a program with stdin closed and stdout/stderr captured, so several can run at once.
    #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText,
        # For tools that write into the current directory (ldns-keygen); the caller's by default.
        [string] $WorkingDirectory
    )
    $info = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    if ($WorkingDirectory) { $info.WorkingDirectory = $WorkingDirectory }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($info)
    if ($InputText) { $process.StandardInput.Write($InputText) }
    $process.StandardInput.Close()
    [pscustomobject]@{
        Process     = $process
        CommandLine = (@($FilePath) + $ArgumentList) -join ' '
        Output      = $process.StandardOutput.ReadToEndAsync()
        Error       = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-NativeCommand {
    <#
    .SYNOPSIS
        Waits for commands from Start-NativeCommand; throws with their output when one failed.
    #>
    param(
        [Parameter(Mandatory, ValueFromPipeline)] [psobject] $Command,
        [switch] $AllowFailure
    )
    process {
        $Command.Process.WaitForExit()
        $result = [pscustomobject]@{
            CommandLine = $Command.CommandLine
            ExitCode    = $Command.Process.ExitCode
            Output      = $Command.Output.Result
            Error       = $Command.Error.Result
        }
        $Command.Process.Dispose()
        if ($result.ExitCode -ne 0 -and -not $AllowFailure) {
            throw "'$($result.CommandLine)' failed with exit code $($result.ExitCode): $($result.Error)$($result.Output)"
        }
        $result
    }
}

function Invoke-NativeCommand {
    <#
    .SYNOPSIS
        Runs a program to completion; throws with its output when it fails.
    #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText
    )
    Start-NativeCommand -FilePath $FilePath -ArgumentList $ArgumentList -InputText $InputText | Wait-NativeCommand
}

function Find-NativeTool {
    <#
    .SYNOPSIS
        The full path of a program, also looking in the sbin directories a non-login PATH may lack.
    #>
    param([Parameter(Mandatory)] [string] $Name)
    $command = Get-Command -Name $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($directory in '/usr/sbin', '/sbin', '/usr/bin') {
        $candidate = Join-Path $directory $Name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $null
}

function Test-ProcessRunning {
    <#
    .SYNOPSIS
        Whether a process id is alive (not a zombie) and still runs the expected program.
    .DESCRIPTION
        Checks the command line so that a recycled process id is never taken for a bed process,
        and treats zombies as gone: a stopped daemon stays a zombie until init reaps it.
    #>
    param(
        [Parameter(Mandatory)] [int] $Id,
        [Parameter(Mandatory)] [string] $CommandPattern
    )
    try {
        $stat = [IO.File]::ReadAllText("/proc/$Id/stat")
        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        $commandLine = [IO.File]::ReadAllText("/proc/$Id/cmdline").Replace([char]0, ' ')
        $state -ne 'Z' -and $commandLine -match $CommandPattern
    }
    catch [IO.IOException], [UnauthorizedAccessException] {
        $false
    }
}

function Wait-ProcessExit {
    <#
    .SYNOPSIS
        Waits until none of the processes runs any more; kills the rest, with their children, at the deadline.
    #>
    param(
        [int[]] $Id = @(),
        [Parameter(Mandatory)] [string] $CommandPattern,
        [Parameter(Mandatory)] [TimeSpan] $Timeout
    )
    $deadline = [DateTime]::UtcNow + $Timeout
    $remaining = @($Id)
    while ($remaining.Count -gt 0) {
        $remaining = @($remaining | Where-Object { Test-ProcessRunning -Id $_ -CommandPattern $CommandPattern })
        if ($remaining.Count -eq 0) { return }
        if ([DateTime]::UtcNow -ge $deadline) { break }
        Start-Sleep -Milliseconds 50
    }
    foreach ($processId in $remaining) {
        Write-Warning "SmtpTls test bed: process $processId ($CommandPattern) did not stop in $($Timeout.TotalSeconds) s; killing it."
        try { [Diagnostics.Process]::GetProcessById($processId).Kill($true) }
        catch [ArgumentException], [InvalidOperationException] { }
    }
}
