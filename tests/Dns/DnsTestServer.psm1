<#
.SYNOPSIS
    A loopback DNS server for tests: dnsmasq serving only the records a test gives it.

.DESCRIPTION
    Start-DnsTestServer runs dnsmasq on 127.0.0.1 (or ::1) and a free port with no upstream
    (--no-resolv), no /etc/hosts (--no-hosts), no system configuration (its own --conf-file) and
    only the given records. Every name under the zone's top-level domains that no record defines
    answers NXDOMAIN (local=/tld/); every other name is REFUSED, so a test can never resolve a
    real name through it, and nothing it does reaches the machine's own resolver.

    Records are zone-file lines, 'name TYPE data':
        'smtptls.test MX 10 mx1.smtptls.test'       MX (mx-host); 'name MX 0 .' is a null MX
        'mx1.smtptls.test A 127.0.0.1'              A / AAAA (host-record)
        'alias.smtptls.test CNAME mx1.smtptls.test' CNAME (cname; the target must be in the zone)
        '_mta-sts.smtptls.test TXT "v=STSv1; id=1"' TXT, one or more quoted strings
        '_25._tcp.mx1.smtptls.test TLSA 3 1 1 ab12' TLSA (dns-rr type 52)
        'name TYPE257 0005697373756561'             any other type as hex RDATA (dns-rr)
    The same format is read by the xunit helper DnsTestZone.cs.

    -ServFailDomain: names under it answer SERVFAIL. dnsmasq has no switch for that, so a second
    dnsmasq on loopback serves the domain unsigned while the first validates DNSSEC against a
    made-up trust anchor: the answer is bogus and the client gets SERVFAIL, as from a real
    validating resolver.
    -SilentDomain: names under it are forwarded to a loopback socket that never answers, so
    clients time out.

    If dnsmasq (Debian package dnsmasq-base) is missing, Start-DnsTestServer throws; tests should
    check Test-DnsTestServerAvailable first and skip with Get-DnsTestServerSkipReason.
#>

Set-StrictMode -Version Latest

$script:DnsmasqPath = if ($env:SMTPTLS_DNSMASQ) { $env:SMTPTLS_DNSMASQ } else { '/usr/sbin/dnsmasq' }
# A trust anchor no real key matches: every answer validated against it is bogus.
$script:BogusDigest = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'
$script:Running = [System.Collections.Generic.List[object]]::new()

function Test-DnsTestServerAvailable {
    <# Whether dnsmasq is installed, so that Start-DnsTestServer can work. #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    Test-Path -LiteralPath $script:DnsmasqPath -PathType Leaf
}

function Get-DnsTestServerSkipReason {
    <# Why DNS tests cannot run here, or $null when they can. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if (Test-DnsTestServerAvailable) { return $null }
    "dnsmasq is not installed ($($script:DnsmasqPath) is missing): install the Debian package dnsmasq-base to run the DNS tests."
}

function ConvertTo-DnsmasqOption {
    <#
    .SYNOPSIS
        Translates one zone line ('name TYPE data') into one dnsmasq configuration line.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Line)
    process {
        $parts = Split-ZoneLine $Line
        if ($parts.Count -lt 3) { throw "'$Line' is not 'name TYPE data'." }
        $name = $parts[0].TrimEnd('.')
        $type = $parts[1].ToUpperInvariant()
        $data = @($parts | Select-Object -Skip 2)
        switch -Regex ($type) {
            '^(A|AAAA)$' { "host-record=$name,$($data[0])"; break }
            '^MX$' {
                if ($data.Count -ne 2) { throw "'$Line': MX needs 'preference target'." }
                $target = if ($data[1] -eq '.') { '.' } else { $data[1].TrimEnd('.') }
                "mx-host=$name,$target,$([int]$data[0])"
                break
            }
            '^CNAME$' { "cname=$name,$($data[0].TrimEnd('.'))"; break }
            '^TXT$' { "txt-record=$name," + (($data | ForEach-Object { '"' + $_ + '"' }) -join ','); break }
            '^TLSA$' {
                if ($data.Count -lt 4) { throw "'$Line': TLSA needs 'usage selector matching-type hex'." }
                $fields = ($data[0..2] | ForEach-Object { ([byte]$_).ToString('X2') }) -join ''
                "dns-rr=$name,52,$fields$(($data | Select-Object -Skip 3) -join '')"
                break
            }
            '^TYPE(\d+)$' { "dns-rr=$name,$($Matches[1]),$(($data) -join '')"; break }
            default { throw "'$Line': record type $type is not supported by the test zone." }
        }
    }
}

