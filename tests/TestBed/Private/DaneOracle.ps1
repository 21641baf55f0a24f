# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The DANE oracle: Postfix's own posttls-finger (Debian's postfix ships it), run against the bed's MX hosts
# through the bed's validating unbound, and its output read into a typed verdict per MX host address and
# security level: would a Postfix sender at that level deliver there, and if not, why.
#
# posttls-finger stops at the first address it connects to (posttls-finger.c, connect_remote), so the
# oracle runs it once per MX host as [host]:port. It resolves through the libc resolver, so it runs in a
# private mount namespace (`unshare -m`, no network namespace) whose /etc/resolv.conf names only the bed's
# unbound. The messages read here are Postfix's (3.7, as Debian 12 ships it):
#   posttls-finger.c   "Failed to establish session to %s via %s:%u: %s", "TLSA lookup error for %s:%u",
#                      "no %sTLSA records found, resorting to \"secure\"" (with -v), "Destination address
#                      lookup failed: %s", "STARTTLS rejected: %d %s"
#   tls_misc.c         "%s TLS connection %s %s %s%s%s: %s with cipher %s (%d/%d bits)" with
#                      Anonymous/Verified/Trusted/Untrusted (tls_log_summary)
#   tls_verify.c       "certificate verification failed for %s: untrusted issuer %s", "... self-signed
#                      certificate", "... not trusted by local or TLSA policy", "%s certificate verification
#                      failed for %s: certificate has expired" / "certificate not yet valid", "%s certificate
#                      verification failed for %s: num=%d:%s" (62 hostname mismatch, 65 no matching DANE TLSA)
#   tls_dane.c         "%s: Matched DANE %s at depth %d: %u %u %u %s"
# What a sender then does follows smtp_tls_policy.c (dane_init/dane_incompat): at dane, a TLSA lookup
# error defers the host; no TLSA (or an insecure host) means opportunistic TLS; usable TLSA must match.
# dane-only needs matching TLSA. verify and secure need a "Verified" session.

$script:DaneLevels = 'dane', 'dane-only', 'verify', 'secure'

function Start-PostTlsFinger {
    <#
    .SYNOPSIS
        Starts posttls-finger in a private mount namespace whose /etc/resolv.conf names only the bed's unbound.
    #>
    param([Parameter(Mandatory)] [psobject] $Dnssec, [Parameter(Mandatory)] [string[]] $ArgumentList)
    # Arguments travel as positional parameters, never spliced into the script text.
    $script = 'mount --bind "$1" /etc/resolv.conf || exit 75; MAIL_CONFIG="$2"; export MAIL_CONFIG; shift 2; exec posttls-finger "$@"'
    Start-NativeCommand (Find-NativeTool 'unshare') (@('-m', '--propagation', 'private', (Find-NativeTool 'sh'), '-c', $script, 'sh',
            $Dnssec.ResolvConf, $Dnssec.OracleConfigDirectory) + $ArgumentList)
}

