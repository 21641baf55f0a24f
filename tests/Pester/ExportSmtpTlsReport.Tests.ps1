# Export-SmtpTlsReport: the file it writes, and what a reader sees when headless Chromium opens it
# (tests/Browser/HeadlessChromium.psm1 drives one browser for the whole file over the DevTools protocol).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:BedSkipReason = Get-SmtpTestBedSkipReason
    Import-Module (Join-Path $PSScriptRoot '../Browser/HeadlessChromium.psm1') -Force
    $script:NoBrowser = -not (Get-ChromiumPath)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    Import-Module (Join-Path $PSScriptRoot '../Browser/HeadlessChromium.psm1') -Force
    $script:Bed = Use-SmtpTestBed -Scenario good, broken-cert, expired, no-starttls
    $script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-report-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $WorkDir
    # The screenshot stays for people to look at: out/test when build.ps1 runs the suite, else the work folder.
    $script:ArtifactDir = if (Test-Path (Join-Path $RepoRoot 'out/test')) { Join-Path $RepoRoot 'out/test' } else { $WorkDir }

    # A server whose greeting is an attack on whoever displays it. Scripted because the point is the exact
    # bytes of the banner; it answers EHLO without STARTTLS, so the check fails and the report shows it.
    $script:HostileBanner = '220 </script><script>window.pwned=1;document.title="pwned"</script><img src=x onerror="window.pwned=2"> ESMTP'
    $script:Listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $Listener.Start()
    $script:HostilePort = $Listener.LocalEndpoint.Port
    $script:HostileServer = [powershell]::Create().AddScript({
        param($listener, $banner)
        while ($true) {
            try { $client = $listener.AcceptTcpClient() } catch { return }
            try {
                $client.ReceiveTimeout = 10000
                $stream = $client.GetStream()
                $writer = [IO.StreamWriter]::new($stream, [Text.UTF8Encoding]::new($false)); $writer.NewLine = "`r`n"; $writer.AutoFlush = $true
                $reader = [IO.StreamReader]::new($stream)
                $writer.WriteLine($banner)
                while ($null -ne ($line = $reader.ReadLine())) {
                    if ($line -match '^(EHLO|HELO)') { $writer.WriteLine('250-hostile.test'); $writer.WriteLine('250 8BITMIME') }
                    elseif ($line -match '^QUIT') { $writer.WriteLine('221 2.0.0 Bye'); break }
                    else { $writer.WriteLine('502 5.5.1 No') }
                }
            }
            catch { }
            finally { $client.Dispose() }
        }
    }).AddArgument($Listener).AddArgument($HostileBanner)
    $script:HostileHandle = $HostileServer.BeginInvoke()

    $common = @{ ServerName = $Bed.ServerName; TrustedRootPath = $Bed.CaFile; TimeoutSeconds = 10 }
    $script:Results = @(
        foreach ($scenario in 'good', 'broken-cert', 'expired', 'no-starttls') {
            Test-SmtpTls -Server "$($Bed.Scenarios.$scenario.Address):$($Bed.Scenarios.$scenario.Port)" @common
        }
        Test-SmtpTls -Server "127.0.0.1:$HostilePort" -TimeoutSeconds 10
    )
    $script:ReportPath = Join-Path $WorkDir 'report.html'
    $Results | Export-SmtpTlsReport -Path $ReportPath
    $script:Html = Get-Content -LiteralPath $ReportPath -Raw

    $script:Browser = if (Get-ChromiumPath) { Start-HeadlessChromium }

    function Open-Report([string] $Path) {
        $page = Open-ChromiumPage -Browser $Browser -Url ([Uri]::new($Path).AbsoluteUri)
        Wait-ChromiumCondition $page 'document.body.dataset.rendered !== undefined'
        $page
    }
    function Get-TableColumn([object] $Page, [int] $Column) {
        Invoke-ChromiumScript $Page "Array.from(document.querySelectorAll('#results-table tbody tr.row')).map(function (tr) { return tr.cells[$Column].textContent; })"
    }
}

AfterAll {
    if ($Browser) { Stop-HeadlessChromium $Browser }
    if ($Listener) { $Listener.Stop() }
    if ($HostileServer) { $HostileServer.Dispose() }
    Stop-OwnSmtpTestBed
    if ($WorkDir) { Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction Ignore }
}