function Start-DnsTestServer {
    <#
    .SYNOPSIS
        Starts dnsmasq on loopback serving only -Zone; returns an object for Stop-DnsTestServer.
    .OUTPUTS
        An object with Address, Port, Endpoint ('127.0.0.1:port' / '[::1]:port', ready for
        -DnsServer), Process, Id (its pid), Directory, LogPath.
    .EXAMPLE
        $dns = Start-DnsTestServer -Zone 'test.example MX 10 mx1.test.example', 'mx1.test.example A 127.0.0.1'
        Test-SmtpTls -Domain test.example -DnsServer $dns.Endpoint
        Stop-DnsTestServer $dns
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Zone,
        [ValidateRange(0, 65535)] [int] $Port = 0,
        # Loopback only: a test server must never be reachable from elsewhere.
        [ValidateScript({ [System.Net.IPAddress]::IsLoopback([System.Net.IPAddress]::Parse($_)) })]
        [string] $ListenAddress = '127.0.0.1',
        [string[]] $ServFailDomain = @(),
        [string[]] $SilentDomain = @(),
        # Domains answered from local data only; default: every top-level label the zone uses.
        [string[]] $LocalDomain
    )

    if ($reason = Get-DnsTestServerSkipReason) { throw $reason }
    $options = [System.Collections.Generic.List[string]]::new()
    $records = @($Zone | Where-Object { $_ -and $_.Trim() } | ConvertTo-DnsmasqOption)
    $servFail = @($ServFailDomain | ForEach-Object { $_.Trim('.').ToLowerInvariant() })
    $silent = @($SilentDomain | ForEach-Object { $_.Trim('.').ToLowerInvariant() })
    if (-not $LocalDomain) {
        $LocalDomain = @(@($Zone | Where-Object { $_ -and $_.Trim() } | ForEach-Object { (Split-ZoneLine $_)[0] }) + $servFail + $silent |
            ForEach-Object { $_.TrimEnd('.').Split('.')[-1].ToLowerInvariant() } | Select-Object -Unique)
    }
    foreach ($domain in $LocalDomain) { $options.Add("local=/$domain/") }
    foreach ($record in $records) { $options.Add($record) }

    $server = [pscustomobject]@{
        PSTypeName = 'SmtpTls.DnsTestServer'
        Address    = $ListenAddress
        Port       = 0
        Endpoint   = $null
        Process    = $null
        Id         = 0
        Directory  = Join-Path ([IO.Path]::GetTempPath()) ('smtptls-dns-' + [guid]::NewGuid().ToString('N'))
        LogPath    = $null
        Helpers    = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
        Blackholes = [System.Collections.Generic.List[System.Net.Sockets.UdpClient]]::new()
    }
    $null = New-Item -ItemType Directory -Path $server.Directory
    $script:Running.Add($server)
    try {
        if ($servFail.Count) {
            $helper = Start-Dnsmasq -Server $server -Name 'servfail-upstream' -Options @($servFail | ForEach-Object { "local=/$_/" }) -Address '127.0.0.1' -Port 0
            $server.Helpers.Add($helper.Process)
            $options.Add('dnssec')
            $options.Add("trust-anchor=.,12345,8,2,$($script:BogusDigest)")
            foreach ($domain in $servFail) {
                $options.Add("server=/$domain/127.0.0.1#$($helper.Port)")
                $options.Add("trust-anchor=$domain,12345,8,2,$($script:BogusDigest)")
            }
        }
        foreach ($domain in $silent) {
            # Bound and never read: queries vanish without even an ICMP error, so clients time out.
            $blackhole = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
            $server.Blackholes.Add($blackhole)
            $options.Add("server=/$domain/127.0.0.1#$($blackhole.Client.LocalEndPoint.Port)")
        }

        $main = Start-Dnsmasq -Server $server -Name 'main' -Options $options -Address $ListenAddress -Port $Port
        $server.Process = $main.Process
        $server.Id = $main.Process.Id
        $server.Port = $main.Port
        $server.Endpoint = if ($ListenAddress.Contains(':')) { "[$ListenAddress]:$($main.Port)" } else { "$($ListenAddress):$($main.Port)" }
        $server.LogPath = Join-Path $server.Directory 'main.log'
        $server
    }
    catch {
        Stop-DnsTestServer -Server $server
        throw
    }
}

function Stop-DnsTestServer {
    <# Stops the dnsmasq processes of a test server and removes its files. Safe to call twice. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [psobject] $Server)
    process {
        foreach ($process in @($Server.Process) + @($Server.Helpers) | Where-Object { $_ }) {
            try {
                if (-not $process.HasExited) { $process.Kill() }
                $null = $process.WaitForExit(5000)
            }
            catch [System.InvalidOperationException] {
                # Already gone.
            }
            finally {
                $process.Dispose()
            }
        }
        foreach ($socket in $Server.Blackholes) { $socket.Dispose() }
        $Server.Blackholes.Clear()
        $Server.Helpers.Clear()
        if ($Server.Directory -and (Test-Path -LiteralPath $Server.Directory)) {
            Remove-Item -LiteralPath $Server.Directory -Recurse -Force -ErrorAction SilentlyContinue
        }
        $null = $script:Running.Remove($Server)
    }
}

