# Resolve-SmtpError in the published module ($env:SMTPTLS_MODULE, default out/SmtpTls/SmtpTls.psd1):
# replies, log lines, error records, exceptions and objects in; SmtpErrorResolution objects out, in English
# and German; bad input as non-terminating errors; a 100,000-line log streamed with its time and memory
# printed; JSON and CLIXML round trips; the format views. Needs no network.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule
    $PSStyle.OutputRendering = 'PlainText'

    $script:Postfix454 = '454 4.7.0 TLS not available due to local problem'
    $script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-resolve-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $WorkDir
}

AfterAll {
    if ($WorkDir -and (Test-Path $WorkDir)) { Remove-Item $WorkDir -Recurse -Force }
}

Describe 'Resolve-SmtpError: the 454 reply' -Tag 'Unit' {
    It 'gives TlsNotAvailable, transient, with remediation for senders, administrators and developers' {
        $result = @($Postfix454 | Resolve-SmtpError -Culture en-US)

        $result | Should -HaveCount 1
        $r = $result[0]
        # The module's types live in its own load context: compare names, as scripts do.
        $r.GetType().FullName | Should -Be 'SmtpTls.SmtpErrorResolution'
        $r.Category | Should -Be 'TlsNotAvailable'
        $r.IsTransient | Should -BeTrue
        $r.ReplyCode | Should -Be 454
        $r.EnhancedStatusCode | Should -Be '4.7.0'
        $r.ReplyText | Should -Be 'TLS not available due to local problem'
        $r.ServerSoftware | Should -Be 'Postfix'
        $r.Confidence | Should -Be 'High'
        $audiences = @($r.Remediation.Audience | ForEach-Object ToString | Sort-Object -Unique)
        $audiences | Should -Be @('Administrator', 'Developer', 'Sender')
        $r.Remediation | Where-Object Command -Like 'Test-SmtpTls -Server * -Port 25' | Should -Not -BeNullOrEmpty
        $r.Causes.Count | Should -BeGreaterOrEqual 7
        $r.Culture | Should -Be 'en-US'
    }

    It 'answers in German with -Culture de-DE' {
        $r = $Postfix454 | Resolve-SmtpError -Culture de-DE

        $r.Culture | Should -Be 'de-DE'
        $r.Category | Should -Be 'TlsNotAvailable'
        $r.Summary | Should -Match 'Zertifikat'
        $r.Remediation[0].Action | Should -BeLike 'Temporärer Fehler*'
        ($r.Remediation | Where-Object Id -EQ 'Sender.CheckPort').Action | Should -BeLike 'Port überprüfen (587 für STARTTLS, 465 für SSL/TLS)*'
        $r.EnhancedStatusDescription | Should -Be 'Sonstiger oder nicht definierter Sicherheitsstatus'
    }

    It 'follows the current UI culture without -Culture' {
        $saved = [cultureinfo]::CurrentUICulture
        try {
            [cultureinfo]::CurrentUICulture = [cultureinfo]'de-DE'
            $r = $Postfix454 | Resolve-SmtpError
        }
        finally {
            [cultureinfo]::CurrentUICulture = $saved
        }

        $r.Culture | Should -Be 'de-DE'
        $r.Remediation[0].Action | Should -BeLike 'Temporärer Fehler*'
    }

    It 'warns about 454 5.7.3: transient by the basic code, X.7.3 means something else' {
        $r = '454 5.7.3 TLS not available' | Resolve-SmtpError -Culture en-US

        $r.IsTransient | Should -BeTrue
        $r.Category | Should -Be 'TlsNotAvailable'
        ($r.Warnings -join ' ') | Should -Match 'class 4.*class 5'
        ($r.Warnings -join ' ') | Should -Match 'Security conversion required but not possible'
    }

    It 'reads a Postfix log line and puts the host into the commands' {
        $line = 'Nov 29 10:15:02 mail postfix/smtp[2345]: 8F1A2C0123: to=<ann@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (host mx.example.net[192.0.2.10] said: 454 4.7.0 TLS not available due to local problem (in reply to STARTTLS command))'

        $r = $line | Resolve-SmtpError -Culture en-US

        $r.Server | Should -Be 'mx.example.net'
        $r.LogStatus | Should -Be 'deferred'
        ($r.Remediation | Where-Object Id -EQ 'Admin.TestEndpoint').Command | Should -Be 'Test-SmtpTls -Server mx.example.net -Port 25'
    }
}

