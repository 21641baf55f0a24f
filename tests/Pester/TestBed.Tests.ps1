# Self-check of the test bed: every Postfix scenario and every hostile behaviour does what the
# descriptor promises, seen by real clients (raw sockets, SslStream, openssl s_client, swaks).
# Uses the bed named by $env:SMTPTLS_TESTBED; without it, starts and stops its own.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    # -Skip is decided at discovery, before BeforeAll could start a bed: ask the descriptor or the prerequisites.
    $skipReason = Get-SmtpTestBedSkipReason
    $script:SkipPostfix = [bool]$skipReason
    $script:SkipNote = if ($SkipPostfix) { " (skipped: $skipReason)" } else { '' }
    # Every behaviour the hostile server defines (its ["name"] = entries), read from its source so
    # that a new behaviour is expected here without a second list to keep.
    $script:HostileBehaviours = @(Get-ChildItem (Join-Path $PSScriptRoot '../SmtpTls.HostileServer') -Filter '*.cs' | ForEach-Object {
            [regex]::Matches((Get-Content -Raw $_.FullName), '\["([a-z0-9-]+)"\]\s*=') | ForEach-Object { $_.Groups[1].Value }
        } | Sort-Object)
    $script:PostfixScenarios = 'good', 'broken-cert', 'broken-missing', 'no-starttls', 'expired', 'not-yet-valid', 'wrong-name',
        'self-signed', 'incomplete-chain', 'implicit', 'legacy', 'required', 'dual-cert', 'weak-key', 'weak-cipher', 'auth-before-tls', 'throttled', 'submission', 'oauth', 'client-cert', 'client-cert-required'
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:Bed = Use-SmtpTestBed
    $script:ServerName = $Bed.ServerName
    $script:Tls454 = '454 4.7.0 TLS not available due to local problem'

    function Connect-TestServer {
        <# A plain TCP connection to a bed port; Stream is replaced by the SslStream after Start-TestTls. #>
        param([Parameter(Mandatory)] [int] $Port)
        $client = [Net.Sockets.TcpClient]::new()
        $client.Connect('127.0.0.1', $Port)
        $stream = $client.GetStream()
        $stream.ReadTimeout = 5000
        $stream.WriteTimeout = 5000
        [pscustomobject]@{ Client = $client; Stream = $stream }
    }

    function Disconnect-TestServer {
        param([Parameter(Mandatory)] $Connection)
        $Connection.Stream.Dispose()
        $Connection.Client.Dispose()
    }

    function Read-TestLine {
        <# One line, read byte by byte so that nothing after it is consumed (the TLS handshake after STARTTLS). $null at end of file. #>
        param([Parameter(Mandatory)] $Connection)
        $bytes = [Collections.Generic.List[byte]]::new()
        while ($bytes.Count -lt 65536) {
            $byte = $Connection.Stream.ReadByte()
            if ($byte -lt 0) {
                if ($bytes.Count -eq 0) { return $null }
                break
            }
            if ($byte -eq 10) { break }
            $bytes.Add([byte]$byte)
        }
        [Text.Encoding]::Latin1.GetString($bytes.ToArray()).TrimEnd("`r")
    }

    function Read-TestReply {
        <# All lines of one SMTP reply (continuation lines have a dash after the code). #>
        param([Parameter(Mandatory)] $Connection)
        $lines = [Collections.Generic.List[string]]::new()
        do {
            $line = Read-TestLine $Connection
            if ($null -eq $line) { break }
            $lines.Add($line)
        } while ($line -match '^\d{3}-')
        $lines
    }

    function Send-TestCommand {
        param([Parameter(Mandatory)] $Connection, [Parameter(Mandatory)] [string] $Command)
        $bytes = [Text.Encoding]::ASCII.GetBytes("$Command`r`n")
        $Connection.Stream.Write($bytes, 0, $bytes.Length)
        Read-TestReply $Connection
    }

    function Get-TestStreamState {
        <# What the peer does in the next moments: sends 'Data', 'Closed' the connection, or stays 'Silent'. #>
        param([Parameter(Mandatory)] $Connection, [int] $Milliseconds = 1000)
        $Connection.Stream.ReadTimeout = $Milliseconds
        try {
            if ($Connection.Stream.ReadByte() -lt 0) { 'Closed' } else { 'Data' }
        }
        catch {
            $base = $_.Exception.GetBaseException()
            if ($base -is [Net.Sockets.SocketException] -and $base.SocketErrorCode -eq 'TimedOut') { 'Silent' } else { "Failed: $($base.Message)" }
        }
        finally {
            $Connection.Stream.ReadTimeout = 5000
        }
    }

    function Start-TestTls {
        <#
        Upgrades the connection to TLS and records what the server presented: the leaf, the
        intermediates it sent and .NET's policy verdict (which the callback overrides to go on).
        #>
        param(
            [Parameter(Mandatory)] $Connection,
            [Security.Authentication.SslProtocols] $Protocol = 'None'
        )
        $seen = @{}
        $callback = {
            param($sender, $certificate, $chain, $errors)
            $seen.Certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($certificate.GetRawCertData())
            # The chain object is reused after the callback: copy the certificates out. The
            # extra store holds everything the server sent, the leaf included.
            $seen.Intermediates = @($chain.ChainPolicy.ExtraStore | Where-Object Thumbprint -ne $seen.Certificate.Thumbprint |
                    ForEach-Object { [Security.Cryptography.X509Certificates.X509Certificate2]::new($_.RawData) })
            $seen.Errors = $errors
            $true
        }.GetNewClosure()
        $ssl = [Net.Security.SslStream]::new($Connection.Stream, $false, $callback)
        $ssl.ReadTimeout = $Connection.Stream.ReadTimeout
        $ssl.WriteTimeout = 5000
        $ssl.AuthenticateAsClient($ServerName, $null, $Protocol, $false)
        $Connection.Stream = $ssl
        [pscustomobject]@{
            Protocol      = $ssl.SslProtocol
            Certificate   = $seen.Certificate
            Intermediates = $seen.Intermediates
            PolicyErrors  = $seen.Errors
        }
    }

    function Test-TestChain {
        <# Builds the chain of a leaf against the bed's root only, with the given intermediates. #>
        param([Parameter(Mandatory)] $Certificate, [object[]] $Intermediate = @())
        $chain = [Security.Cryptography.X509Certificates.X509Chain]::new()
        $chain.ChainPolicy.TrustMode = 'CustomRootTrust'
        $null = $chain.ChainPolicy.CustomTrustStore.Add([Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.CaFile))
        $chain.ChainPolicy.RevocationMode = 'NoCheck'
        $chain.ChainPolicy.DisableCertificateDownloads = $true
        foreach ($extra in $Intermediate) { $null = $chain.ChainPolicy.ExtraStore.Add($extra) }
        $valid = $chain.Build($Certificate)
        [pscustomobject]@{
            Valid  = $valid
            Status = @($chain.ChainStatus | ForEach-Object { $_.Status.ToString() } | Sort-Object -Unique)
            Length = $chain.ChainElements.Count
        }
    }

    function Start-TestSession {
        <# Banner and EHLO on a Postfix scenario; returns the connection and the EHLO reply. #>
        param([Parameter(Mandatory)] [string] $Scenario)
        $connection = Connect-TestServer $Bed.Scenarios.$Scenario.Port
        $banner = @(Read-TestReply $connection)
        $ehlo = @(Send-TestCommand $connection 'EHLO client.smtptls.test')
        [pscustomobject]@{ Connection = $connection; Banner = $banner; Ehlo = $ehlo }
    }

    function Start-TestStartTls {
        <# Banner, EHLO, STARTTLS 220, handshake, EHLO again; returns the connection, TLS facts and the second EHLO. #>
        param([Parameter(Mandatory)] [string] $Scenario, [Security.Authentication.SslProtocols] $Protocol = 'None')
        $session = Start-TestSession $Scenario
        $reply = Send-TestCommand $session.Connection 'STARTTLS'
        if ($reply -notlike '220 *') { throw "STARTTLS on $Scenario answered '$reply'" }
        $tls = Start-TestTls $session.Connection -Protocol $Protocol
        $ehlo = @(Send-TestCommand $session.Connection 'EHLO client.smtptls.test')
        [pscustomobject]@{ Connection = $session.Connection; Tls = $tls; Ehlo = $ehlo }
    }

    function Invoke-TestOpenSsl {
        <# openssl s_client against a scenario; sends QUIT once connected. #>
        param([Parameter(Mandatory)] [string] $Scenario, [string[]] $Argument = @())
        $output = 'QUIT' | & openssl s_client -connect "127.0.0.1:$($Bed.Scenarios.$Scenario.Port)" -servername $ServerName -brief @Argument 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    }

    function Invoke-TestSwaks {
        <# swaks against a scenario; returns its transcript and the queue id Postfix gave the message. #>
        param([Parameter(Mandatory)] [string] $Scenario, [string[]] $Argument = @(), [string] $From = 'sender@smtptls.test')
        # --helo and --from keep swaks from deriving names from this machine's host name.
        $output = & swaks --server "127.0.0.1:$($Bed.Scenarios.$Scenario.Port)" --timeout 15 --helo client.smtptls.test --from $From @Argument 2>&1
        $text = ($output | ForEach-Object { "$_" }) -join "`n"
        [pscustomobject]@{
            ExitCode = $LASTEXITCODE
            Output   = $text
            QueueId  = if ($text -match 'queued as ([0-9A-Za-z]+)') { $Matches[1] } else { $null }
        }
    }

    function New-TestMessageId {
        "<$([guid]::NewGuid().ToString('N'))@client.smtptls.test>"
    }
}

