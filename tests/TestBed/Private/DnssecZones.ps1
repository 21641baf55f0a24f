# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The DNSSEC bed's zones: keys made with ldns-keygen and zones signed with ldns-signzone at every bed
# start (TLSA records depend on the Postfix scenarios' ports and keys), a test root "." with a trust
# anchor of its own, `test.` (NSEC3) below it, and one child zone per case (DnssecCases.ps1) below that,
# with DS records up the chain. The broken cases are made by editing the signed text: one bit of a
# signature flipped, or an RRSIG swapped for one that expired yesterday.

# The authoritative server's name; every zone delegates to it (glue in the root and in test.).
$script:DnssecNameServer = 'ns.test'

function ConvertTo-DnssecDate {
    <# ldns-signzone's date form, YYYYMMDDhhmmss in UTC. #>
    param([Parameter(Mandatory)] [DateTime] $Date)
    $Date.ToUniversalTime().ToString('yyyyMMddHHmmss', [Globalization.CultureInfo]::InvariantCulture)
}

function Get-Sha256Hex {
    param([Parameter(Mandatory)] [byte[]] $Bytes)
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function New-DnssecKeySet {
    <#
    .SYNOPSIS
        Generates every zone's keys at once (ldns-keygen, in parallel) and returns their base paths by zone.
    .DESCRIPTION
        The root gets a KSK and a ZSK (RSASHA256, like the real root); every other zone one ECDSAP256SHA256
        key with the SEP flag that signs everything (a combined signing key). ldns-keygen writes
        K<zone>+<alg>+<tag>.{key,private,ds} into its working directory and prints the base name.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string[]] $Zone)
    $keygen = Find-NativeTool 'ldns-keygen'
    $jobs = [ordered]@{}
    $jobs['.|ksk'] = Start-NativeCommand $keygen '-a', 'RSASHA256', '-b', '2048', '-k', '.' -WorkingDirectory $Directory
    $jobs['.|zsk'] = Start-NativeCommand $keygen '-a', 'RSASHA256', '-b', '2048', '.' -WorkingDirectory $Directory
    foreach ($name in $Zone) {
        $jobs["$name|ksk"] = Start-NativeCommand $keygen '-a', 'ECDSAP256SHA256', '-k', $name -WorkingDirectory $Directory
    }
    $keys = @{}
    foreach ($entry in $jobs.GetEnumerator()) {
        $zoneName, $role = $entry.Key.Split('|')
        $base = ($entry.Value | Wait-NativeCommand).Output.Trim()
        if ($base -notmatch '^K[^/]+\+\d{3}\+\d{5}$') { throw "ldns-keygen for zone '$zoneName' printed '$base', not a key name" }
        if (-not $keys.ContainsKey($zoneName)) { $keys[$zoneName] = [ordered]@{} }
        $keys[$zoneName][$role] = Join-Path $Directory $base
    }
    $keys
}

function Get-DnssecKeyRecord {
    <#
    .SYNOPSIS
        A key's DS (SHA-256, from ldns-keygen's .ds file) or DNSKEY record as one presentation line with a TTL, comment removed.
    #>
    param([Parameter(Mandatory)] [string] $KeyBase, [Parameter(Mandatory)] [ValidateSet('DS', 'DNSKEY')] [string] $Type, [int] $Ttl = 3600)
    $file = if ($Type -eq 'DS') { "$KeyBase.ds" } else { "$KeyBase.key" }
    $line = (Get-Content -LiteralPath $file | Where-Object { $_ -match "\sIN\s+$Type\s" } | Select-Object -First 1)
    if (-not $line) { throw "No $Type record in $file" }
    $fields = @(($line -replace ';.*$', '').Trim() -split '\s+')
    # owner IN TYPE rdata...
    (@($fields[0], $Ttl) + $fields[1..($fields.Count - 1)]) -join ' '
}

function Invoke-DnssecSign {
    <#
    .SYNOPSIS
        Signs one zone file with ldns-signzone; returns the signed zone's lines.
    #>
    param(
        [Parameter(Mandatory)] [string] $ZoneFile,
        [Parameter(Mandatory)] [string] $Origin,
        [Parameter(Mandatory)] [string[]] $KeyBase,
        [Parameter(Mandatory)] [DateTime] $Inception,
        [Parameter(Mandatory)] [DateTime] $Expiration,
        [switch] $Nsec3,
        [Parameter(Mandatory)] [string] $OutFile
    )
    $arguments = @('-i', (ConvertTo-DnssecDate $Inception), '-e', (ConvertTo-DnssecDate $Expiration), '-o', $Origin, '-f', $OutFile)
    # NSEC3 as RFC 9276 recommends: SHA-1, no extra iterations, no salt, no opt-out.
    if ($Nsec3) { $arguments += '-n', '-a', '1', '-t', '0' }
    Invoke-NativeCommand (Find-NativeTool 'ldns-signzone') ($arguments + $ZoneFile + $KeyBase) | Out-Null
    @(Get-Content -LiteralPath $OutFile)
}