function Get-DnsTestServerLog {
    <# The query log of a running test server (dnsmasq --log-queries=extra), one line per string. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [psobject] $Server)
    # dnsmasq keeps the file open; share it for reading.
    $stream = [IO.FileStream]::new($Server.LogPath, 'Open', 'Read', 'ReadWrite')
    try {
        $reader = [IO.StreamReader]::new($stream)
        $reader.ReadToEnd() -split "`n" | Where-Object { $_ }
    }
    finally {
        $stream.Dispose()
    }
}

function Invoke-DnsTestQuery {
    <#
    .SYNOPSIS
        Sends one raw DNS query over UDP to a test server and returns the response header.
    .DESCRIPTION
        Needs neither dig nor the module under test: enough to check a test server, not a resolver.
    .OUTPUTS
        ResponseCode (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED), AnswerCount, AuthenticData, Bytes;
        $null when no answer came within -TimeoutMilliseconds.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [psobject] $Server,
        [Parameter(Mandatory)] [string] $Name,
        [ValidateSet('A', 'AAAA', 'MX', 'TXT', 'TLSA', 'CNAME')] [string] $Type = 'A',
        [int] $TimeoutMilliseconds = 2000
    )
    $types = @{ A = 1; CNAME = 5; MX = 15; TXT = 16; AAAA = 28; TLSA = 52 }
    $query = New-RawDnsQuery -Id (Get-Random -Minimum 1 -Maximum 65535) -Name $Name -Type $types[$Type]
    $address = [System.Net.IPAddress]::Parse($Server.Address)
    $client = [System.Net.Sockets.UdpClient]::new($address.AddressFamily)
    try {
        $client.Client.ReceiveTimeout = $TimeoutMilliseconds
        $null = $client.Send($query, $query.Length, [System.Net.IPEndPoint]::new($address, $Server.Port))
        $from = $null
        try { $reply = $client.Receive([ref] $from) } catch [System.Net.Sockets.SocketException] { return $null }
        [pscustomobject]@{
            ResponseCode  = $reply[3] -band 0x0F
            AnswerCount   = ($reply[6] -shl 8) -bor $reply[7]
            AuthenticData = [bool]($reply[3] -band 0x20)
            Bytes         = $reply
        }
    }
    finally {
        $client.Dispose()
    }
}

function Start-Dnsmasq {
    # Starts one dnsmasq with a configuration file of its own, on a free port unless one is given,
    # and waits until it answers. Retries on another port when the chosen one was taken meanwhile.
    param($Server, [string] $Name, [string[]] $Options, [string] $Address, [int] $Port)
    $conf = Join-Path $Server.Directory "$Name.conf"
    Set-Content -LiteralPath $conf -Value $Options -Encoding ascii
    $ip = [System.Net.IPAddress]::Parse($Address)
    $errors = [System.Collections.Generic.List[string]]::new()
    foreach ($attempt in 1..5) {
        $chosen = if ($Port) { $Port } else { Get-FreePort $ip }
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:DnsmasqPath)
        $info.UseShellExecute = $false
        $info.RedirectStandardError = $true
        $info.RedirectStandardOutput = $true
        $arguments = @(
            '--keep-in-foreground', "--conf-file=$conf", '--no-resolv', '--no-hosts', '--no-poll',
            "--port=$chosen", "--listen-address=$Address", '--bind-interfaces',
            "--pid-file=$(Join-Path $Server.Directory "$Name.pid")",
            '--log-queries=extra', "--log-facility=$(Join-Path $Server.Directory "$Name.log")")
        # As root dnsmasq would drop to 'nobody', which cannot write the log in our private folder.
        if ([Environment]::UserName -eq 'root') { $arguments += '--user=root' }
        foreach ($argument in $arguments) { $info.ArgumentList.Add($argument) }
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $answering = Wait-DnsmasqAnswering -Process $process -Address $ip -Port $chosen
        }
        catch {
            # Not yet known to the caller: nobody else would stop it.
            if (-not $process.HasExited) { $process.Kill(); $null = $process.WaitForExit(5000) }
            $process.Dispose()
            throw
        }
        if ($answering) {
            return [pscustomobject]@{ Process = $process; Port = $chosen }
        }
        if (-not $process.HasExited) { $process.Kill(); $null = $process.WaitForExit(5000) }
        $stderr = $process.StandardError.ReadToEnd().Trim()
        $process.Dispose()
        $errors.Add("attempt $attempt on port $($chosen): $stderr")
        if ($Port -or $stderr -notmatch 'in use') { break }
    }
    throw "dnsmasq ($Name) did not come up: $($errors -join '; ')"
}