Describe 'Resolve-SmtpError: what it accepts' -Tag 'Unit' {
    It 'accepts an ErrorRecord from a caught error' {
        $r = try { throw '530 5.7.0 Must issue a STARTTLS command first' } catch { $_ | Resolve-SmtpError -Culture en-US }

        $r.Category | Should -Be 'TlsRequired'
        $r.ReplyCode | Should -Be 530
    }

    It 'accepts error records from -ErrorVariable and $Error' {
        Write-Error -Message $Postfix454 -ErrorAction SilentlyContinue -ErrorVariable failures
        $fromVariable = $failures | Resolve-SmtpError -Culture en-US
        $fromError = $Error[0] | Resolve-SmtpError -Culture en-US

        $fromVariable.Category | Should -Be 'TlsNotAvailable'
        $fromError.Category | Should -Be 'TlsNotAvailable'
    }

    It 'uses the resolution another cmdlet attached to the exception, in the requested language' {
        $attached = $Postfix454 | Resolve-SmtpError -Culture en-US
        $exception = [System.InvalidOperationException]::new("No certificate: $Postfix454")
        $exception.Data['SmtpTls.Resolution'] = $attached
        $record = [System.Management.Automation.ErrorRecord]::new($exception, 'TlsNotAvailable', 'ResourceUnavailable', 'mx.example.net')

        $german = $record | Resolve-SmtpError -Culture de-DE

        $german.Category | Should -Be 'TlsNotAvailable'
        $german.Culture | Should -Be 'de-DE'
        $german.Remediation[0].Action | Should -BeLike 'Temporärer Fehler*'
    }

    It 'accepts exceptions, with their inner exceptions' {
        $inner = [System.Security.Authentication.AuthenticationException]::new('The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch')
        $outer = [System.IO.IOException]::new('Connecting to mx.example.net failed.', $inner)

        ($outer | Resolve-SmtpError -Culture en-US).Category | Should -Be 'CertificateNameMismatch'
        (Resolve-SmtpError -InputObject $inner -Culture en-US).Category | Should -Be 'CertificateNameMismatch'
    }

    It 'accepts objects and hashtables with a reply-like property' {
        ([pscustomobject]@{ Server = 'mx.example.net'; StartTlsReply = $Postfix454 } | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotAvailable'
        (@{ Reply = '421 4.7.0 TLS required for RCPT domain, closing connection.' } | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsRequired'
        ([pscustomobject]@{ Line = 'The SMTP server does not support the STARTTLS extension.' } | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotOffered'
    }

    It 'reads the same reply-like properties in hashtables, property bags, .NET objects with note properties and deserialized error records' {
        # One reader in the engine (ObjectReader): before, hashtables and .NET objects were read without Exception/ErrorRecord.
        $failure = [InvalidOperationException]::new($Postfix454)
        (@{ Exception = $failure } | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotAvailable'
        ([pscustomobject]@{ Id = 1; Exception = $failure } | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotAvailable'
        $noted = [System.Text.StringBuilder]::new() | Add-Member -NotePropertyName Reply -NotePropertyValue $Postfix454 -PassThru
        ($noted | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotAvailable'

        try { Write-Error -Message $Postfix454 -ErrorAction Stop } catch { $record = $_ }
        $path = Join-Path $WorkDir 'error-record.xml'
        $record | Export-Clixml -Path $path
        $back = Import-Clixml -Path $path
        $back.PSObject.TypeNames[0] | Should -Be 'Deserialized.System.Management.Automation.ErrorRecord'
        ($back | Resolve-SmtpError -Culture en-US).Category | Should -Be 'TlsNotAvailable'
        $nested = [pscustomobject]@{ ErrorRecord = $back } | Resolve-SmtpError -Culture de-DE
        $nested.Category | Should -Be 'TlsNotAvailable'
        $nested.Culture | Should -Be 'de-DE'
    }

    It 'resolves every piped string on its own, and an array given to -InputObject as one multi-line reply' {
        @($Postfix454, '530 5.7.0 Must issue a STARTTLS command first' | Resolve-SmtpError) | Should -HaveCount 2

        $joined = Resolve-SmtpError -InputObject @('454-4.7.0 TLS not available', '454 4.7.0 due to local problem') -Culture en-US
        $joined.ReplyText | Should -Be 'TLS not available due to local problem'
        $joined.RuleId | Should -Be 'starttls.454.postfix'
    }

    It 'takes the reply as a positional parameter and a bare number as a reply code' {
        (Resolve-SmtpError '454 TLS currently unavailable' -Culture en-US).ServerSoftware | Should -Be 'Exim'
        (454 | Resolve-SmtpError -Culture en-US).ReplyCode | Should -Be 454
    }

    It 'gives text that is not an SMTP reply the category Other with Low confidence' {
        $r = 'hello world' | Resolve-SmtpError -Culture en-US

        $r.Category | Should -Be 'Other'
        $r.Confidence | Should -Be 'Low'
        $r.ReplyCode | Should -Be 0
    }
}

Describe 'Resolve-SmtpError: bad input' -Tag 'Unit' {
    It 'writes a non-terminating EmptyInput error for <Name> and goes on with the next item' -ForEach @(
        @{ Name = '$null'; Value = $null }
        @{ Name = 'an empty string'; Value = '' }
        @{ Name = 'blanks'; Value = "  `t " }
    ) {
        $output = @($Postfix454, $Value, 'hello world' | Resolve-SmtpError -ErrorVariable failures -ErrorAction SilentlyContinue)

        $output | Should -HaveCount 2
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'EmptyInput,SmtpTls.Commands.ResolveSmtpErrorCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'writes a non-terminating NoReplyText error for an object without text' {
        $output = @([pscustomobject]@{ Name = 'x' } | Resolve-SmtpError -ErrorVariable failures -ErrorAction SilentlyContinue)

        $output | Should -HaveCount 0
        $failures[0].FullyQualifiedErrorId | Should -Be 'NoReplyText,SmtpTls.Commands.ResolveSmtpErrorCommand'
    }

    It 'stops on bad input only when asked to' {
        { $null | Resolve-SmtpError -ErrorAction Stop } | Should -Throw -ErrorId 'EmptyInput,SmtpTls.Commands.ResolveSmtpErrorCommand'
    }

    It 'survives hostile input: a 5 MB line, control characters and 10,000 continuation lines' {
        $long = '454 4.7.0 ' + ('A' * 5MB)
        $control = -join ([char[]](0..31))
        $continuation = ((1..10000 | ForEach-Object { "454-4.7.0 line $_" }) + '454 4.7.0 end') -join "`r`n"

        $results = @($long, "454 $control TLS", $continuation | Resolve-SmtpError -Culture en-US)

        $results | Should -HaveCount 3
        $results[0].Input.Length | Should -BeLessOrEqual 65536
        $results[2].ReplyCode | Should -Be 454
        $results | ForEach-Object { $_.ReplyText.Length | Should -BeLessOrEqual 4096 }
    }
}

Describe 'Resolve-SmtpError: a mail log of 100,000 lines' -Tag 'Unit' {
    BeforeAll {
        $script:LogPath = Join-Path $WorkDir 'postfix.log'
        $templates = @(
            'Nov 29 10:00:{0:00} mail postfix/smtpd[{1}]: connect from unknown[198.51.100.{2}]'
            'Nov 29 10:00:{0:00} mail postfix/qmgr[{1}]: {3:X10}: from=<sender{2}@example.org>, size={1}, nrcpt=1 (queue active)'
            'Nov 29 10:00:{0:00} mail postfix/smtp[{1}]: {3:X10}: to=<rcpt{2}@example.net>, relay=mx{2}.example.net[192.0.2.{2}]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {3:X8})'
            'Nov 29 10:00:{0:00} mail postfix/smtpd[{1}]: disconnect from unknown[198.51.100.{2}] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7'
            'Nov 29 10:00:{0:00} mail postfix/smtp[{1}]: {3:X10}: to=<rcpt{2}@example.net>, relay=mx{2}.example.net[192.0.2.{2}]:25, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (host mx{2}.example.net[192.0.2.{2}] said: 454 4.7.0 TLS not available due to local problem (in reply to STARTTLS command))'
            'Nov 29 10:00:{0:00} mail postfix/smtp[{1}]: {3:X10}: to=<rcpt{2}@example.net>, relay=mx{2}.example.net[192.0.2.{2}]:25, delay=2.1, delays=0.1/0/2/0, dsn=4.7.5, status=deferred (Cannot start TLS: handshake failure)'
            'Nov 29 10:00:{0:00} mail postfix/smtp[{1}]: certificate verification failed for mx{2}.example.net[192.0.2.{2}]:25: untrusted issuer /C=US/O=Example/CN=Example CA'
            'Nov 29 10:00:{0:00} mail postfix/smtpd[{1}]: NOQUEUE: reject: RCPT from unknown[198.51.100.{2}]: 554 5.7.1 <x{2}@example.com>: Relay access denied; from=<a@example.org> to=<x{2}@example.com> proto=ESMTP helo=<client>'
        )
        $writer = [System.IO.StreamWriter]::new($LogPath, $false, [System.Text.UTF8Encoding]::new($false))
        try {
            for ($i = 0; $i -lt 100000; $i++) {
                $writer.WriteLine([string]::Format([cultureinfo]::InvariantCulture, $templates[$i % $templates.Count], $i % 60, 1000 + $i % 9000, $i % 250, $i))
            }
        }
        finally {
            $writer.Dispose()
        }
    }

    It 'streams: the first result arrives without reading the whole log' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Get-Content $LogPath | Resolve-SmtpError -Culture en-US | Select-Object -First 1
        $watch.Stop()

        $first | Should -Not -BeNullOrEmpty
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'resolves all 100,000 lines in bounded time and memory' {
        [System.GC]::Collect()
        [System.GC]::WaitForPendingFinalizers()
        $process = [System.Diagnostics.Process]::GetCurrentProcess()
        $process.Refresh()
        $workingSetBefore = $process.WorkingSet64
        $heapBefore = [System.GC]::GetTotalMemory($true)
        $script:counts = @{}
        $script:peak = $workingSetBefore

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $n = 0
        Get-Content $LogPath | Resolve-SmtpError -Culture en-US | ForEach-Object {
            $n++
            $key = "$($_.Category)"
            $script:counts[$key] = 1 + [int]$script:counts[$key]
            if ($n % 10000 -eq 0) {
                $process.Refresh()
                if ($process.WorkingSet64 -gt $script:peak) { $script:peak = $process.WorkingSet64 }
            }
        }
        $watch.Stop()

        $process.Refresh()
        $heapAfter = [System.GC]::GetTotalMemory($true)
        $growthMb = ($script:peak - $workingSetBefore) / 1MB
        $heapMb = ($heapAfter - $heapBefore) / 1MB
        Write-Host ('    100,000 log lines through Get-Content | Resolve-SmtpError: {0:N1} s ({1:N0} lines/s); working set growth (peak) {2:N1} MB; managed heap growth after GC {3:N1} MB' -f $watch.Elapsed.TotalSeconds, (100000 / $watch.Elapsed.TotalSeconds), $growthMb, $heapMb)
        Write-Host ('    categories: ' + (($script:counts.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ', '))

        $n | Should -Be 100000
        # A guard against hangs and quadratic work (about 18 s on two busy cores), not a speed target: that is build.ps1 -Task Bench.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 180
        $growthMb | Should -BeLessThan 200
        $heapMb | Should -BeLessThan 50
        $script:counts['TlsNotAvailable'] | Should -Be 12500
        $script:counts['TlsHandshakeFailed'] | Should -Be 12500
        $script:counts['CertificateUntrusted'] | Should -Be 12500
    }
}

Describe 'Resolve-SmtpError: results survive serialization' -Tag 'Unit' {
    BeforeAll {
        $script:Original = '454 5.7.3 TLS not available' | Resolve-SmtpError -Culture en-US
    }

    It 'round-trips through ConvertTo-Json with its fields intact' {
        $json = $Original | ConvertTo-Json -Depth 5 -EnumsAsStrings
        $back = $json | ConvertFrom-Json

        $back.Input | Should -Be $Original.Input
        $back.ReplyCode | Should -Be 454
        $back.EnhancedStatusCode | Should -Be '5.7.3'
        $back.IsTransient | Should -BeTrue
        $back.Category | Should -Be 'TlsNotAvailable'
        $back.Class | Should -Be 'TransientNegative'
        $back.Confidence | Should -Be $Original.Confidence.ToString()
        @($back.Causes) | Should -Be @($Original.Causes)
        @($back.Warnings) | Should -Be @($Original.Warnings)
        @($back.References) | Should -Be @($Original.References)
        @($back.Remediation) | Should -HaveCount $Original.Remediation.Count
        $back.Remediation[0].Audience | Should -Be 'Sender'
        @($back.Remediation.Action) | Should -Be @($Original.Remediation.Action)
        @($back.Remediation.Command) | Should -Be @($Original.Remediation.Command)

        # The enums are their names even without -EnumsAsStrings: JSON is read by monitoring systems, not by .NET.
        ($Original | ConvertTo-Json -Depth 5 | ConvertFrom-Json).Category | Should -Be 'TlsNotAvailable'
    }

    It 'round-trips through Export-Clixml and Import-Clixml with its fields intact' {
        $path = Join-Path $WorkDir 'resolution.xml'
        $Original | Export-Clixml -Path $path
        $back = Import-Clixml -Path $path

        $back.PSObject.TypeNames | Should -Contain 'Deserialized.SmtpTls.SmtpErrorResolution'
        $back.Input | Should -Be $Original.Input
        $back.ReplyCode | Should -Be 454
        $back.EnhancedStatusCode | Should -Be '5.7.3'
        $back.IsTransient | Should -BeTrue
        # SmtpTls.Types.ps1xml serializes the enums as their names, so they compare as such after remoting too.
        $back.Category | Should -Be 'TlsNotAvailable'
        $back.Category.ToString() | Should -Be 'TlsNotAvailable'
        @($back.Causes) | Should -Be @($Original.Causes)
        @($back.Warnings) | Should -Be @($Original.Warnings)
        @($back.Remediation) | Should -HaveCount $Original.Remediation.Count
        @($back.Remediation.Action) | Should -Be @($Original.Remediation.Action)
        @($back.Remediation.Command) | Should -Be @($Original.Remediation.Command)
        "$($back.Remediation[0].Audience)" | Should -Be 'Sender'
        $back.Culture | Should -Be 'en-US'

        # An imported result pipes back in and is explained again, here in German.
        $again = $back | Resolve-SmtpError -Culture de-DE
        $again.Category | Should -Be 'TlsNotAvailable'
        $again.Culture | Should -Be 'de-DE'
    }
}

Describe 'Resolve-SmtpError: format views' -Tag 'Unit' {
    It 'shows ReplyCode, enhanced code, category, transient and the first step in the table view' {
        $table = $Postfix454 | Resolve-SmtpError -Culture en-US | Format-Table | Out-String -Width 250

        $table | Should -Match 'ReplyCode\s+Enhanced\s+Category\s+Transient\s+FirstStep'
        $table | Should -Match '454\s+4\.7\.0\s+TlsNotAvailable\s+True\s+Temporary error: try again later'
    }

    It 'shows causes and every step with its command in the list view' {
        $list = $Postfix454 | Resolve-SmtpError -Culture en-US | Format-List | Out-String -Width 250

        $list | Should -Match 'Summary\s+: The server advertises STARTTLS'
        $list | Should -Match '\[Administrator\] Check the server.s TLS from outside'
        $list | Should -Match '> Test-SmtpTls -Server <server> -Port 25'
    }
}
