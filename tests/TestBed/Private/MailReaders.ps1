# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# Reading what the Postfix instances delivered or queued (exported by the module).

function Get-SmtpTestBedMessage {
    <#
    .SYNOPSIS
        The messages delivered to a scenario's Maildir, oldest first.
    .DESCRIPTION
        Delivery is asynchronous: a message accepted with 250 reaches the Maildir a moment later.
        -TimeoutSeconds waits up to that long for at least one (matching) message.
    .PARAMETER Scenario
        The Postfix scenario, e.g. good.
    .PARAMETER MessageId
        Only the message with this Message-ID, with or without angle brackets.
    .PARAMETER TimeoutSeconds
        How long to wait for a (matching) message; 0 looks once.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Get-SmtpTestBedMessage -Scenario good -MessageId '<1234@smtptls.test>' -TimeoutSeconds 10
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)] [string] $Scenario,
        [string] $MessageId,
        [ValidateRange(0, 600)] [double] $TimeoutSeconds = 0,
        [string] $Root
    )
    $entry = Get-ScenarioEntry -Scenario $Scenario -Root $Root
    $wanted = if ($MessageId) { $MessageId.Trim().Trim('<', '>') }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $files = @(Get-ChildItem -LiteralPath (Join-Path $entry.Maildir 'new'), (Join-Path $entry.Maildir 'cur') -File -ErrorAction Ignore |
                Sort-Object LastWriteTimeUtc, Name)
        $messages = @($files | ForEach-Object { ConvertFrom-MaildirFile -Path $_.FullName -Scenario $Scenario } |
                Where-Object { -not $wanted -or ($_.MessageId -and $_.MessageId.Trim('<', '>') -ceq $wanted) })
        if ($messages.Count -gt 0 -or [DateTime]::UtcNow -ge $deadline) { return $messages }
        Start-Sleep -Milliseconds 100
    }
}

function ConvertFrom-MaildirFile {
    <#
    .SYNOPSIS
        Parses a delivered message: unfolded headers, the fields tests look for, the body.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Scenario)
    $text = [IO.File]::ReadAllText($Path)
    $separator = [regex]::Match($text, '\r?\n\r?\n')
    $headerText = if ($separator.Success) { $text.Substring(0, $separator.Index) } else { $text }
    $body = if ($separator.Success) { $text.Substring($separator.Index + $separator.Length) } else { '' }
    $headers = [ordered]@{}
    foreach ($line in ($headerText -replace '\r?\n[ \t]+', ' ') -split '\r?\n') {
        $name, $value = $line -split ':\s*', 2
        if ($null -eq $value) { continue }
        # Repeated headers (Received) keep their order, topmost first.
        if ($headers.Contains($name)) { $headers[$name] = @($headers[$name]) + $value } else { $headers[$name] = $value }
    }
    $first = { param($Name) $headers.Keys | Where-Object { $_ -eq $Name } | ForEach-Object { @($headers[$_])[0] } | Select-Object -First 1 }
    $received = & $first 'Received'
    [pscustomobject]@{
        PSTypeName  = 'SmtpTestBed.Message'
        Scenario    = $Scenario
        Path        = $Path
        QueueId     = if ($received -match '\(Postfix\) with \S+ id ([0-9A-Za-z]+)') { $Matches[1] } else { $null }
        MessageId   = & $first 'Message-ID'
        Subject     = & $first 'Subject'
        From        = & $first 'From'
        To          = & $first 'To'
        TlsProtocol = if ($received -match '\(using (TLSv[0-9.]+) ') { $Matches[1] } else { $null }
        Headers     = $headerText
        Body        = $body
    }
}

function Get-SmtpTestBedQueue {
    <#
    .SYNOPSIS
        The messages still in a scenario's queue (postqueue -j), one object per message.
    .DESCRIPTION
        Accepted mail normally leaves the queue within a second; anything here was deferred or
        is still being delivered. An empty result means an empty queue.
    .PARAMETER Scenario
        The Postfix scenario.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Get-SmtpTestBedQueue -Scenario good | Select-Object queue_id, sender, recipients
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([Parameter(Mandatory)] [string] $Scenario, [string] $Root)
    $entry = Get-ScenarioEntry -Scenario $Scenario -Root $Root
    $result = Invoke-NativeCommand (Find-NativeTool 'postqueue') '-c', $entry.ConfigDirectory, '-j'
    foreach ($line in $result.Output -split '\r?\n') {
        if ($line.Trim()) {
            $line | ConvertFrom-Json | Add-Member -NotePropertyName Scenario -NotePropertyValue $Scenario -PassThru
        }
    }
}

function Clear-SmtpTestBedMail {
    <#
    .SYNOPSIS
        Deletes delivered and queued mail of some or all scenarios.
    .PARAMETER Scenario
        The scenarios to clear; all running ones by default.
    .PARAMETER Root
        The bed's work directory (see Get-SmtpTestBed).
    .EXAMPLE
        Clear-SmtpTestBedMail -Scenario good
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([string[]] $Scenario, [string] $Root)
    $bed = Get-SmtpTestBed -Root $Root
    if (-not $Scenario) { $Scenario = @($bed.Scenarios.PSObject.Properties.Name) }
    $postsuper = Find-NativeTool 'postsuper'
    foreach ($name in $Scenario) {
        $entry = Get-ScenarioEntry -Scenario $name -Root $Root
        if (-not $PSCmdlet.ShouldProcess($name, 'Delete delivered and queued mail')) { continue }
        Get-ChildItem -LiteralPath (Join-Path $entry.Maildir 'new'), (Join-Path $entry.Maildir 'cur'), (Join-Path $entry.Maildir 'tmp') -File -ErrorAction Ignore |
            Remove-Item -Force
        Invoke-NativeCommand $postsuper '-c', $entry.ConfigDirectory, '-d', 'ALL' | Out-Null
    }
}
