# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The DNSSEC bed's servers: NSD 4.6 serves the signed test root, test. and the case zones (DnssecZones.ps1);
# unbound 1.17 validates from the test root's trust anchor only. unbound listens on port 53 of a loopback
# address of the bed's own, because posttls-finger (the DANE oracle, DaneOracle.ps1) resolves through the
# libc resolver, which knows no port; NSD on port 53 of the next address, because the delegations (NS
# ns.test, glue A) can only name an address. The pair is 127.0.0.153/154, or the first free pair of
# 127.0.53.1-100 when another bed (another clone, another helper) holds it. Each runs
# in the foreground (-d) with its own configuration, pid file and log under <bed root>/dnssec; nothing here
# touches the system's NSD or unbound.
#
# Nothing can leave loopback: unbound has no forwarders and a stub zone for "." (so its built-in root
# hints are never used), sends only from 127.0.0.153, and every query and every upstream reply is logged
# (verbosity 2: "reply from <zone> <address>#<port>"), which the self-check reads.

# Resolver and authoritative address pairs, tried in order.
$script:DnssecAddressPairs = @(, @('127.0.0.153', '127.0.0.154')) + @(0..49 | ForEach-Object { , @("127.0.53.$(2 * $_ + 1)", "127.0.53.$(2 * $_ + 2)") })
$script:DnssecPort = 53
$script:DnssecTools = 'nsd', 'unbound', 'ldns-keygen', 'ldns-signzone', 'dig', 'posttls-finger', 'unshare', 'mount'

function Get-DnssecPrerequisiteProblem {
    <#
    .SYNOPSIS
        Why the DNSSEC bed cannot run here, or $null when it can.
    #>
    if (-not $IsLinux) { return 'the DNSSEC bed needs Linux' }
    if (-not [Environment]::IsPrivilegedProcess) { return 'the DNSSEC bed needs root (port 53, the oracle''s mount namespace)' }
    foreach ($tool in $script:DnssecTools) {
        if (-not (Find-NativeTool $tool)) { return "'$tool' is not installed (Debian packages: tests/packages.txt)" }
    }
    $null
}

function Get-DnssecDirectory {
    param([Parameter(Mandatory)] [string] $Root)
    Join-Path $Root 'dnssec'
}