function ConvertFrom-PostTlsFingerOutput {
    <#
    .SYNOPSIS
        Reads one posttls-finger run (-c -v, one MX host) into the oracle's verdict.
    #>
    param(
        [Parameter(Mandatory)] [string] $Output,
        [Parameter(Mandatory)] [string] $Level,
        [string] $Domain, [string] $MxHost, [int] $Preference, [int] $Port
    )
    $lines = @($Output -split "`r?`n" | ForEach-Object { $_ -replace '^posttls-finger: ', '' } | Where-Object { $_ })
    function Find-Line([string] $Pattern) { , @($lines | Where-Object { $_ -match $Pattern }) }

    $summary = Find-Line '^(Anonymous|Verified|Trusted|Untrusted) TLS connection established to (\S+?)\[([^\]]+)\]:\d+: (\S+) with cipher (\S+)'
    $trust = $protocol = $cipher = $address = $null
    if ($summary) {
        $null = $summary[0] -match '^(Anonymous|Verified|Trusted|Untrusted) TLS connection established to (\S+?)\[([^\]]+)\]:\d+: (\S+) with cipher (\S+)'
        $trust, $address, $protocol, $cipher = $Matches[1], $Matches[3], $Matches[4], $Matches[5]
    }
    $connectedLine = Find-Line '^Connected to \S+?\[([^\]]+)\]'
    if (-not $address) {
        $trying = Find-Line 'connect_addr: trying: \S+?\[([^\]]+)\]'
        if ($trying) { $null = $trying[-1] -match '\[([^\]]+)\]'; $address = $Matches[1] }
    }
    $tlsaError = Find-Line 'TLSA lookup error for'
    $noTlsa = Find-Line '^no (usable )?TLSA records found, resorting to'
    $addressFailure = Find-Line '^Destination address lookup failed: '
    $sessionFailure = Find-Line '^Failed to establish session to '
    $starttlsRejected = Find-Line '^STARTTLS rejected: '
    $handshakeFailure = Find-Line '^SSL_connect error to |TLS handshake failed|^warning: TLS library problem'
    $verification = Find-Line 'certificate verification failed for '
    $danMatch = Find-Line ': Matched DANE '

    $tlsaState = if ($Level -in 'verify', 'secure') { 'NotApplicable' }
    elseif ($tlsaError) { 'LookupError' }
    elseif ($noTlsa) { if ($noTlsa[0] -match 'usable') { 'Unusable' } else { 'NotFound' } }
    elseif ($addressFailure) { $null }
    else { 'Usable' }

    # Why the certificate did not do, from posttls-finger's own verification lines: chain problems first,
    # then the name (a leaf can be both expired and misnamed; a sender reports the chain).
    $certificateFailure = $null
    foreach ($line in $verification) {
        $reason = switch -Regex ($line) {
            'certificate has expired' { 'CertificateExpired'; break }
            'certificate not yet valid' { 'CertificateNotYetValid'; break }
            'untrusted issuer|self-signed certificate|not trusted by local or TLSA policy|num=(18|19|20|21|2):' { 'CertificateUntrusted'; break }
            'num=65:|No matching DANE TLSA' { 'NoMatchingTlsa'; break }
            'hostname mismatch|num=62:' { 'NameMismatch'; break }
            default { 'CertificateUntrusted' }
        }
        if (-not $certificateFailure -or ($certificateFailure -eq 'NameMismatch' -and $reason -ne 'NameMismatch')) { $certificateFailure = $reason }
    }
    if (-not $certificateFailure -and $trust -eq 'Trusted') { $certificateFailure = 'NameMismatch' }

    $established = [bool]$summary
    $failure = $null
    $detail = $null
    if ($addressFailure) {
        $failure = if ($MxHost) { 'AddressLookupFailed' } else { 'MxLookupFailed' }
        $detail = $addressFailure[0]
    }
    elseif ($tlsaError -and $Level -in 'dane', 'dane-only') { $failure = 'TlsaLookupError'; $detail = $tlsaError[0] }
    elseif ($sessionFailure) { $failure = 'ConnectFailed'; $detail = $sessionFailure[0] }
    elseif ($starttlsRejected) { $failure = 'StartTlsRejected'; $detail = $starttlsRejected[0] }
    elseif (-not $established) {
        $failure = if ($handshakeFailure) { 'HandshakeFailed' } else { 'StartTlsNotOffered' }
        $detail = if ($handshakeFailure) { $handshakeFailure[0] } else { 'no TLS session was set up' }
    }
    else {
        switch ($Level) {
            'dane' {
                # Usable TLSA must authenticate; otherwise DANE does not apply and TLS is opportunistic.
                if ($tlsaState -eq 'Usable' -and $trust -ne 'Verified') { $failure = if ($certificateFailure -eq 'NameMismatch') { 'NameMismatch' } else { 'NoMatchingTlsa' } }
            }
            'dane-only' {
                if ($tlsaState -eq 'NotFound') { $failure = 'NoTlsaRecords' }
                elseif ($tlsaState -eq 'Unusable') { $failure = 'TlsaRecordsUnusable' }
                elseif ($trust -ne 'Verified') { $failure = if ($certificateFailure -eq 'NameMismatch') { 'NameMismatch' } else { 'NoMatchingTlsa' } }
            }
            default {
                if ($trust -ne 'Verified') { $failure = if ($certificateFailure) { $certificateFailure } else { 'CertificateUntrusted' } }
            }
        }
        $detail = if ($failure -and $verification) { $verification[0] } elseif ($failure -and $noTlsa) { $noTlsa[0] } elseif ($danMatch) { $danMatch[0] } else { $summary[0] }
    }
    [pscustomobject]@{
        PSTypeName     = 'SmtpTls.TestBed.DaneOracleVerdict'
        Domain         = $Domain
        Level          = $Level
        MxHost         = if ($MxHost) { $MxHost } else { $null }
        Preference     = $Preference
        Address        = $address
        Port           = $Port
        TlsaState      = $tlsaState
        Connected      = [bool]($connectedLine -or $established)
        TlsEstablished = $established
        Trust          = $trust
        Protocol       = $protocol
        Cipher         = $cipher
        Delivered      = $established -and -not $failure
        Failure        = $failure
        Detail         = $detail
        Output         = $Output
    }
}

