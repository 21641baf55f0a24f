<#
.SYNOPSIS
    A loopback DNS server for tests: dnsmasq serving only the records a test gives it.

.DESCRIPTION
    A thin PowerShell face of the tests' one dnsmasq launcher, the C# class DnsmasqServer in
    tests/SmtpTls.TestDns (the xunit tests use the same class directly). That class runs dnsmasq
    on 127.0.0.1 (or ::1) and a free port with no upstream (--no-resolv), no /etc/hosts
    (--no-hosts), no system configuration (its own --conf-file) and only the given records.
    Every name under the zone's top-level domains that no record defines answers NXDOMAIN
    (local=/tld/); every other name is REFUSED, so a test can never resolve a real name through
    it, and nothing it does reaches the machine's own resolver.

    Records are zone-file lines, 'name TYPE data' (DnsTestZone.cs):
        'smtptls.test MX 10 mx1.smtptls.test'       MX (mx-host); 'name MX 0 .' is a null MX
        'mx1.smtptls.test A 127.0.0.1'              A / AAAA (host-record)
        'alias.smtptls.test CNAME mx1.smtptls.test' CNAME (cname; the target must be in the zone)
        '_mta-sts.smtptls.test TXT "v=STSv1; id=1"' TXT, one or more quoted strings
        '_25._tcp.mx1.smtptls.test TLSA 3 1 1 ab12' TLSA (dns-rr type 52)
        'name TYPE257 0005697373756561'             any other type as hex RDATA (dns-rr)

    -ServFailDomain: names under it answer SERVFAIL (a second dnsmasq serves the domain unsigned
    while the first validates DNSSEC against a made-up trust anchor). -SilentDomain: names under
    it are forwarded to a loopback socket that never answers, so clients time out.

    The assembly is built on first use when it is missing or older than its sources (build.ps1's
    xunit build has built it already). If dnsmasq (Debian package dnsmasq-base) is missing,
    Start-DnsTestServer throws; tests check Get-DnsTestServerSkipReason first.
#>

Set-StrictMode -Version Latest

$script:ProjectDirectory = Join-Path $PSScriptRoot '../SmtpTls.TestDns'
$script:AssemblyPath = Join-Path $script:ProjectDirectory 'bin/Release/net10.0/SmtpTls.TestDns.dll'
$script:DnsmasqPath = if ($env:SMTPTLS_DNSMASQ) { $env:SMTPTLS_DNSMASQ } else { '/usr/sbin/dnsmasq' }
$script:Running = [System.Collections.Generic.List[object]]::new()

function Import-DnsTestAssembly {
    # Loads SmtpTls.TestDns.dll once per process, building it first when it is missing or stale.
    if ('SmtpTls.Tests.Dns.DnsmasqServer' -as [type]) { return }
    $sources = Get-ChildItem -LiteralPath $script:ProjectDirectory -File | Where-Object Extension -In '.cs', '.csproj'
    $built = Get-Item -LiteralPath $script:AssemblyPath -ErrorAction Ignore
    if (-not $built -or ($sources | Where-Object LastWriteTimeUtc -GT $built.LastWriteTimeUtc)) {
        $project = Join-Path $script:ProjectDirectory 'SmtpTls.TestDns.csproj'
        $output = & dotnet build $project -c Release --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building $project failed: $($output -join "`n")" }
    }
    Add-Type -Path $script:AssemblyPath
}

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
        Translates one zone line ('name TYPE data') into one dnsmasq configuration line (DnsTestZone.ToOption).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Line)
    begin { Import-DnsTestAssembly }
    process {
        try { [SmtpTls.Tests.Dns.DnsTestZone]::ToOption($Line) }
        catch { throw $_.Exception.GetBaseException().Message }
    }
}

function Start-DnsTestServer {
    <#
    .SYNOPSIS
        Starts dnsmasq on loopback serving exactly -Zone; returns Address, Port, Endpoint, Id, ProcessIds, Directory, LogPath.
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
        [string[]] $SilentDomain = @()
    )
    if ($reason = Get-DnsTestServerSkipReason) { throw $reason }
    Import-DnsTestAssembly
    $testZone = [SmtpTls.Tests.Dns.DnsTestZone]::new()
    try { $null = $testZone.Add([string[]]@($Zone | Where-Object { $_ -and $_.Trim() })) }
    catch { throw $_.Exception.GetBaseException().Message }
    foreach ($domain in $ServFailDomain) { $null = $testZone.ServFail($domain) }
    foreach ($domain in $SilentDomain) { $null = $testZone.Silent($domain) }
    $launched = [SmtpTls.Tests.Dns.DnsmasqServer]::Start($testZone, [System.Net.IPAddress]::Parse($ListenAddress), $Port)
    $server = [pscustomobject]@{
        PSTypeName = 'SmtpTls.DnsTestServer'
        Address    = $launched.Address.ToString()
        Port       = $launched.Port
        Endpoint   = $launched.Endpoint
        Id         = $launched.ProcessId
        ProcessIds = @($launched.ProcessIds)
        Directory  = $launched.Directory
        LogPath    = $launched.LogPath
        Launched   = $launched
    }
    $script:Running.Add($server)
    $server
}

function Stop-DnsTestServer {
    <# Stops the dnsmasq processes of a test server and removes its files. Safe to call twice. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [psobject] $Server)
    process {
        $Server.Launched.Dispose()
        $null = $script:Running.Remove($Server)
    }
}

function Get-DnsTestServerLog {
    <# The query log of a running test server (dnsmasq --log-queries=extra), one line per string. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [psobject] $Server)
    $Server.Launched.ReadLog()
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
    Import-DnsTestAssembly
    $types = @{ A = 1; CNAME = 5; MX = 15; TXT = 16; AAAA = 28; TLSA = 52 }
    $query = [SmtpTls.Tests.Dns.RawDnsMessage]::Query([uint16](Get-Random -Minimum 1 -Maximum 65535), $Name, [uint16]$types[$Type])
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

# A module that is removed must not leave dnsmasq behind (the class also stops its servers when the process exits).
$MyInvocation.MyCommand.ScriptBlock.Module.OnRemove = {
    foreach ($server in @($script:Running)) { Stop-DnsTestServer -Server $server }
}

Export-ModuleMember -Function Start-DnsTestServer, Stop-DnsTestServer, Get-DnsTestServerLog, Invoke-DnsTestQuery,
    ConvertTo-DnsmasqOption, Test-DnsTestServerAvailable, Get-DnsTestServerSkipReason