function Write-NsdConfiguration {
    <#
    .SYNOPSIS
        nsd.conf: the zones, a pid file, log and state in the bed's folder, no privilege drop, no control socket.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [object[]] $Zone, [Parameter(Mandatory)] [psobject] $Endpoint)
    $path = Join-Path $Directory 'nsd.conf'
    $lines = [Collections.Generic.List[string]]::new()
    $lines.AddRange([string[]]@(
            '# SmtpTls test bed: the authoritative server of the DNSSEC bed (generated at bed start).'
            'server:'
            "  ip-address: $($Endpoint.Authoritative)@$($script:DnssecPort)"
            '  do-ip6: no'
            '  username: ""'
            '  chroot: ""'
            "  zonesdir: `"$Directory`""
            "  pidfile: `"$(Join-Path $Directory 'nsd.pid')`""
            "  logfile: `"$(Join-Path $Directory 'nsd.log')`""
            '  database: ""'
            "  zonelistfile: `"$(Join-Path $Directory 'nsd-zone.list')`""
            "  xfrdfile: `"$(Join-Path $Directory 'nsd-xfrd.state')`""
            "  xfrdir: `"$Directory`""
            '  server-count: 1'
            '  verbosity: 1'
            '  hide-version: yes'
            'remote-control:'
            '  control-enable: no'))
    foreach ($entry in $Zone) {
        $lines.Add('zone:')
        $lines.Add("  name: `"$($entry.Name)`"")
        $lines.Add("  zonefile: `"$($entry.File)`"")
    }
    Set-Content -LiteralPath $path -Value $lines
    $path
}

function Write-UnboundConfiguration {
    <#
    .SYNOPSIS
        unbound.conf: validating, loopback only, only the test root's trust anchor, "." stubbed to NSD.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $TrustAnchorFile, [Parameter(Mandatory)] [psobject] $Endpoint)
    $path = Join-Path $Directory 'unbound.conf'
    Set-Content -LiteralPath $path -Value @(
        '# SmtpTls test bed: the validating resolver of the DNSSEC bed (generated at bed start).'
        'server:'
        "  interface: $($Endpoint.Resolver)@$($script:DnssecPort)"
        # Queries to the authoritative server leave from this loopback address only.
        "  outgoing-interface: $($Endpoint.Resolver)"
        '  do-ip4: yes'
        '  do-ip6: no'
        '  do-udp: yes'
        '  do-tcp: yes'
        '  access-control: 0.0.0.0/0 refuse'
        '  access-control: 127.0.0.0/8 allow'
        '  username: ""'
        '  chroot: ""'
        "  directory: `"$Directory`""
        "  pidfile: `"$(Join-Path $Directory 'unbound.pid')`""
        "  logfile: `"$(Join-Path $Directory 'unbound.log')`""
        '  use-syslog: no'
        '  log-time-ascii: yes'
        # The query log: every client query and reply, and at verbosity 2 every upstream reply with its address.
        '  verbosity: 2'
        '  log-queries: yes'
        '  log-replies: yes'
        '  log-servfail: yes'
        '  val-log-level: 2'
        '  num-threads: 1'
        # The authoritative server is on loopback, which unbound refuses to query by default.
        '  do-not-query-localhost: no'
        # Only the test root's key; no automatic (RFC 5011) anchor, no built-in root key.
        "  trust-anchor-file: `"$TrustAnchorFile`""
        '  trust-anchor-signaling: no'
        '  root-key-sentinel: no'
        '  module-config: "validator iterator"'
        '  harden-dnssec-stripped: yes'
        '  qname-minimisation: no'
        # unbound answers test. itself (RFC 6761 special-use name) unless told not to.
        '  local-zone: "test." nodefault'
        'remote-control:'
        '  control-enable: no'
        # Every name is below ".", so this stub replaces the root hints: nothing is asked of the internet's root servers.
        'stub-zone:'
        '  name: "."'
        "  stub-addr: $($Endpoint.Authoritative)@$($script:DnssecPort)"
    )
    $path
}

function Test-DnssecPortFree {
    <#
    .SYNOPSIS
        Whether nothing listens on a port of an address, UDP and TCP (a DNS server needs both).
    #>
    param([Parameter(Mandatory)] [string] $Address, [Parameter(Mandatory)] [int] $Port)
    foreach ($type in 'Stream', 'Dgram') {
        $protocol = if ($type -eq 'Stream') { [Net.Sockets.ProtocolType]::Tcp } else { [Net.Sockets.ProtocolType]::Udp }
        $socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]$type, $protocol)
        try { $socket.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Parse($Address), $Port)) }
        catch [Net.Sockets.SocketException] { return $false }
        finally { $socket.Dispose() }
    }
    $true
}

function Find-DnssecEndpoint {
    <#
    .SYNOPSIS
        The bed's DNS addresses: the first pair whose port 53 is free on both (resolver, authoritative server).
    #>
    foreach ($pair in $script:DnssecAddressPairs) {
        if ((Test-DnssecPortFree -Address $pair[0] -Port $script:DnssecPort) -and (Test-DnssecPortFree -Address $pair[1] -Port $script:DnssecPort)) {
            return [pscustomobject]@{ Resolver = $pair[0]; Authoritative = $pair[1] }
        }
    }
    throw "The DNSSEC bed needs port 53 of two loopback addresses (127.0.0.153/154, or a pair of 127.0.53.1-100), and all are taken. A DNS server listening on all addresses (a system NSD, unbound, dnsmasq) must be stopped or bound to its own address."
}