function Find-RrsigLine {
    <# Index of the RRSIG line covering one RRset (owner and type) in a signed zone's lines (ldns-signzone writes one RR per line). #>
    param([Parameter(Mandatory)] [string[]] $Line, [Parameter(Mandatory)] [string] $Owner, [Parameter(Mandatory)] [string] $Type)
    for ($i = 0; $i -lt $Line.Count; $i++) {
        $fields = @($Line[$i] -split '\s+')
        if ($fields.Count -gt 5 -and $fields[0] -ieq $Owner -and $fields[3] -eq 'RRSIG' -and $fields[4] -eq $Type) { return $i }
    }
    throw "No RRSIG over $Owner $Type in the signed zone"
}

function Set-CorruptSignature {
    <# Flips one bit in the signature of an RRSIG presentation line: the record still parses, its signature no longer verifies. #>
    param([Parameter(Mandatory)] [string] $Line)
    $fields = @($Line -split '\s+')
    $signature = [Convert]::FromBase64String($fields[-1])
    $signature[8] = $signature[8] -bxor 0x01
    $fields[-1] = [Convert]::ToBase64String($signature)
    $fields -join "`t"
}

function Get-RrsigExpiration {
    <# The expiration time (UTC) of the RRSIG over one RRset of a signed zone, or $null when the zone is unsigned. #>
    param([string[]] $Line, [string] $Owner, [string] $Type)
    try { $index = Find-RrsigLine -Line $Line -Owner $Owner -Type $Type } catch { return $null }
    $fields = @($Line[$index] -split '\s+')
    [DateTime]::ParseExact($fields[8], 'yyyyMMddHHmmss', [Globalization.CultureInfo]::InvariantCulture,
        [Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal').ToString('o')
}

function Get-DnssecTlsaData {
    <#
    .SYNOPSIS
        The TLSA record data ("3 1 1 <hex>") for one Tlsa shorthand of DnssecCases.ps1.
    #>
    param([Parameter(Mandatory)] [string] $Spec, [Parameter(Mandatory)] [hashtable] $Material)
    $kind, $name = $Spec.Split(':', 2)
    switch ($kind) {
        'ee' {
            $spki = if ($Material.Keys -contains "key:$name") { $Material["key:$name"] }
            elseif ($Material.Keys -contains "leaf:$name") {
                $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -LiteralPath $Material["leaf:$name"] -Raw))
                try { $certificate.PublicKey.ExportSubjectPublicKeyInfo() } finally { $certificate.Dispose() }
            }
            else { throw "TLSA '$Spec': no key or scenario leaf named '$name'" }
            "3 1 1 $(Get-Sha256Hex $spki)"
        }
        'ta' {
            $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -LiteralPath $Material["ca:$name"] -Raw))
            try { "2 0 1 $(Get-Sha256Hex $certificate.RawData)" } finally { $certificate.Dispose() }
        }
        default { throw "Unknown TLSA shorthand '$Spec'" }
    }
}