AfterAll {
    Stop-OwnSmtpTestBed
}

Describe 'Test bed descriptor' -Tag 'Postfix', 'Scripted' {
    It 'lists every hostile behaviour on a loopback port' -ForEach @{ Expected = $HostileBehaviours } {
        @($Bed.Hostile.PSObject.Properties.Name | Sort-Object) | Should -Be $Expected
        foreach ($name in $Expected) {
            $Bed.Hostile.$name.Address | Should -Be '127.0.0.1' -Because $name
            $Bed.Hostile.$name.Port | Should -BeGreaterThan 0 -Because $name
        }
    }

    It "describes every Postfix scenario with its own port and directories$SkipNote" -Skip:$SkipPostfix -ForEach @{ Expected = $PostfixScenarios } {
        $Bed.Available | Should -BeTrue
        @($Bed.Scenarios.PSObject.Properties.Name) | Should -Be $Expected
        $ports = foreach ($name in $Expected) {
            $entry = $Bed.Scenarios.$name
            $entry.Address | Should -Be '127.0.0.1'
            $entry.ServerName | Should -Be 'mail.smtptls.test'
            $entry.ConfigDirectory | Should -Exist
            Join-Path $entry.ConfigDirectory 'main.cf' | Should -FileContentMatch '^inet_interfaces = 127\.0\.0\.1$'
            Join-Path $entry.Maildir 'new' | Should -Exist
            $entry.Port
        }
        @($ports | Select-Object -Unique) | Should -HaveCount $Expected.Count
        $Bed.Scenarios.implicit.TlsMode | Should -Be 'Implicit'
        $Bed.Scenarios.'no-starttls'.TlsMode | Should -Be 'None'
        $Bed.Scenarios.good.TlsMode | Should -Be 'StartTls'
        $Bed.Accounts.submission.UserName | Should -Be 'tester@smtptls.test'
        $Bed.Accounts.submission.Password | Should -Not -BeNullOrEmpty
    }

    It "ships a private root CA and an intermediate it signed$SkipNote" -Skip:$SkipPostfix {
        $root = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.CaFile)
        $intermediate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.IntermediateFile)
        $root.Subject | Should -Be $root.Issuer
        $intermediate.Issuer | Should -Be $root.Subject
        (Test-TestChain $intermediate).Valid | Should -BeTrue
        $root.PublicKey.GetRSAPublicKey().KeySize | Should -Be 2048
    }
}