function Start-DnssecDaemon {
    <#
    .SYNOPSIS
        Starts one daemon in the foreground, detached from this process, stdout/stderr into files beside its log.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string[]] $ArgumentList)
    $process = Start-Process -FilePath (Find-NativeTool $Name) -ArgumentList $ArgumentList -PassThru -RedirectStandardInput '/dev/null' `
        -RedirectStandardOutput (Join-Path $Directory "$Name.out") -RedirectStandardError (Join-Path $Directory "$Name.err")
    Set-Content -LiteralPath (Join-Path $Directory "$Name.started-pid") -Value $process.Id
    $process
}

function Start-DnssecBed {
    <#
    .SYNOPSIS
        Generates and signs the zones, writes the configurations and starts NSD and unbound; returns what
        Wait-DnssecBed needs. Throws when anything cannot be set up.
    .PARAMETER Root
        The bed's root; everything goes to <Root>/dnssec (emptied first).
    .PARAMETER Scenarios
        The Postfix scenarios' descriptor entries by name.
    #>
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [Collections.IDictionary] $Scenarios,
        [Parameter(Mandatory)] [string] $CaFile,
        [Parameter(Mandatory)] [string] $IntermediateFile
    )
    $problem = Get-DnssecPrerequisiteProblem
    if ($problem) { throw $problem }
    if (-not $Scenarios.Contains('good')) { throw 'the DNSSEC bed needs the Postfix scenario ''good''' }
    $directory = Get-DnssecDirectory -Root $Root
    if (Test-Path -LiteralPath $directory) { Remove-Item -LiteralPath $directory -Recurse -Force }
    New-BedDirectory $directory
    $endpoint = Find-DnssecEndpoint

    $zones = New-DnssecZoneSet -Directory $directory -Scenarios $Scenarios -IntermediateFile $IntermediateFile -NameServerAddress $endpoint.Authoritative
    $nsdConfig = Write-NsdConfiguration -Directory $directory -Zone $zones.ZoneList -Endpoint $endpoint
    $check = Start-NativeCommand (Find-NativeTool 'nsd-checkconf') $nsdConfig | Wait-NativeCommand -AllowFailure
    if ($check.ExitCode -ne 0) { throw "nsd-checkconf rejected $nsdConfig`: $($check.Error)$($check.Output)" }
    $unboundConfig = Write-UnboundConfiguration -Directory $directory -TrustAnchorFile $zones.TrustAnchorFile -Endpoint $endpoint
    $check = Start-NativeCommand (Find-NativeTool 'unbound-checkconf') $unboundConfig | Wait-NativeCommand -AllowFailure
    if ($check.ExitCode -ne 0) { throw "unbound-checkconf rejected $unboundConfig`: $($check.Error)$($check.Output)" }

    # The oracle's resolver configuration. posttls-finger sets RES_TRUSTAD itself (Postfix's dns_lookup.c);
    # trust-ad is there for every other libc client run with it (glibc 2.31+ clears AD without it).
    $resolvConf = Join-Path $directory 'resolv.conf'
    Set-Content -LiteralPath $resolvConf -Value @(
        '# The DANE oracle''s resolver: the bed''s validating unbound only.'
        "nameserver $($endpoint.Resolver)"
        'options trust-ad edns0'
    )
    # A main.cf for posttls-finger, which refuses to run without one; it reads nothing else from it.
    $oracleConfig = Join-Path $directory 'posttls-finger'
    New-BedDirectory $oracleConfig
    Set-Content -LiteralPath (Join-Path $oracleConfig 'main.cf') -Value @('compatibility_level = 3.6', 'smtp_tls_loglevel = 1')

    $nsd = Start-DnssecDaemon -Directory $directory -Name 'nsd' -ArgumentList '-d', '-c', $nsdConfig
    $unbound = Start-DnssecDaemon -Directory $directory -Name 'unbound' -ArgumentList '-d', '-c', $unboundConfig

    [pscustomobject]@{
        Directory  = $directory
        Endpoint   = $endpoint
        Processes  = [ordered]@{ nsd = $nsd; unbound = $unbound }
        Descriptor = [ordered]@{
            Available          = $true
            Reason             = ''
            Directory          = $directory
            QueryLog           = Join-Path $directory 'unbound.log'
            AuthoritativeLog   = Join-Path $directory 'nsd.log'
            ResolvConf         = $resolvConf
            OracleConfigDirectory = $oracleConfig
            Resolver           = [ordered]@{ Address = $endpoint.Resolver; Port = $script:DnssecPort }
            Authoritative      = [ordered]@{ Address = $endpoint.Authoritative; Port = $script:DnssecPort }
            TrustAnchorFile    = $zones.TrustAnchorFile
            TrustAnchorKeyFile = $zones.TrustAnchorKeyFile
            NextKeyFile        = $zones.NextKeyFile
            CaFile             = $CaFile
            SkippedCases       = @($zones.SkippedCases)
            Zones              = $zones.Zones
            Cases              = $zones.Cases
        }
    }
}