function Invoke-SmtpTestBedDaneOracle {
    <#
    .SYNOPSIS
        Asks posttls-finger, through the bed's validating resolver, whether a Postfix sender at a TLS security
        level would deliver to each MX host of a domain, and why not.
    .DESCRIPTION
        Looks the MX records up through the bed's unbound; when that fails (SERVFAIL: Bogus) runs
        posttls-finger on the domain itself, which reports the failed lookup. Otherwise runs posttls-finger
        once per MX host and level, all at once, as `[host]:port` (-c -v -l level; for verify and secure with
        the bed CA as -F, and at secure the domain and its subdomains as the names to match, like Postfix's
        smtp_tls_secure_cert_match = nexthop, dot-nexthop). Returns one SmtpTls.TestBed.DaneOracleVerdict per
        domain, level and MX host, in that order (MX hosts in preference order).
    .PARAMETER Domain
        The mail domains (bed cases' Domain, e.g. good.test); all are checked at once.
    .PARAMETER Level
        One or more of dane, dane-only, verify, secure.
    .PARAMETER Port
        The SMTP port; by default the port of the bed case with this domain.
    .PARAMETER MxHost
        Only these MX hosts (names as in the MX records).
    .PARAMETER ThrottleLimit
        How many posttls-finger processes run at once.
    .PARAMETER Root
        The bed's root; by default the running bed's.
    .EXAMPLE
        Invoke-SmtpTestBedDaneOracle -Domain good.test -Level dane, verify
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9.-]+$')] [string[]] $Domain,
        [ValidateSet('dane', 'dane-only', 'verify', 'secure')] [string[]] $Level = @('dane'),
        [ValidateRange(1, 65535)] [int] $Port,
        [ValidatePattern('^[A-Za-z0-9.-]+$')] [string[]] $MxHost,
        [ValidateRange(1, 64)] [int] $ThrottleLimit = 8,
        [string] $Root
    )
    $dnssec = Get-SmtpTestBedDnssec -Root $Root
    $wanted = @($MxHost | Where-Object { $_ } | ForEach-Object { $_.TrimEnd('.').ToLowerInvariant() })
    $runs = [Collections.Generic.List[object]]::new()
    foreach ($name in $Domain) {
        $name = $name.TrimEnd('.').ToLowerInvariant()
        $domainPort = $Port
        if (-not $domainPort) {
            $case = @($dnssec.Cases.PSObject.Properties.Value | Where-Object Domain -eq $name)
            if (-not $case) { throw "No bed case has the domain $name; give -Port." }
            $domainPort = [int]$case[0].Port
        }
        $mx = Invoke-DigQuery -Server $dnssec.Resolver.Address -Port $dnssec.Resolver.Port -Name $name -Type 'MX'
        if ($mx.Rcode -ne 'NOERROR') {
            # posttls-finger's own MX lookup fails the same way and says so.
            foreach ($entry in $Level) {
                $runs.Add([pscustomobject]@{ Domain = $name; Port = $domainPort; Level = $entry; Host = $null; Preference = 0
                        Arguments = @('-c', '-v', '-t', '10', '-T', '10', '-l', $entry, "$($name):$domainPort") })
            }
            continue
        }
        $hosts = @(@(foreach ($record in $mx.Answer) {
                    $fields = @($record -split ' ')
                    if ($fields.Count -ge 6 -and $fields[3] -eq 'MX') { [pscustomobject]@{ Preference = [int]$fields[4]; Name = $fields[5].TrimEnd('.').ToLowerInvariant() } }
                }) | Sort-Object Preference, Name)
        # No MX records: the domain itself is the mail host (RFC 5321, 5.1).
        if (-not $hosts) { $hosts = @([pscustomobject]@{ Preference = 0; Name = $name }) }
        if ($wanted) { $hosts = @($hosts | Where-Object Name -in $wanted) }
        foreach ($entry in $Level) {
            foreach ($mxEntry in $hosts) {
                $arguments = @('-c', '-v', '-t', '10', '-T', '10', '-l', $entry)
                if ($entry -in 'verify', 'secure') { $arguments += '-F', $dnssec.CaFile }
                $arguments += "[$($mxEntry.Name)]:$domainPort"
                # Postfix's smtp_tls_secure_cert_match default (nexthop, dot-nexthop); verify matches the host name (the default).
                if ($entry -eq 'secure') { $arguments += $name, ".$name" }
                $runs.Add([pscustomobject]@{ Domain = $name; Port = $domainPort; Level = $entry; Host = $mxEntry.Name; Preference = $mxEntry.Preference; Arguments = $arguments })
            }
        }
    }
    # At most ThrottleLimit posttls-finger processes at a time; results in the order of the runs.
    $started = @{}
    for ($i = 0; $i -lt $runs.Count; $i++) {
        for ($next = $started.Count; $next -lt [Math]::Min($runs.Count, $i + $ThrottleLimit); $next++) {
            $started[$next] = Start-PostTlsFinger -Dnssec $dnssec -ArgumentList $runs[$next].Arguments
        }
        $run = $runs[$i]
        $result = $started[$i] | Wait-NativeCommand -AllowFailure
        if ($result.ExitCode -eq 75) { throw "posttls-finger could not be given the bed's resolv.conf (mount --bind onto /etc/resolv.conf failed): $($result.Error)" }
        ConvertFrom-PostTlsFingerOutput -Output ($result.Error + $result.Output) -Level $run.Level -Domain $run.Domain -MxHost $run.Host -Preference $run.Preference -Port $run.Port
    }
}

