# Suggested commands (Remediation.Command) are built from validated values only: a host taken from
# the input goes into a command only when it is a valid host name or address literal. Every command
# generated for a fuzz of hostile names is parsed with PowerShell's own parser and must be one
# statement of plain calls with literal arguments: nothing to expand, invoke or evaluate.

BeforeDiscovery {
    # Fixed attacks first (the issue's own, each PowerShell quote character, subexpressions, parameters
    # in disguise), then a seeded fuzz over the characters PowerShell treats specially.
    $fixed = @(
        "a$([char]0x2019);ni($([char]0x2019)/tmp/PWNED$([char]0x2019));#"
        "x';New-Item /tmp/PWNED;'"
        "x$([char]0x2018);New-Item /tmp/PWNED;$([char]0x2018)"
        "x$([char]0x201A);New-Item /tmp/PWNED;$([char]0x201B)"
        'x";New-Item /tmp/PWNED;"'
        '$(New-Item /tmp/PWNED)'
        '@(1)'
        '-Confirm'
        'a`;b'
        'a|b'
        'a&b'
        'host{x}'
        "esc$([char]0x1b)]0;t$([char]7)x"
        "bidi$([char]0x202E)x"
        'mail.example.com'
        '192.0.2.10'
        'IPv6:2001:db8::1'
    )
    $random = [System.Random]::new(20261207)
    $alphabet = "abc.-_019:;'`"``$()[]{}@#|&<>,=+% `t" + [string][char]0x2018 + [char]0x2019 + [char]0x201A + [char]0x201B + [char]0x201C + [char]0x201D + [char]0x1b
    $fuzz = for ($i = 0; $i -lt 80; $i++) {
        -join (1..$random.Next(1, 24) | ForEach-Object { $alphabet[$random.Next($alphabet.Length)] })
    }
    $script:Names = @($fixed) + @($fuzz) | ForEach-Object { @{ HostName = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    Import-SmtpTlsModule

    $script:Templates = @(
        '454 4.7.0 TLS not available: host unknown[{0}] said: no certificate'
        'postfix/smtp[4242]: 3F2A1C: to=<a@example.com>, relay={0}[192.0.2.10]:25, delay=1, status=deferred (TLS is required, but was not offered by host {0}[192.0.2.10])'
        '2026-12-07 05:00:00 1abcde-000001-AB H={0} [192.0.2.10]: TLS error on connection (recv): The TLS connection was non-properly terminated.'
        '451 4.4.0 Primary target IP address responded with: "454 4.7.0 TLS not available." [LastAttemptedServerName={0}] [LastAttemptedIP=192.0.2.10:25]'
    )
    $script:LiteralElement = {
        param($element)
        $element -is [System.Management.Automation.Language.StringConstantExpressionAst] -or
        $element -is [System.Management.Automation.Language.CommandParameterAst] -or
        $element -is [System.Management.Automation.Language.ConstantExpressionAst] -or
        ($element -is [System.Management.Automation.Language.ArrayLiteralAst] -and
            -not ($element.Elements | Where-Object { $_ -isnot [System.Management.Automation.Language.StringConstantExpressionAst] }))
    }

    function Assert-LiteralCommand {
        param([string] $Command, [string] $HostName)
        # <certificate.pem>-style placeholders are for the reader to fill in; they are not input.
        $text = $Command -replace '<[^<>\s]+>', 'placeholder'
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty -Because "'$Command' must parse"
        $statements = @($ast.EndBlock.Statements)
        foreach ($statement in $statements) {
            $statement | Should -BeOfType ([System.Management.Automation.Language.PipelineAst]) -Because "'$Command' must be plain calls"
            foreach ($element in $statement.PipelineElements) {
                $element | Should -BeOfType ([System.Management.Automation.Language.CommandAst]) -Because "'$Command' must be plain calls"
                $element.Redirections.Count | Should -Be 0 -Because "'$Command' must not redirect"
                foreach ($part in $element.CommandElements) {
                    (& $LiteralElement $part) | Should -BeTrue -Because "'$($part.Extent.Text)' in '$Command' must be a literal"
                }
            }
        }
        if ($Command -match '-Server ') {
            $statements.Count | Should -Be 1 -Because "'$Command' embeds the server: one command only"
            $server = $statements[0].PipelineElements[0].CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] -and $_.ParameterName -eq 'Server' }
            $index = [array]::IndexOf($statements[0].PipelineElements[0].CommandElements, $server)
            $value = $statements[0].PipelineElements[0].CommandElements[$index + 1]
            $value | Should -BeOfType ([System.Management.Automation.Language.StringConstantExpressionAst])
            $value.Value | Should -Match '^(placeholder|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|[0-9a-fA-F:.]+)$'
        }
    }
}

Describe 'Remediation commands for the host name <HostName>' -Tag 'Unit' -ForEach $Names {
    It 'are single literal calls in every input shape and both languages' {
        foreach ($template in $Templates) {
            # German for the first shape only: the commands are the same, the prose differs.
            foreach ($culture in @('en-US') + @(if ($template -eq $Templates[0]) { 'de-DE' })) {
                $resolution = Resolve-SmtpError -InputObject ($template -f $HostName) -Culture $culture
                foreach ($step in $resolution.Remediation) {
                    if ($step.Command) { Assert-LiteralCommand -Command $step.Command -HostName $HostName }
                    $step.Action | Should -Not -Match '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]' -Because 'prose shows control characters escaped'
                }
            }
        }
    }
}

Describe 'Remediation commands: the checks can fail' -Tag 'Unit' {
    It 'rejects the command the issue reported, built the old way' {
        $old = "Test-SmtpTls -Server 'a$([char]0x2019);ni($([char]0x2019)/tmp/PWNED$([char]0x2019));#' -Port 587"
        { Assert-LiteralCommand -Command $old -HostName 'x' } | Should -Throw
    }

    It 'names an invalid host in prose instead of a command' {
        $name = "a$([char]0x2019);ni($([char]0x2019)/tmp/PWNED$([char]0x2019));#"
        $resolution = Resolve-SmtpError -InputObject ('454 4.7.0 TLS not available: host unknown[{0}] said: no certificate' -f $name)
        $resolution.Remediation.Command | Where-Object { $_ -match [regex]::Escape('PWNED') } | Should -BeNullOrEmpty
        ($resolution.Remediation | Where-Object { $_.Action -match 'PWNED' }).Count | Should -BeGreaterThan 0
    }
}