function New-DnssecZoneSet {
    <#
    .SYNOPSIS
        Generates keys, writes and signs the root, test. and every case zone; returns the zone list for
        the authoritative server and the descriptor's Zones, Cases and trust anchor paths.
    .PARAMETER Directory
        The DNSSEC bed's folder; keys go to keys/, zone files to zones/, trust anchors beside them.
    .PARAMETER Scenarios
        The running Postfix scenarios (descriptor entries by name): ports and leaf certificates.
    .PARAMETER IntermediateFile
        The bed's intermediate CA certificate (the DANE-TA cases).
    .PARAMETER NameServerAddress
        The authoritative server's address (the glue of ns.test).
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [Collections.IDictionary] $Scenarios,
        [Parameter(Mandatory)] [string] $IntermediateFile,
        [Parameter(Mandatory)] [string] $NameServerAddress
    )
    $keyDirectory = Join-Path $Directory 'keys'
    $zoneDirectory = Join-Path $Directory 'zones'
    New-BedDirectory $keyDirectory, $zoneDirectory
    $now = [DateTime]::UtcNow
    $inception = $now.AddHours(-1)
    $expiration = $now.AddDays(30)

    # Cases whose scenarios run; the others are left out (and named in the descriptor).
    $cases = [ordered]@{}
    $skipped = @()
    foreach ($case in $script:DnssecCases.GetEnumerator()) {
        $missing = @($case.Value.Hosts | ForEach-Object { $_.Scenario } | Where-Object { -not $Scenarios.Contains($_) })
        if ($missing) { $skipped += "$($case.Key) (needs scenario $($missing -join ', '))"; continue }
        $cases[$case.Key] = $case.Value
    }
    $caseZones = [ordered]@{}
    foreach ($case in $cases.GetEnumerator()) {
        $domain = if ($case.Value.ContainsKey('Domain')) { $case.Value.Domain } else { "$($case.Key).test" }
        $caseZones[$case.Key] = $domain
    }
    $signedZones = @('test.') + @($caseZones.Keys | Where-Object { $cases[$_].Zone['Signed'] -ne $false } | ForEach-Object { "$($caseZones[$_])." })
    $keys = New-DnssecKeySet -Directory $keyDirectory -Zone $signedZones

    # Key material the TLSA shorthands name: scenario leaves, the intermediate, and two keys no server uses.
    $material = @{ 'ca:intermediate' = $IntermediateFile }
    foreach ($scenario in $Scenarios.Keys) {
        $leaf = $Scenarios[$scenario]['LeafCertificateFile']
        if ($leaf) { $material["leaf:$scenario"] = $leaf }
    }
    foreach ($name in 'next', 'unrelated') {
        $key = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        try {
            $material["key:$name"] = $key.ExportSubjectPublicKeyInfo()
            Set-Content -LiteralPath (Join-Path $keyDirectory "$name-key.pem") -Value $key.ExportSubjectPublicKeyInfoPem()
        }
        finally { $key.Dispose() }
    }

    $zoneList = [Collections.Generic.List[object]]::new()
    $zoneEntries = [ordered]@{}
    $caseEntries = [ordered]@{}
    $testDelegations = [Collections.Generic.List[string]]::new()
    $soa = "IN SOA $($script:DnssecNameServer). hostmaster.test. $([int][DateTimeOffset]::UtcNow.ToUnixTimeSeconds()) 3600 600 86400 300"

    # First every zone's records: a host may live in another case's zone (an absolute Name, as a hosted
    # mail service's MX host does), so its A and TLSA records go there.
    $zoneLines = [ordered]@{}
    $zoneCase = @{}
    foreach ($case in $cases.GetEnumerator()) {
        $origin = "$($caseZones[$case.Key])."
        $zoneCase[$origin] = $case.Key
        $zoneLines[$origin] = [Collections.Generic.List[string]]::new()
        $zoneLines[$origin].AddRange([string[]]@('$TTL 300', "$origin $soa", "$origin IN NS $($script:DnssecNameServer)."))
    }
    $addresses = [Collections.Generic.HashSet[string]]::new()
    $hostsByCase = @{}
    foreach ($case in $cases.GetEnumerator()) {
        $definition = $case.Value
        $domain = $caseZones[$case.Key]
        $port = [int]$Scenarios[$definition.Hosts[0].Scenario]['Port']
        $hostsByCase[$case.Key] = @(foreach ($hostDefinition in $definition.Hosts) {
                $hostName = if ($hostDefinition.ContainsKey('Name')) { $hostDefinition.Name } else { "$($hostDefinition.Label).$domain" }
                $hostZone = @($zoneLines.Keys | Where-Object { "$hostName." -eq $_ -or "$hostName.".EndsWith(".$_") } | Sort-Object Length -Descending)[0]
                if (-not $hostZone) { throw "DNSSEC case $($case.Key): no bed zone holds the MX host $hostName" }
                $preference = if ($hostDefinition.ContainsKey('Preference')) { $hostDefinition.Preference } else { 10 }
                $owner = "_$port._tcp.$hostName"
                $tlsa = @($hostDefinition.Tlsa | ForEach-Object { Get-DnssecTlsaData -Spec $_ -Material $material })
                $zoneLines["$domain."].Add("$domain. IN MX $preference $hostName.")
                if ($addresses.Add($hostName)) { $zoneLines[$hostZone].Add("$hostName. IN A 127.0.0.1") }
                foreach ($record in $tlsa) { $zoneLines[$hostZone].Add("$owner. IN TLSA $record") }
                [ordered]@{
                    Name = $hostName; Preference = $preference; Address = '127.0.0.1'; Port = $port
                    Scenario = $hostDefinition.Scenario; TlsaOwner = $owner; TlsaZone = $hostZone; Tlsa = $tlsa; TlsaSpec = @($hostDefinition.Tlsa)
                    Expect = $hostDefinition.Expect
                }
            })
    }

    # Then sign each zone, and break what the case breaks.
    $signedByZone = @{}
    foreach ($origin in $zoneLines.Keys) {
        $definition = $cases[$zoneCase[$origin]]
        $domain = $origin.TrimEnd('.')
        $signed = $definition.Zone['Signed'] -ne $false
        $testDelegations.Add("$origin 3600 IN NS $($script:DnssecNameServer).")
        $zoneFile = Join-Path $zoneDirectory "$domain.zone"
        Set-Content -LiteralPath $zoneFile -Value $zoneLines[$origin]
        $served = $zoneFile
        $signedLines = @()
        $zoneExpiration = $expiration
        $algorithm = $null
        $denial = $null
        if ($signed) {
            $key = $keys[$origin].ksk
            $denial = $definition.Zone['Denial']
            if ($definition.Zone.ContainsKey('ExpiresInDays')) { $zoneExpiration = $now.AddDays($definition.Zone.ExpiresInDays) }
            $served = Join-Path $zoneDirectory "$domain.signed"
            $signedLines = Invoke-DnssecSign -ZoneFile $zoneFile -Origin $origin -KeyBase $key -Inception $inception -Expiration $zoneExpiration -Nsec3:($denial -eq 'NSEC3') -OutFile $served
            # The broken RRsets are those of the case's first MX host, which lives in this zone.
            $firstOwner = "$($hostsByCase[$zoneCase[$origin]][0].TlsaOwner)."
            if ($definition.Zone.ContainsKey('Corrupt')) {
                $owner = if ($definition.Zone.Corrupt -eq 'TLSA') { $firstOwner } else { $origin }
                $index = Find-RrsigLine -Line $signedLines -Owner $owner -Type $definition.Zone.Corrupt
                $signedLines[$index] = Set-CorruptSignature $signedLines[$index]
            }
            if ($definition.Zone.ContainsKey('ExpiredRrsig')) {
                $stale = Invoke-DnssecSign -ZoneFile $zoneFile -Origin $origin -KeyBase $key -Inception $now.AddDays(-31) -Expiration $now.AddDays(-1) `
                    -OutFile (Join-Path $zoneDirectory "$domain.expired-signed")
                $signedLines[(Find-RrsigLine -Line $signedLines -Owner $firstOwner -Type $definition.Zone.ExpiredRrsig)] = $stale[(Find-RrsigLine -Line $stale -Owner $firstOwner -Type $definition.Zone.ExpiredRrsig)]
            }
            Set-Content -LiteralPath $served -Value $signedLines
            $algorithm = 13
            $testDelegations.Add((Get-DnssecKeyRecord -KeyBase $key -Type DS -Ttl 3600))
        }
        $signedByZone[$origin] = $signedLines
        $zoneList.Add([pscustomobject]@{ Name = $origin; File = $served })
        $zoneEntries[$origin] = [ordered]@{
            Name = $origin; Signed = $signed; Denial = $denial; Algorithm = $algorithm
            KeyTags = @(if ($signed) { [int]($keys[$origin].ksk -replace '^.*\+', '') })
            SignatureExpiresUtc = if ($signed) { $zoneExpiration.ToString('o') } else { $null }
            Parent = 'test.'; HasDs = $signed
        }
    }

    foreach ($case in $cases.GetEnumerator()) {
        $definition = $case.Value
        $origin = "$($caseZones[$case.Key])."
        $signed = $definition.Zone['Signed'] -ne $false
        $hosts = $hostsByCase[$case.Key]
        $dnssecState = if (-not $signed) { 'Insecure' } elseif ($definition.Zone.ContainsKey('Corrupt') -or $definition.Zone.ContainsKey('ExpiredRrsig')) { 'Bogus' } else { 'Secure' }
        foreach ($entry in $hosts) {
            # The TLSA set's state is that of the zone it lives in.
            $tlsaZone = $cases[$zoneCase[$entry.TlsaZone]].Zone
            $entry.TlsaState = if ($tlsaZone['Signed'] -eq $false) { 'Insecure' }
            elseif ($entry.Tlsa.Count -eq 0) { 'NoRecords' }
            elseif (($tlsaZone.ContainsKey('Corrupt') -and $tlsaZone.Corrupt -eq 'TLSA') -or $tlsaZone.ContainsKey('ExpiredRrsig')) { 'Bogus' }
            else { 'Secure' }
            $entry.TlsaSignatureExpiresUtc = if ($entry.TlsaState -ne 'Insecure' -and $entry.Tlsa.Count) { Get-RrsigExpiration -Line $signedByZone[$entry.TlsaZone] -Owner "$($entry.TlsaOwner)." -Type 'TLSA' } else { $null }
        }
        $caseEntries[$case.Key] = [ordered]@{
            Id = $case.Key; Domain = $caseZones[$case.Key]; Description = $definition.Description; Port = $hosts[0].Port; Zone = $origin
            DnssecState = $dnssecState; MxBogus = [bool]$definition['MxBogus']; MxHosts = $hosts
        }
    }

    # test.: NSEC3, delegations with DS (none for the unsigned child), the name server's address.
    $testFile = Join-Path $zoneDirectory 'test.zone'
    Set-Content -LiteralPath $testFile -Value (@('$TTL 3600', "test. $soa", "test. IN NS $($script:DnssecNameServer).", "$($script:DnssecNameServer). IN A $NameServerAddress") + $testDelegations)
    $testSigned = Join-Path $zoneDirectory 'test.signed'
    $null = Invoke-DnssecSign -ZoneFile $testFile -Origin 'test.' -KeyBase $keys['test.'].ksk -Inception $inception -Expiration $expiration -Nsec3 -OutFile $testSigned
    $zoneList.Insert(0, [pscustomobject]@{ Name = 'test.'; File = $testSigned })
    $zoneEntries.Insert(0, 'test.', [ordered]@{
            Name = 'test.'; Signed = $true; Denial = 'NSEC3'; Algorithm = 13; KeyTags = @([int]($keys['test.'].ksk -replace '^.*\+', ''))
            SignatureExpiresUtc = $expiration.ToString('o'); Parent = '.'; HasDs = $true })

    # The root: KSK + ZSK, NSEC, test. delegated with glue.
    $rootFile = Join-Path $zoneDirectory 'root.zone'
    Set-Content -LiteralPath $rootFile -Value @(
        '$TTL 3600'
        ". $soa"
        ". IN NS $($script:DnssecNameServer)."
        "test. IN NS $($script:DnssecNameServer)."
        "$($script:DnssecNameServer). IN A $NameServerAddress"
        (Get-DnssecKeyRecord -KeyBase $keys['test.'].ksk -Type DS -Ttl 3600)
    )
    $rootSigned = Join-Path $zoneDirectory 'root.signed'
    $null = Invoke-DnssecSign -ZoneFile $rootFile -Origin '.' -KeyBase $keys['.'].ksk, $keys['.'].zsk -Inception $inception -Expiration $expiration -OutFile $rootSigned
    $zoneList.Insert(0, [pscustomobject]@{ Name = '.'; File = $rootSigned })
    $zoneEntries.Insert(0, '.', [ordered]@{
            Name = '.'; Signed = $true; Denial = 'NSEC'; Algorithm = 8
            KeyTags = @($keys['.'].ksk, $keys['.'].zsk | ForEach-Object { [int]($_ -replace '^.*\+', '') })
            SignatureExpiresUtc = $expiration.ToString('o'); Parent = $null; HasDs = $false })

    # The trust anchor: the root KSK, as DS (what unbound is given) and as DNSKEY.
    $anchorDs = Join-Path $Directory 'trust-anchor.ds'
    $anchorKey = Join-Path $Directory 'trust-anchor.key'
    Set-Content -LiteralPath $anchorDs -Value @('; The SmtpTls test bed''s root trust anchor (DS of the test root''s KSK); generated at bed start.', (Get-DnssecKeyRecord -KeyBase $keys['.'].ksk -Type DS))
    Set-Content -LiteralPath $anchorKey -Value @('; The SmtpTls test bed''s root trust anchor (the test root''s KSK); generated at bed start.', (Get-DnssecKeyRecord -KeyBase $keys['.'].ksk -Type DNSKEY))

    [pscustomobject]@{
        ZoneList           = $zoneList.ToArray()
        Zones              = $zoneEntries
        Cases              = $caseEntries
        SkippedCases       = $skipped
        TrustAnchorFile    = $anchorDs
        TrustAnchorKeyFile = $anchorKey
        NextKeyFile        = Join-Path $keyDirectory 'next-key.pem'
    }
}
