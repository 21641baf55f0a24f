<#
    A small DevTools-protocol client for Debian's headless Chromium, so that tests see a page the way a
    reader does: scripts run, clicks go through the page's own handlers, screenshots show the layout.
    One browser per test file (Start-HeadlessChromium in BeforeAll, Stop-HeadlessChromium in AfterAll);
    pages are opened and closed in it. The browser gets its own profile folder and every flag that keeps
    it off the network: without them it waits for update and sync services this machine cannot reach.
#>

Set-StrictMode -Version Latest

function Get-ChromiumPath {
    <# The chromium executable, or $null when the package is not installed. #>
    foreach ($candidate in 'chromium', 'chromium-browser') {
        $command = Get-Command $candidate -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($command) { return $command.Source }
    }
    $null
}

function Start-HeadlessChromium {
    <#
    .SYNOPSIS
        Starts headless Chromium with remote debugging on a free loopback port; returns a handle.
    #>
    [CmdletBinding()]
    param([int] $TimeoutSeconds = 60)
    $executable = Get-ChromiumPath
    if (-not $executable) { throw "Chromium is not installed (Debian package 'chromium', listed in tests/packages.txt)." }
    $profileFolder = Join-Path ([IO.Path]::GetTempPath()) ("smtptls-chromium-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $profileFolder
    $arguments = @(
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-default-apps', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
        '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', '--remote-allow-origins=*',
        "--user-data-dir=$profileFolder", 'about:blank'
    )
    $log = Join-Path $profileFolder 'chromium.log'
    $process = Start-Process -FilePath $executable -ArgumentList $arguments -PassThru -RedirectStandardError $log -RedirectStandardOutput (Join-Path $profileFolder 'stdout.log')
    # Chromium writes the port it chose into DevToolsActivePort once it listens.
    $portFile = Join-Path $profileFolder 'DevToolsActivePort'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $portFile) -or -not (Get-Content -LiteralPath $portFile -ErrorAction Ignore)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $tail = if (Test-Path $log) { (Get-Content $log -Tail 20) -join "`n" } else { '' }
            if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force -ErrorAction Ignore }
            throw "Chromium did not start its DevTools endpoint within $TimeoutSeconds s.`n$tail"
        }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{
        Process       = $process
        Port          = [int](Get-Content -LiteralPath $portFile -TotalCount 1)
        ProfileFolder = $profileFolder
    }
}

function Stop-HeadlessChromium {
    <# Stops the browser started by Start-HeadlessChromium (by its process id) and removes its profile. #>
    param([Parameter(Mandatory)] [object] $Browser)
    if (-not $Browser.Process.HasExited) {
        Stop-Process -Id $Browser.Process.Id -Force -ErrorAction Ignore
        $null = $Browser.Process.WaitForExit(10000)
    }
    Remove-Item -LiteralPath $Browser.ProfileFolder -Recurse -Force -ErrorAction Ignore
}