function Wait-DnssecBed {
    <#
    .SYNOPSIS
        Waits until NSD answers authoritatively for "." and unbound answers "." SOA with AD set (the trust
        anchor is primed); throws with the daemons' own output when one exits or the deadline passes.
    #>
    param([Parameter(Mandatory)] [psobject] $Started, [TimeSpan] $Timeout = [TimeSpan]::FromSeconds(60))
    $deadline = [DateTime]::UtcNow + $Timeout
    $checks = [ordered]@{
        nsd     = @{ Server = $Started.Endpoint.Authoritative; Options = @('+norecurse'); Ready = { param($r) $r.Rcode -eq 'NOERROR' -and $r.Flags -contains 'aa' } }
        unbound = @{ Server = $Started.Endpoint.Resolver; Options = @(); Ready = { param($r) $r.Rcode -eq 'NOERROR' -and $r.Ad } }
    }
    foreach ($name in $checks.Keys) {
        $process = $Started.Processes[$name]
        while ($true) {
            $reply = Invoke-DigQuery -Server $checks[$name].Server -Name '.' -Type 'SOA' -Option $checks[$name].Options -TimeoutSeconds 1
            if (& $checks[$name].Ready $reply) { break }
            $exited = $process -and $process.HasExited
            if ($exited -or [DateTime]::UtcNow -ge $deadline) {
                $output = @('err', 'out', 'log') | ForEach-Object { Get-Content -LiteralPath (Join-Path $Started.Directory "$name.$_") -Tail 15 -ErrorAction Ignore }
                throw "$name of the DNSSEC bed $(if ($exited) { 'exited' } else { "did not answer within $($Timeout.TotalSeconds) s" }) (last reply: $($reply.Rcode)): $($output -join "`n")"
            }
            Start-Sleep -Milliseconds 50
        }
    }
}

function Stop-DnssecBed {
    <#
    .SYNOPSIS
        Stops the bed's NSD and unbound (SIGTERM, wait, kill at the deadline): from their pid files and from
        their command lines, so that a half-started bed is cleaned up too. Idempotent.
    #>
    param([Parameter(Mandatory)] [string] $Root)
    $directory = Get-DnssecDirectory -Root $Root
    foreach ($name in 'nsd', 'unbound') {
        $config = [regex]::Escape((Join-Path $directory "$name.conf"))
        $running = @(Get-ProcessIdByCommandLine -Pattern "$name -d -c $config")
        Stop-PidFileProcess -PidFile @((Join-Path $directory "$name.pid"), (Join-Path $directory "$name.started-pid")) -CommandPattern "$name -d -c $config" -Also $running
    }
}

function Invoke-DigQuery {
    <#
    .SYNOPSIS
        One query with dig (DO bit set, so RRSIG/NSEC/NSEC3 come along); returns rcode, flags, AD and the sections' records.
    #>
    param(
        [Parameter(Mandatory)] [string] $Server,
        [int] $Port = $script:DnssecPort,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Type,
        [string[]] $Option = @(),
        [int] $TimeoutSeconds = 3
    )
    $arguments = @("@$Server", '-p', "$Port", $Name, $Type, '+dnssec', '+nomultiline', "+time=$TimeoutSeconds", '+tries=1', '+nostats', '+nocmd') + $Option
    $result = Start-NativeCommand (Find-NativeTool 'dig') $arguments | Wait-NativeCommand -AllowFailure
    $text = $result.Output
    $header = [regex]::Match($text, 'status: (\w+)')
    $flags = [regex]::Match($text, ';; flags: ([^;]*);')
    $sections = @{ ANSWER = @(); AUTHORITY = @(); ADDITIONAL = @() }
    $current = $null
    foreach ($line in $text -split "`n") {
        $line = $line.TrimEnd()
        if ($line -match '^;; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:') { $current = $Matches[1]; continue }
        if (-not $line -or $line.StartsWith(';')) { if (-not $line) { $current = $null }; continue }
        if ($current) { $sections[$current] += ($line -replace '\s+', ' ') }
    }
    $flagList = if ($flags.Success) { @($flags.Groups[1].Value.Trim() -split '\s+') } else { @() }
    [pscustomobject]@{
        PSTypeName = 'SmtpTls.TestBed.DnsReply'
        Server     = "$($Server):$Port"
        Name       = $Name
        Type       = $Type
        Rcode      = if ($header.Success) { $header.Groups[1].Value } else { 'NOANSWER' }
        Flags      = $flagList
        Ad         = $flagList -contains 'ad'
        Answer     = $sections.ANSWER
        Authority  = $sections.AUTHORITY
        Additional = $sections.ADDITIONAL
        Output     = $text
    }
}