function Get-SmtpTestBedDnssec {
    <#
    .SYNOPSIS
        The DNSSEC part of a running bed's descriptor (resolver, authoritative server, trust anchor, zones, cases).
    .PARAMETER Root
        The bed's root; by default the running bed's.
    .EXAMPLE
        (Get-SmtpTestBedDnssec).Resolver.Address
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([string] $Root)
    $bed = Get-SmtpTestBed -Root $Root
    $dnssec = if ($bed.PSObject.Properties['Dnssec']) { $bed.Dnssec } else { $null }
    if (-not $dnssec) { throw 'The running test bed has no DNSSEC part (started with -SkipDnssec, or by an older bed module).' }
    if (-not $dnssec.Available) { throw "The test bed's DNSSEC part is not available: $($dnssec.Reason)" }
    $dnssec
}

function Get-SmtpTestBedDnssecCase {
    <#
    .SYNOPSIS
        The DANE cases of the running bed (descriptor Dnssec.Cases), as objects with their Id.
    .PARAMETER Id
        Only these cases.
    .EXAMPLE
        Get-SmtpTestBedDnssecCase -Id good, two-mx
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([string[]] $Id, [string] $Root)
    $dnssec = Get-SmtpTestBedDnssec -Root $Root
    foreach ($property in $dnssec.Cases.PSObject.Properties) {
        if ($Id -and $property.Name -notin $Id) { continue }
        $property.Value
    }
    foreach ($unknown in @($Id | Where-Object { $_ -and -not $dnssec.Cases.PSObject.Properties[$_] })) {
        throw "The bed has no DNSSEC case '$unknown' (cases: $(@($dnssec.Cases.PSObject.Properties.Name) -join ', '))."
    }
}

function Get-SmtpTestBedDnssecCaseId {
    <#
    .SYNOPSIS
        The ids of the DANE cases the DNSSEC bed defines, without a running bed (for Pester's discovery, -ForEach).
    .DESCRIPTION
        A bed started with only some Postfix scenarios leaves out the cases that need the others
        (descriptor Dnssec.SkippedCases); the full bed has every one.
    .EXAMPLE
        Get-SmtpTestBedDnssecCaseId
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    @($script:DnssecCases.Keys)
}

function Invoke-SmtpTestBedDnsQuery {
    <#
    .SYNOPSIS
        One DNS query (DO bit set) to the bed's validating unbound, or to its authoritative NSD.
    .PARAMETER CheckingDisabled
        Sets the CD bit: unbound then returns what it has, Bogus data included, without validating.
    .PARAMETER Authoritative
        Asks NSD (no recursion) instead of unbound.
    .EXAMPLE
        (Invoke-SmtpTestBedDnsQuery -Name good.test -Type MX).Ad
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9._-]+$')] [string] $Name,
        [Parameter(Mandatory)] [ValidatePattern('^[A-Z0-9]+$')] [string] $Type,
        [switch] $CheckingDisabled,
        [switch] $Authoritative,
        [string] $Root
    )
    $dnssec = Get-SmtpTestBedDnssec -Root $Root
    $server = if ($Authoritative) { $dnssec.Authoritative } else { $dnssec.Resolver }
    $options = @()
    if ($CheckingDisabled) { $options += '+cd' }
    if ($Authoritative) { $options += '+norecurse' }
    Invoke-DigQuery -Server $server.Address -Port $server.Port -Name $Name -Type $Type -Option $options
}