Describe 'Export-SmtpTlsReport writes one self-contained file' -Skip:([bool]$BedSkipReason) -Tag 'Postfix' {
    It 'loads nothing from anywhere else: no external scripts, styles, fonts or images' {
        $Html | Should -Match '<meta http-equiv="Content-Security-Policy" content="default-src ''none'''
        $Html | Should -Not -Match '<(script|img|link|iframe)\b[^>]*\b(src|href)\s*='
        $Html | Should -Not -Match '@import|url\(|https?://(?!www\.w3\.org/2000/svg)'
    }

    It 'keeps server text from closing its script element' {
        $Html | Should -Match 'window\.pwned' -Because 'the banner is in the report, as data'
        $Html | Should -Not -Match '<script>window\.pwned|<img src=x'
        ([regex]::Matches($Html, '</script>')).Count | Should -Be 2
    }

    It 'refuses to overwrite without -Force, overwrites with it, and writes nothing with -WhatIf' {
        $before = (Get-Item $ReportPath).LastWriteTimeUtc
        { $Results[0] | Export-SmtpTlsReport -Path $ReportPath -ErrorAction Stop } | Should -Throw -ErrorId 'ReportFileExists,SmtpTls.Commands.ExportSmtpTlsReportCommand'
        (Get-Item $ReportPath).LastWriteTimeUtc | Should -Be $before
        $other = Join-Path $WorkDir 'whatif.html'
        $Results | Export-SmtpTlsReport -Path $other -WhatIf
        Test-Path $other | Should -BeFalse
        $file = $Results[0] | Export-SmtpTlsReport -Path $other -PassThru
        $file.FullName | Should -Be $other
        $Results | Export-SmtpTlsReport -Path $other -Force
        (Get-Content $other -Raw) | Should -Match '"port":'
    }

    It 'reports what it cannot take with a clear error and keeps the rest' {
        $path = Join-Path $WorkDir 'mixed.html'
        $Results[0], 'not a result', (Get-Date) | Export-SmtpTlsReport -Path $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems | Should -HaveCount 2
        $problems[0].FullyQualifiedErrorId | Should -Be 'UnsupportedReportInput,SmtpTls.Commands.ExportSmtpTlsReportCommand'
        $problems[0].Exception.Message | Should -Match 'Test-SmtpTls, Get-SmtpCertificate or Send-SmtpTestMessage, not System.String'
        (Get-Content $path -Raw) | Should -Match ([regex]::Escape('"server":"127.0.0.1"'))
    }

    It 'takes Get-SmtpCertificate and Send-SmtpTestMessage output too' {
        $endpoint = "$($Bed.Scenarios.good.Address):$($Bed.Scenarios.good.Port)"
        $certificate = Get-SmtpCertificate -Server $endpoint -ServerName $Bed.ServerName -TrustedRootPath $Bed.CaFile
        $sent = Send-SmtpTestMessage -Server $endpoint -ServerName $Bed.ServerName -TrustedRootPath $Bed.CaFile -From 'sender@smtptls.test' -To 'mailbox@smtptls.test'
        $path = Join-Path $WorkDir 'kinds.html'
        $certificate, $sent | Export-SmtpTlsReport -Path $path -ErrorAction Stop
        $text = Get-Content $path -Raw
        $text | Should -Match '"kind":"Certificate"'
        $text | Should -Match '"kind":"Send"'
    }

    It 'refuses a folder and a missing folder with their own errors' {
        { $Results[0] | Export-SmtpTlsReport -Path $WorkDir -ErrorAction Stop } | Should -Throw -ErrorId 'ReportPathIsFolder,SmtpTls.Commands.ExportSmtpTlsReportCommand'
        { $Results[0] | Export-SmtpTlsReport -Path (Join-Path $WorkDir 'missing/report.html') -ErrorAction Stop } | Should -Throw -ErrorId 'ReportFolderNotFound,SmtpTls.Commands.ExportSmtpTlsReportCommand'
    }
}