function Wait-DnsmasqAnswering {
    # Asks a throw-away question until dnsmasq answers anything, or exits, or 10 s pass.
    param([System.Diagnostics.Process] $Process, [System.Net.IPAddress] $Address, [int] $Port)
    $client = [System.Net.Sockets.UdpClient]::new($Address.AddressFamily)
    try {
        $client.Client.ReceiveTimeout = 100
        $query = New-RawDnsQuery -Id 0x5151 -Name 'ready.invalid' -Type 1
        $endpoint = [System.Net.IPEndPoint]::new($Address, $Port)
        $deadline = [Diagnostics.Stopwatch]::StartNew()
        while ($deadline.Elapsed.TotalSeconds -lt 10) {
            if ($Process.HasExited) { return $false }
            try {
                $null = $client.Send($query, $query.Length, $endpoint)
                $from = $null
                $reply = $client.Receive([ref] $from)
                if ($reply.Length -ge 12 -and $reply[0] -eq 0x51 -and $reply[1] -eq 0x51) { return $true }
            }
            catch [System.Net.Sockets.SocketException] {
                Start-Sleep -Milliseconds 50
            }
        }
        $false
    }
    finally {
        $client.Dispose()
    }
}

function Get-FreePort {
    # dnsmasq binds UDP and TCP on its port: both must be free.
    param([System.Net.IPAddress] $Address)
    foreach ($i in 1..20) {
        $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new($Address, 0))
        $port = $udp.Client.LocalEndPoint.Port
        try {
            $tcp = [System.Net.Sockets.TcpListener]::new($Address, $port)
            $tcp.Start(); $tcp.Stop()
            return $port
        }
        catch [System.Net.Sockets.SocketException] {
        }
        finally {
            $udp.Dispose()
        }
    }
    throw 'No free loopback port found for dnsmasq.'
}

function New-RawDnsQuery {
    # One question, recursion desired (RFC 1035 section 4.1).
    param([int] $Id, [string] $Name, [int] $Type)
    $bytes = [System.Collections.Generic.List[byte]]::new()
    # Parentheses around each element: the comma binds tighter than -band.
    $bytes.AddRange([byte[]]@((($Id -shr 8) -band 0xFF), ($Id -band 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0))
    foreach ($label in $Name.TrimEnd('.').Split('.')) {
        $encoded = [Text.Encoding]::ASCII.GetBytes($label)
        $bytes.Add([byte]$encoded.Length)
        $bytes.AddRange($encoded)
    }
    $bytes.AddRange([byte[]]@(0, (($Type -shr 8) -band 0xFF), ($Type -band 0xFF), 0, 1))
    $bytes.ToArray()
}

function Split-ZoneLine {
    # Splits on blanks, keeping "quoted strings" (without their quotes) together.
    param([string] $Line)
    $parts = [System.Collections.Generic.List[string]]::new()
    $current = [Text.StringBuilder]::new()
    $quoted = $false
    $hadQuotes = $false
    foreach ($c in $Line.Trim().ToCharArray()) {
        if ($c -eq '"') { $quoted = -not $quoted; $hadQuotes = $true; continue }
        if (-not $quoted -and [char]::IsWhiteSpace($c)) {
            if ($current.Length -gt 0 -or $hadQuotes) { $parts.Add($current.ToString()); $null = $current.Clear(); $hadQuotes = $false }
            continue
        }
        if ($c -eq '\') { throw "'$Line': backslashes are not supported in test records." }
        $null = $current.Append($c)
    }
    if ($quoted) { throw "'$Line' has an unclosed quote." }
    if ($current.Length -gt 0 -or $hadQuotes) { $parts.Add($current.ToString()) }
    , $parts.ToArray()
}

# A session that ends (or a module that is removed) must not leave dnsmasq behind.
$MyInvocation.MyCommand.ScriptBlock.Module.OnRemove = {
    foreach ($server in @($script:Running)) { Stop-DnsTestServer -Server $server }
}
$null = Register-EngineEvent -SourceIdentifier PowerShell.Exiting -SupportEvent -Action {
    foreach ($server in @($script:Running)) { Stop-DnsTestServer -Server $server }
}

Export-ModuleMember -Function Start-DnsTestServer, Stop-DnsTestServer, Get-DnsTestServerLog, Invoke-DnsTestQuery,
    ConvertTo-DnsmasqOption, Test-DnsTestServerAvailable, Get-DnsTestServerSkipReason