function Open-ChromiumPage {
    <#
    .SYNOPSIS
        Opens a new tab on a URL and connects to it; waits until the document has loaded.
    #>
    param(
        [Parameter(Mandatory)] [object] $Browser,
        [Parameter(Mandatory)] [string] $Url,
        [int] $Width = 1280,
        [int] $Height = 1000,
        [int] $TimeoutSeconds = 60
    )
    $target = Invoke-RestMethod -Method Put -Uri "http://127.0.0.1:$($Browser.Port)/json/new?about:blank" -TimeoutSec 30
    $socket = [System.Net.WebSockets.ClientWebSocket]::new()
    $socket.Options.KeepAliveInterval = [TimeSpan]::Zero
    $null = $socket.ConnectAsync([Uri]$target.webSocketDebuggerUrl, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $page = [pscustomobject]@{ Browser = $Browser; Socket = $socket; TargetId = $target.id; NextId = 0; TimeoutSeconds = $TimeoutSeconds }
    $null = Invoke-ChromiumCommand $page 'Emulation.setDeviceMetricsOverride' @{ width = $Width; height = $Height; deviceScaleFactor = 1; mobile = $false }
    $null = Invoke-ChromiumCommand $page 'Page.navigate' @{ url = $Url }
    Wait-ChromiumCondition $page "document.readyState === 'complete'"
    $page
}

function Close-ChromiumPage {
    <# Closes the tab and its connection. #>
    param([Parameter(Mandatory)] [object] $Page)
    try { $Page.Socket.Dispose() } catch { }
    try { $null = Invoke-RestMethod -Uri "http://127.0.0.1:$($Page.Browser.Port)/json/close/$($Page.TargetId)" -TimeoutSec 10 } catch { }
}

function Invoke-ChromiumCommand {
    <# Sends one DevTools command and returns its result; events that arrive meanwhile are skipped. #>
    param([Parameter(Mandatory)] [object] $Page, [Parameter(Mandatory)] [string] $Method, [hashtable] $Params = @{})
    $Page.NextId++
    $id = $Page.NextId
    $message = @{ id = $id; method = $Method; params = $Params } | ConvertTo-Json -Depth 10 -Compress
    $bytes = [Text.Encoding]::UTF8.GetBytes($message)
    $timeout = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds($Page.TimeoutSeconds))
    try {
        $null = $Page.Socket.SendAsync([ArraySegment[byte]]::new($bytes), 'Text', $true, $timeout.Token).GetAwaiter().GetResult()
        $buffer = [byte[]]::new(1MB)
        while ($true) {
            $stream = [IO.MemoryStream]::new()
            do {
                $received = $Page.Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), $timeout.Token).GetAwaiter().GetResult()
                $stream.Write($buffer, 0, $received.Count)
            } while (-not $received.EndOfMessage)
            $reply = [Text.Encoding]::UTF8.GetString($stream.ToArray()) | ConvertFrom-Json -Depth 20
            if ($reply.PSObject.Properties['id'] -and $reply.id -eq $id) {
                if ($reply.PSObject.Properties['error']) { throw "DevTools $Method failed: $($reply.error.message)" }
                return $reply.result
            }
        }
    }
    finally { $timeout.Dispose() }
}

function Invoke-ChromiumScript {
    <# Evaluates a JavaScript expression in the page and returns its value (JSON-compatible values only). #>
    param([Parameter(Mandatory)] [object] $Page, [Parameter(Mandatory)] [string] $Expression)
    $result = Invoke-ChromiumCommand $Page 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true; awaitPromise = $true }
    if ($result.PSObject.Properties['exceptionDetails']) {
        throw "Script failed in the page: $($result.exceptionDetails.exception.description)"
    }
    if ($result.result.PSObject.Properties['value']) { $result.result.value } else { $null }
}

function Wait-ChromiumCondition {
    <# Polls a JavaScript condition until it is true; throws when it stays false. #>
    param([Parameter(Mandatory)] [object] $Page, [Parameter(Mandatory)] [string] $Condition, [int] $TimeoutSeconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Invoke-ChromiumScript $Page "!!($Condition)")) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The page did not reach '$Condition' within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 100
    }
}

function Save-ChromiumScreenshot {
    <# Writes a PNG of the whole page. #>
    param([Parameter(Mandatory)] [object] $Page, [Parameter(Mandatory)] [string] $Path)
    $shot = Invoke-ChromiumCommand $Page 'Page.captureScreenshot' @{ format = 'png'; captureBeyondViewport = $true }
    [IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($shot.data))
}

Export-ModuleMember -Function Get-ChromiumPath, Start-HeadlessChromium, Stop-HeadlessChromium, Open-ChromiumPage, Close-ChromiumPage,
    Invoke-ChromiumCommand, Invoke-ChromiumScript, Wait-ChromiumCondition, Save-ChromiumScreenshot