Describe 'The report in headless Chromium' -Skip:([bool]$BedSkipReason -or $NoBrowser) -Tag 'Postfix', 'Chromium' {
    BeforeAll { $script:Page = Open-Report $ReportPath }
    AfterAll { if ($Page) { Close-ChromiumPage $Page } }

    It 'shows one row per result and the counts by status' {
        Invoke-ChromiumScript $Page "document.querySelectorAll('#results-table tbody tr.row').length" | Should -Be $Results.Count
        $failed = @($Results | Where-Object Status -eq 'Failed').Count
        Invoke-ChromiumScript $Page "document.querySelector('#status-counts td[data-status=Failed]').textContent" | Should -Be "$failed"
        Invoke-ChromiumScript $Page "document.getElementById('shown').textContent" | Should -Be "$($Results.Count) of $($Results.Count) results"
    }

    It 'draws the expiry chart with the expired certificate in its own bar' {
        Invoke-ChromiumScript $Page "document.querySelectorAll('#expiry-chart g.bar').length" | Should -Be 13
        Invoke-ChromiumScript $Page "document.querySelector('#expiry-chart g.bar.expired').dataset.count" | Should -Be '1'
        Invoke-ChromiumScript $Page "document.querySelector('#expiry-chart').getBoundingClientRect().height > 100" | Should -BeTrue
    }

    It 'sorts by a column when its header is clicked, and reverses on the second click' {
        $null = Invoke-ChromiumScript $Page "document.querySelector('th[data-key=port]').click()"
        $ports = @(Get-TableColumn $Page 1 | ForEach-Object { [int]$_ })
        $ports | Should -Be @($ports | Sort-Object)
        $null = Invoke-ChromiumScript $Page "document.querySelector('th[data-key=port]').click()"
        $descending = @(Get-TableColumn $Page 1 | ForEach-Object { [int]$_ })
        $descending | Should -Be @($ports | Sort-Object -Descending)
        Invoke-ChromiumScript $Page "document.querySelector('th[data-key=port]').className" | Should -Be 'desc'
    }

    It 'filters by text and by status' {
        $null = Invoke-ChromiumScript $Page "var f = document.getElementById('filter'); f.value = 'TlsNotAvailable'; f.dispatchEvent(new Event('input'))"
        @(Get-TableColumn $Page 7) | Should -Be @('TlsNotAvailable (Error)')
        $null = Invoke-ChromiumScript $Page "var f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); var s = document.getElementById('status-filter'); s.value = 'Passed'; s.dispatchEvent(new Event('change'))"
        @(Get-TableColumn $Page 3) | Should -Be @('Passed')
        $null = Invoke-ChromiumScript $Page "var s = document.getElementById('status-filter'); s.value = ''; s.dispatchEvent(new Event('change'))"
    }

    It 'opens a row to show each finding with its message and what to do' {
        $index = [array]::IndexOf(@($Results.Status), 'Failed')
        $null = Invoke-ChromiumScript $Page "var f = document.getElementById('filter'); f.value = 'TlsNotAvailable'; f.dispatchEvent(new Event('input')); document.querySelector('#results-table tbody tr.row').click()"
        $detail = Invoke-ChromiumScript $Page "document.querySelector('#results-table tr.detail').textContent"
        $broken = $Results | Where-Object { $_.Findings.Id -contains 'TlsNotAvailable' }
        $detail | Should -Match ([regex]::Escape($broken.Findings[0].Message.Substring(0, 40)))
        $detail | Should -Match 'What to do:'
        Invoke-ChromiumScript $Page "document.querySelector('#results-table tr.detail .fix').innerText.split('\n').length > 2" | Should -BeTrue -Because 'each step is on its own line'
        $index | Should -BeGreaterOrEqual 0
    }

    It 'shows a hostile banner as text and runs none of it' {
        $null = Invoke-ChromiumScript $Page "var f = document.getElementById('filter'); f.value = '$HostilePort'; f.dispatchEvent(new Event('input')); document.querySelector('#results-table tbody tr.row').click()"
        Invoke-ChromiumScript $Page "document.querySelector('#results-table tr.detail').textContent" | Should -Match ([regex]::Escape('</script><script>window.pwned=1'))
        Invoke-ChromiumScript $Page 'typeof window.pwned' | Should -Be 'undefined'
        Invoke-ChromiumScript $Page 'document.title' | Should -Be 'SmtpTls report'
        Invoke-ChromiumScript $Page "document.querySelectorAll('main img, main script').length" | Should -Be 0
    }

    It 'lays out summary, chart and table on one screen (screenshot kept for review)' {
        $null = Invoke-ChromiumScript $Page "var f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input'))"
        $shot = Join-Path $ArtifactDir 'report-screenshot.png'
        Save-ChromiumScreenshot $Page $shot
        (Get-Item $shot).Length | Should -BeGreaterThan 10KB
        Invoke-ChromiumScript $Page "document.getElementById('results-table').getBoundingClientRect().top < 1000" | Should -BeTrue
    }
}

Describe 'A German report' -Skip:([bool]$BedSkipReason -or $NoBrowser) -Tag 'Postfix', 'Chromium' {
    It 'has German headings and counts with -Culture de-DE' {
        $path = Join-Path $WorkDir 'bericht.html'
        $Results | Export-SmtpTlsReport -Path $path -Culture de-DE
        $page = Open-Report $path
        try {
            Invoke-ChromiumScript $page 'document.documentElement.lang' | Should -Be 'de'
            Invoke-ChromiumScript $page "document.querySelector('#summary h2').textContent" | Should -Be 'Übersicht'
            Invoke-ChromiumScript $page "document.getElementById('shown').textContent" | Should -Be "$($Results.Count) von $($Results.Count) Ergebnissen"
        }
        finally { Close-ChromiumPage $page }
    }
}

Describe 'A report of 10,000 results' -Skip:([bool]$BedSkipReason -or $NoBrowser) -Tag 'Postfix', 'Chromium' {
    It 'opens with one page of rows and pages through all of them' {
        $path = Join-Path $WorkDir 'fleet.html'
        $many = foreach ($i in 1..2000) { $Results }
        $many | Export-SmtpTlsReport -Path $path
        $page = Open-Report $path
        try {
            Invoke-ChromiumScript $page "document.querySelectorAll('#results-table tbody tr.row').length" | Should -Be 100
            Invoke-ChromiumScript $page "document.getElementById('shown').textContent" | Should -Be '10000 of 10000 results'
            Invoke-ChromiumScript $page "document.getElementById('page').textContent" | Should -Be 'Page 1 of 100'
            $null = Invoke-ChromiumScript $page "document.getElementById('next').click()"
            Invoke-ChromiumScript $page "document.getElementById('page').textContent" | Should -Be 'Page 2 of 100'
            # Not asserted (timing belongs in the benchmark); printed for the record.
            Write-Host ("10,000-result report: {0:N1} MB, table ready {1} ms after navigation start" -f ((Get-Item $path).Length / 1MB), (Invoke-ChromiumScript $page 'document.body.dataset.readyMs'))
        }
        finally { Close-ChromiumPage $page }
    }
}