Describe "Postfix scenarios$SkipNote" -Skip:$SkipPostfix -Tag 'Postfix' {
    It 'greets on <_> with its scenario banner' -ForEach ($PostfixScenarios | Where-Object { $_ -ne 'implicit' }) {
        $session = Start-TestSession $_
        try {
            $session.Banner | Should -Be "220 mail.smtptls.test ESMTP Postfix (SmtpTls test bed: $_)"
        }
        finally { Disconnect-TestServer $session.Connection }
    }

    Context 'good' {
        It 'negotiates <_> after STARTTLS with a chain that verifies against CaFile' -ForEach 'Tls12', 'Tls13' {
            $session = Start-TestStartTls 'good' -Protocol $_
            try {
                $session.Tls.Protocol | Should -Be $_
                $session.Tls.PolicyErrors | Should -Be 'RemoteCertificateChainErrors' -Because 'the private root is not in the system store'
                $session.Tls.Certificate.Thumbprint | Should -Be ([Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.Scenarios.good.LeafCertificateFile).Thumbprint)
                $session.Tls.Certificate.MatchesHostname('mail.smtptls.test') | Should -BeTrue
                $session.Tls.Intermediates | Should -HaveCount 1
                $chain = Test-TestChain $session.Tls.Certificate $session.Tls.Intermediates
                $chain.Valid | Should -BeTrue
                $chain.Length | Should -Be 3
                $session.Ehlo | Should -Not -Contain '250-STARTTLS'
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'refuses <_> even to a client at security level 0' -ForEach '-tls1', '-tls1_1' {
            $result = Invoke-TestOpenSsl 'good' '-starttls', 'smtp', $_, '-cipher', 'DEFAULT@SECLEVEL=0'
            $result.ExitCode | Should -Not -Be 0
            $result.Output | Should -Match 'protocol version|unsupported protocol'
        }

        It 'advertises STARTTLS and no AUTH' {
            $session = Start-TestSession 'good'
            try {
                $session.Ehlo | Should -Contain '250-STARTTLS'
                $session.Ehlo | Where-Object { $_ -match 'AUTH' } | Should -BeNullOrEmpty
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'broken certificates' {
        It 'advertises STARTTLS on <_>, answers it with the exact 454 line and carries on in plaintext' -ForEach 'broken-cert', 'broken-missing' {
            $session = Start-TestSession $_
            try {
                $session.Ehlo | Should -Contain '250-STARTTLS'
                Send-TestCommand $session.Connection 'STARTTLS' | Should -Be $Tls454
                Send-TestCommand $session.Connection 'NOOP' | Should -Be '250 2.0.0 Ok'
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'no-starttls' {
        It 'does not advertise STARTTLS and rejects the command' {
            $session = Start-TestSession 'no-starttls'
            try {
                $session.Ehlo[0] | Should -Be '250-mail.smtptls.test'
                $session.Ehlo | Where-Object { $_ -match 'STARTTLS' } | Should -BeNullOrEmpty
                Send-TestCommand $session.Connection 'STARTTLS' | Should -Be '502 5.5.1 Error: command not implemented'
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'certificate faults' {
        It 'presents an expired leaf on expired' {
            $session = Start-TestStartTls 'expired'
            try {
                $session.Tls.Certificate.NotAfter | Should -BeLessThan ([DateTime]::Now)
                $chain = Test-TestChain $session.Tls.Certificate $session.Tls.Intermediates
                $chain.Valid | Should -BeFalse
                $chain.Status | Should -Be 'NotTimeValid'
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'presents a leaf that is not valid yet on not-yet-valid' {
            $session = Start-TestStartTls 'not-yet-valid'
            try {
                $session.Tls.Certificate.NotBefore | Should -BeGreaterThan ([DateTime]::Now)
                $chain = Test-TestChain $session.Tls.Certificate $session.Tls.Intermediates
                $chain.Valid | Should -BeFalse
                $chain.Status | Should -Be 'NotTimeValid'
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'presents a valid chain for another host on wrong-name' {
            $session = Start-TestStartTls 'wrong-name'
            try {
                $session.Tls.Certificate.MatchesHostname('mail.smtptls.test') | Should -BeFalse
                $session.Tls.Certificate.MatchesHostname('other.example.test') | Should -BeTrue
                $session.Tls.PolicyErrors.HasFlag([Net.Security.SslPolicyErrors]::RemoteCertificateNameMismatch) | Should -BeTrue
                (Test-TestChain $session.Tls.Certificate $session.Tls.Intermediates).Valid | Should -BeTrue
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'presents a self-signed leaf on self-signed' {
            $session = Start-TestStartTls 'self-signed'
            try {
                $session.Tls.Certificate.Subject | Should -Be 'CN=mail.smtptls.test'
                $session.Tls.Certificate.Issuer | Should -Be $session.Tls.Certificate.Subject
                $session.Tls.Certificate.MatchesHostname('mail.smtptls.test') | Should -BeTrue
                $chain = Test-TestChain $session.Tls.Certificate $session.Tls.Intermediates
                $chain.Valid | Should -BeFalse
                $chain.Status | Should -Contain 'UntrustedRoot'
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'sends the leaf without its intermediate on incomplete-chain' {
            $session = Start-TestStartTls 'incomplete-chain'
            try {
                @($session.Tls.Intermediates).Count | Should -Be 0
                $alone = Test-TestChain $session.Tls.Certificate
                $alone.Valid | Should -BeFalse
                $alone.Status | Should -Contain 'PartialChain'
                $intermediate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Bed.IntermediateFile)
                (Test-TestChain $session.Tls.Certificate $intermediate).Valid | Should -BeTrue -Because 'the leaf itself is fine'
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'implicit' {
        It 'starts TLS on connect and greets inside it' {
            $connection = Connect-TestServer $Bed.Scenarios.implicit.Port
            try {
                $tls = Start-TestTls $connection
                $tls.Protocol | Should -Be 'Tls13'
                (Test-TestChain $tls.Certificate $tls.Intermediates).Valid | Should -BeTrue
                Read-TestReply $connection | Should -Be '220 mail.smtptls.test ESMTP Postfix (SmtpTls test bed: implicit)'
            }
            finally { Disconnect-TestServer $connection }
        }

        It 'says nothing to a plaintext client' {
            $connection = Connect-TestServer $Bed.Scenarios.implicit.Port
            try { Get-TestStreamState $connection -Milliseconds 1000 | Should -Be 'Silent' }
            finally { Disconnect-TestServer $connection }
        }
    }

    Context 'legacy' {
        It 'accepts <Name> from openssl at security level 0' -ForEach @(
            @{ Name = 'TLS 1.0'; Option = '-tls1'; Expected = 'TLSv1' }
            @{ Name = 'TLS 1.1'; Option = '-tls1_1'; Expected = 'TLSv1.1' }
        ) {
            $result = Invoke-TestOpenSsl 'legacy' '-starttls', 'smtp', $Option, '-cipher', 'DEFAULT@SECLEVEL=0'
            $result.ExitCode | Should -Be 0 -Because $result.Output
            $result.Output | Should -Match "Protocol version: $([regex]::Escape($Expected))\r?\n"
        }

        It 'refuses TLS 1.2 from openssl' {
            $result = Invoke-TestOpenSsl 'legacy' '-starttls', 'smtp', '-tls1_2', '-cipher', 'DEFAULT@SECLEVEL=0'
            $result.ExitCode | Should -Not -Be 0
            $result.Output | Should -Not -Match 'CONNECTION ESTABLISHED'
        }

        It 'refuses TLS 1.2 and 1.3 from SslStream' {
            $session = Start-TestSession 'legacy'
            try {
                Send-TestCommand $session.Connection 'STARTTLS' | Should -Be '220 2.0.0 Ready to start TLS'
                { Start-TestTls $session.Connection -Protocol 'Tls12, Tls13' } | Should -Throw
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'required' {
        It 'refuses MAIL FROM before STARTTLS with the exact 530 line and accepts it after' {
            $session = Start-TestSession 'required'
            try {
                $session.Ehlo | Should -Contain '250-STARTTLS'
                Send-TestCommand $session.Connection 'MAIL FROM:<sender@smtptls.test>' | Should -Be '530 5.7.0 Must issue a STARTTLS command first'
                Send-TestCommand $session.Connection 'STARTTLS' | Should -Be '220 2.0.0 Ready to start TLS'
                $null = Start-TestTls $session.Connection
                $null = Send-TestCommand $session.Connection 'EHLO client.smtptls.test'
                Send-TestCommand $session.Connection 'MAIL FROM:<sender@smtptls.test>' | Should -Be '250 2.1.0 Ok'
            }
            finally { Disconnect-TestServer $session.Connection }
        }
    }

    Context 'submission' {
        It 'offers AUTH only after STARTTLS' {
            $session = Start-TestSession 'submission'
            try {
                $session.Ehlo | Where-Object { $_ -match 'AUTH' } | Should -BeNullOrEmpty
                Send-TestCommand $session.Connection 'AUTH PLAIN AHRlc3RlcgB4' | Should -Be '503 5.5.1 Error: authentication not enabled'
                Send-TestCommand $session.Connection 'STARTTLS' | Should -Be '220 2.0.0 Ready to start TLS'
                $null = Start-TestTls $session.Connection
                Send-TestCommand $session.Connection 'EHLO client.smtptls.test' | Should -Contain '250-AUTH PLAIN LOGIN'
            }
            finally { Disconnect-TestServer $session.Connection }
        }

        It 'authenticates the test account with <_> and delivers its message' -ForEach 'PLAIN', 'LOGIN' {
            $messageId = New-TestMessageId
            $account = $Bed.Accounts.submission
            $result = Invoke-TestSwaks 'submission' '--tls', '--auth', $_, '--auth-user', $account.UserName, '--auth-password', $account.Password,
                '--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId" -From $account.UserName
            $result.ExitCode | Should -Be 0 -Because $result.Output
            $result.Output | Should -Match '235 2\.7\.0 Authentication successful'
            $message = Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'submission' -MessageId $messageId -TimeoutSeconds 10
            $message | Should -HaveCount 1
            $message.QueueId | Should -Be $result.QueueId
            $message.Headers | Should -Match 'with ESMTPSA'
        }

        It 'rejects a wrong password and unauthenticated mail, and nothing arrives' {
            $messageId = New-TestMessageId
            $account = $Bed.Accounts.submission
            $wrong = Invoke-TestSwaks 'submission' '--tls', '--auth', 'PLAIN', '--auth-user', $account.UserName, '--auth-password', 'not-the-password',
                '--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId"
            $wrong.ExitCode | Should -Not -Be 0
            $wrong.Output | Should -Match '535 5\.7\.8 Error: authentication failed'
            $anonymous = Invoke-TestSwaks 'submission' '--tls', '--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId"
            $anonymous.ExitCode | Should -Not -Be 0
            $anonymous.Output | Should -Match '554 5\.7\.1 <someone@smtptls\.test>: Recipient address rejected: Access denied'
            Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'submission' -MessageId $messageId -TimeoutSeconds 1.5 | Should -BeNullOrEmpty
            Get-SmtpTestBedQueue -Root $Bed.Root -Scenario 'submission' | Should -BeNullOrEmpty
        }
    }
}

Describe "Delivery$SkipNote" -Skip:$SkipPostfix -Tag 'Postfix' {
    It 'delivers a message sent to good over verified STARTTLS into its Maildir' {
        $messageId = New-TestMessageId
        $result = Invoke-TestSwaks 'good' '--tls', '--tls-verify', '--tls-ca-path', $Bed.CaFile, '--tls-sni', $ServerName,
            '--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId", '--header', 'Subject: test bed delivery'
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $message = Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'good' -MessageId $messageId -TimeoutSeconds 10
        $message | Should -HaveCount 1
        $message.QueueId | Should -Be $result.QueueId
        $message.Subject | Should -Be 'test bed delivery'
        $message.TlsProtocol | Should -Be 'TLSv1.3'
        $message.Path | Should -BeLike "$($Bed.Scenarios.good.Maildir)/new/*"
        # qmgr removes the queue file just after the delivery agent reports success.
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        while ((Get-SmtpTestBedQueue -Root $Bed.Root -Scenario 'good') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-SmtpTestBedQueue -Root $Bed.Root -Scenario 'good' | Should -BeNullOrEmpty
    }

    It 'accepts and delivers mail for someone@smtptls.test on <Scenario>' -ForEach @(
        @{ Scenario = 'good'; Option = @('--tls') }
        @{ Scenario = 'broken-cert'; Option = @() }
        @{ Scenario = 'broken-missing'; Option = @() }
        @{ Scenario = 'no-starttls'; Option = @() }
        @{ Scenario = 'expired'; Option = @('--tls') }
        @{ Scenario = 'not-yet-valid'; Option = @('--tls') }
        @{ Scenario = 'wrong-name'; Option = @('--tls') }
        @{ Scenario = 'self-signed'; Option = @('--tls') }
        @{ Scenario = 'incomplete-chain'; Option = @('--tls') }
        @{ Scenario = 'implicit'; Option = @('--tlsc') }
        # swaks' OpenSSL will not go below TLS 1.2, and STARTTLS is optional there.
        @{ Scenario = 'legacy'; Option = @() }
        @{ Scenario = 'required'; Option = @('--tls') }
        @{ Scenario = 'submission'; Option = @('--tls'); Authenticate = $true }
    ) {
        $messageId = New-TestMessageId
        $arguments = $Option + @('--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId")
        if ($_.Authenticate) {
            $arguments += '--auth', 'PLAIN', '--auth-user', $Bed.Accounts.submission.UserName, '--auth-password', $Bed.Accounts.submission.Password
        }
        $result = Invoke-TestSwaks $Scenario $arguments
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.QueueId | Should -Not -BeNullOrEmpty
        (Get-SmtpTestBedMessage -Root $Bed.Root -Scenario $Scenario -MessageId $messageId -TimeoutSeconds 10).QueueId | Should -Be $result.QueueId
    }

    It 'refuses to relay to other domains' {
        $session = Start-TestSession 'good'
        try {
            Send-TestCommand $session.Connection 'MAIL FROM:<sender@smtptls.test>' | Should -Be '250 2.1.0 Ok'
            Send-TestCommand $session.Connection 'RCPT TO:<someone@example.com>' | Should -Be '554 5.7.1 <someone@example.com>: Relay access denied'
        }
        finally { Disconnect-TestServer $session.Connection }
    }

    It 'stores nothing when required refuses mail before STARTTLS' {
        $messageId = New-TestMessageId
        $result = Invoke-TestSwaks 'required' '--to', 'someone@smtptls.test', '--header', "Message-Id: $messageId"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match '530 5\.7\.0 Must issue a STARTTLS command first'
        Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'required' -MessageId $messageId -TimeoutSeconds 1.5 | Should -BeNullOrEmpty
        Get-SmtpTestBedQueue -Root $Bed.Root -Scenario 'required' | Should -BeNullOrEmpty
    }

    It 'empties a Maildir with Clear-SmtpTestBedMail' {
        $result = Invoke-TestSwaks 'no-starttls' '--to', 'someone@smtptls.test'
        $result.ExitCode | Should -Be 0 -Because $result.Output
        Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'no-starttls' -TimeoutSeconds 10 | Should -Not -BeNullOrEmpty
        # The first message seen may be an earlier test's: clear only once this one has left the queue,
        # or it lands after the clear (seen in a whole run on a busy machine).
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-SmtpTestBedQueue -Root $Bed.Root -Scenario 'no-starttls') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Clear-SmtpTestBedMail -Root $Bed.Root -Scenario 'no-starttls'
        Get-SmtpTestBedMessage -Root $Bed.Root -Scenario 'no-starttls' | Should -BeNullOrEmpty
    }
}

Describe 'Hostile servers' -Tag 'Scripted' {
    BeforeAll {
        function Connect-Hostile([string] $Behaviour) { Connect-TestServer $Bed.Hostile.$Behaviour.Port }
        $script:HostileBanner = '220 hostile.smtptls.test ESMTP SmtpTls hostile server ({0})'
    }

    It 'tarpit accepts and never sends a banner' {
        $connection = Connect-Hostile 'tarpit'
        try { Get-TestStreamState $connection -Milliseconds 1500 | Should -Be 'Silent' }
        finally { Disconnect-TestServer $connection }
    }

    It 'close-after-banner closes right after its banner' {
        $connection = Connect-Hostile 'close-after-banner'
        try {
            Read-TestReply $connection | Should -Be ($HostileBanner -f 'close-after-banner')
            Get-TestStreamState $connection | Should -Be 'Closed'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'close-in-handshake accepts STARTTLS and hangs up during the handshake' {
        $connection = Connect-Hostile 'close-in-handshake'
        try {
            $null = Read-TestReply $connection
            Send-TestCommand $connection 'EHLO client.smtptls.test' | Should -Contain '250-STARTTLS'
            Send-TestCommand $connection 'STARTTLS' | Should -Be '220 2.0.0 Ready to start TLS'
            # A long read timeout, so that a server that stays silent cannot pass for one that closes.
            $connection.Stream.ReadTimeout = 60000
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Start-TestTls $connection } | Should -Throw
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because 'the server closes at once instead of letting the 60 s read timeout expire'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'garbage-banner sends binary noise instead of a banner' {
        $connection = Connect-Hostile 'garbage-banner'
        try {
            $line = Read-TestLine $connection
            $line.Length | Should -Be 512
            $line | Should -Not -Match '^\d{3}[ -]'
            $line | Should -Match '[^\x20-\x7E]'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'http stays silent, then answers anything with 400 and closes' {
        $connection = Connect-Hostile 'http'
        try {
            Get-TestStreamState $connection -Milliseconds 1000 | Should -Be 'Silent'
            Send-TestCommand $connection 'EHLO client.smtptls.test' | Should -Be 'HTTP/1.1 400 Bad Request'
            $rest = while ($null -ne ($line = Read-TestLine $connection)) { $line }
            $rest | Should -Contain 'Connection: close'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'long-line sends 220 and 1 MiB of x without a line end, then waits' {
        $connection = Connect-Hostile 'long-line'
        try {
            $expected = 4 + 1MB
            $buffer = [byte[]]::new($expected + 16)
            $received = 0
            while ($received -lt $expected) {
                $count = $connection.Stream.Read($buffer, $received, $buffer.Length - $received)
                if ($count -eq 0) { break }
                $received += $count
            }
            $received | Should -Be $expected
            [Text.Encoding]::ASCII.GetString($buffer, 0, 4) | Should -Be '220 '
            [Array]::IndexOf($buffer, [byte][char]'x', 4) | Should -Be 4
            [Array]::FindIndex($buffer, 4, $expected - 4, [Predicate[byte]] { param($b) $b -ne [byte][char]'x' }) | Should -Be -1
            Get-TestStreamState $connection -Milliseconds 500 | Should -Be 'Silent'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'ehlo-flood answers EHLO with 10,000 lines' {
        $connection = Connect-Hostile 'ehlo-flood'
        try {
            $reader = [IO.StreamReader]::new($connection.Stream, [Text.Encoding]::ASCII)
            $reader.ReadLine() | Should -Be ($HostileBanner -f 'ehlo-flood')
            $bytes = [Text.Encoding]::ASCII.GetBytes("EHLO client.smtptls.test`r`n")
            $connection.Stream.Write($bytes, 0, $bytes.Length)
            $lines = [Collections.Generic.List[string]]::new()
            do { $line = $reader.ReadLine(); $lines.Add($line) } while ($line -and $line.StartsWith('250-'))
            $lines.Count | Should -Be 10000
            $lines[-1] | Should -Be '250 8BITMIME'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'banner-421 greets with 421 and closes' {
        $connection = Connect-Hostile 'banner-421'
        try {
            Read-TestReply $connection | Should -Be '421 4.3.2 Service not available, closing transmission channel'
            Get-TestStreamState $connection | Should -Be 'Closed'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'ehlo-421 answers EHLO with 421 and closes' {
        $connection = Connect-Hostile 'ehlo-421'
        try {
            Read-TestReply $connection | Should -Be ($HostileBanner -f 'ehlo-421')
            Send-TestCommand $connection 'EHLO client.smtptls.test' | Should -Be '421 4.3.2 Service not available, closing transmission channel'
            Get-TestStreamState $connection | Should -Be 'Closed'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'starttls-421 advertises STARTTLS, answers it with 421 and closes' {
        $connection = Connect-Hostile 'starttls-421'
        try {
            $null = Read-TestReply $connection
            Send-TestCommand $connection 'EHLO client.smtptls.test' | Should -Contain '250-STARTTLS'
            Send-TestCommand $connection 'STARTTLS' | Should -Be '421 4.3.2 Service not available, closing transmission channel'
            Get-TestStreamState $connection | Should -Be 'Closed'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'starttls-silent answers STARTTLS with 220 and then never starts TLS' {
        $connection = Connect-Hostile 'starttls-silent'
        try {
            $null = Read-TestReply $connection
            $null = Send-TestCommand $connection 'EHLO client.smtptls.test'
            Send-TestCommand $connection 'STARTTLS' | Should -Be '220 2.0.0 Ready to start TLS'
            $connection.Stream.ReadTimeout = 1500
            $failure = { Start-TestTls $connection } | Should -Throw -PassThru
            $failure.Exception.GetBaseException().SocketErrorCode | Should -Be 'TimedOut'
        }
        finally { Disconnect-TestServer $connection }
    }

    It 'starttls-454 refuses STARTTLS with the exact 454 line and carries on' {
        $connection = Connect-Hostile 'starttls-454'
        try {
            $null = Read-TestReply $connection
            Send-TestCommand $connection 'EHLO client.smtptls.test' | Should -Contain '250-STARTTLS'
            Send-TestCommand $connection 'STARTTLS' | Should -Be $Tls454
            Send-TestCommand $connection 'NOOP' | Should -Be '250 2.0.0 Ok'
            Send-TestCommand $connection 'QUIT' | Should -Be '221 2.0.0 Bye'
        }
        finally { Disconnect-TestServer $connection }
    }
}

Describe 'Hostile server lifetime' -Tag 'Scripted' {
    BeforeAll {
        $script:HostileAssembly = Join-Path $PSScriptRoot '../SmtpTls.HostileServer/bin/Release/net10.0/SmtpTls.HostileServer.dll'

        function Start-TestHostileServer {
            <# A private hostile server with only the tarpit; waits until it is listening. #>
            param([string[]] $Argument = @())
            $ready = Join-Path $TestDrive "ready-$([guid]::NewGuid().ToString('N')).json"
            $info = [Diagnostics.ProcessStartInfo]::new((Get-Command dotnet -CommandType Application | Select-Object -First 1).Source)
            foreach ($item in @($HostileAssembly, '--behaviour', 'tarpit', '--ready-file', $ready) + $Argument) { $info.ArgumentList.Add($item) }
            $info.RedirectStandardInput = $true
            $info.RedirectStandardOutput = $true
            $process = [Diagnostics.Process]::Start($info)
            # Its log lines are not needed; draining them keeps a full pipe from ever blocking it.
            $process.BeginOutputReadLine()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $ready) -and -not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 25 }
            $ready | Should -Exist
            [pscustomobject]@{ Process = $process; Ready = Get-Content $ready -Raw | ConvertFrom-Json }
        }
    }

    It 'stops when its stop-file appears' {
        $stopFile = Join-Path $TestDrive 'stop'
        $server = Start-TestHostileServer '--stop-file', $stopFile
        try {
            $server.Process.WaitForExit(500) | Should -BeFalse
            $null = New-Item -ItemType File $stopFile
            $server.Process.WaitForExit(20000) | Should -BeTrue
            $server.Process.ExitCode | Should -Be 0
        }
        finally { if (-not $server.Process.HasExited) { $server.Process.Kill() } }
    }

    It 'stops at its --max-seconds cap even with a connection open' {
        $server = Start-TestHostileServer '--max-seconds', '2'
        $connection = Connect-TestServer $server.Ready.Behaviours.tarpit.Port
        try {
            $server.Process.WaitForExit(20000) | Should -BeTrue
            Get-TestStreamState $connection -Milliseconds 2000 | Should -Be 'Closed'
        }
        finally {
            Disconnect-TestServer $connection
            if (-not $server.Process.HasExited) { $server.Process.Kill() }
        }
    }

    It 'stops on SIGTERM' {
        $server = Start-TestHostileServer
        try {
            & kill -TERM $server.Process.Id
            $server.Process.WaitForExit(20000) | Should -BeTrue
            $server.Process.ExitCode | Should -Be 0
        }
        finally { if (-not $server.Process.HasExited) { $server.Process.Kill() } }
    }

    It 'stops when standard input closes with --exit-on-stdin-eof' {
        $server = Start-TestHostileServer '--exit-on-stdin-eof'
        try {
            $server.Process.WaitForExit(500) | Should -BeFalse
            $server.Process.StandardInput.Close()
            $server.Process.WaitForExit(20000) | Should -BeTrue
        }
        finally { if (-not $server.Process.HasExited) { $server.Process.Kill() } }
    }

    It 'refuses a non-loopback address' {
        $output = & dotnet $HostileAssembly --address 192.0.2.1 2>&1
        $LASTEXITCODE | Should -Be 2
        "$output" | Should -Match 'loopback'
    }
}

Describe "Start and stop$SkipNote" -Skip:$SkipPostfix -Tag 'Postfix' {
    BeforeAll {
        function Get-TestProcessState([int] $Id) {
            # A stopped daemon stays a zombie (state Z) until init reaps it; that is not running.
            $stat = Get-Content "/proc/$Id/stat" -Raw -ErrorAction Ignore
            if ($stat) { $stat.Substring($stat.LastIndexOf(')') + 2, 1) } else { 'gone' }
        }
        function Get-TestBedProcessId([string] $Root, [psobject] $Bed) {
            # The master holds a flock on its pid file, which .NET will not read past.
            [pscustomobject]@{
                Master  = [int](& cat (Join-Path $Bed.Scenarios.good.QueueDirectory 'pid/master.pid')).Trim()
                Hostile = [int](Get-Content (Join-Path $Root 'hostile/server.pid'))
                # The DNSSEC part's NSD and unbound (their pid as started; both run in the foreground).
                Dns     = @('nsd', 'unbound' | ForEach-Object { [int](Get-Content (Join-Path $Root "dnssec/$_.started-pid")) })
            }
        }
    }

    It 'restarts idempotently, reuses the certificates and leaves no process behind' {
        $root = Join-Path $TestDrive 'bed'
        try {
            $first = Start-SmtpTestBed -Root $root -Scenario 'good'
            $firstIds = Get-TestBedProcessId $root $first
            $rootCa = Get-Item $first.CaFile

            $second = Start-SmtpTestBed -Root $root -Scenario 'good'
            $secondIds = Get-TestBedProcessId $root $second
            @($second.Scenarios.PSObject.Properties.Name) | Should -Be @('good')
            (Get-Item $second.CaFile).LastWriteTimeUtc | Should -Be $rootCa.LastWriteTimeUtc -Because 'the certificate cache is reused'
            Get-TestProcessState $secondIds.Master | Should -Not -BeIn 'gone', 'Z'
            $secondIds.Dns | ForEach-Object { Get-TestProcessState $_ | Should -Not -BeIn 'gone', 'Z' }
            foreach ($id in @($firstIds.Master, $firstIds.Hostile) + $firstIds.Dns) {
                Get-TestProcessState $id | Should -BeIn 'gone', 'Z' -Because "the second start stops the first bed's process $id"
            }

            Stop-SmtpTestBed -Root $root
            Stop-SmtpTestBed -Root $root
            Join-Path $root 'testbed.json' | Should -Not -Exist
            foreach ($id in @($secondIds.Master, $secondIds.Hostile) + $secondIds.Dns) {
                Get-TestProcessState $id | Should -BeIn 'gone', 'Z' -Because "process $id must not run after Stop-SmtpTestBed"
            }
        }
        finally {
            # TestDrive is deleted after this block: never leave daemons running in it.
            Stop-SmtpTestBed -Root $root
        }
    }
}
