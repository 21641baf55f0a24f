# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The bed's private PKI: root and intermediate CA and the scenario leaves, cached by version and age.

function Initialize-TestBedPki {
    <#
    .SYNOPSIS
        Generates the private CA, intermediate and leaves with openssl, or reuses a recent cache.
    .DESCRIPTION
        Every certificate is issued with `openssl ca` and explicit start and end dates, which is
        how the expired and not-yet-valid leaves get their dates; root and intermediate are
        backdated so that they cover both.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $OpenSsl)

    $leaves = [ordered]@{
        'good'          = @{ Name = $script:ServerName; From = -1; To = 365 }
        'wrong-name'    = @{ Name = 'other.example.test'; From = -1; To = 365 }
        'expired'       = @{ Name = $script:ServerName; From = -730; To = -365 }
        'not-yet-valid' = @{ Name = $script:ServerName; From = 365; To = 730 }
        # A key OpenSSL's default security level refuses: the weak-key scenario's leaf.
        'weak-key'      = @{ Name = $script:ServerName; From = -1; To = 365; Bits = 1024 }
        # The second certificate of the dual-cert scenario (RSA and ECDSA side by side, as many MX hosts run).
        'ecdsa'         = @{ Name = $script:ServerName; From = -1; To = 365; Algorithm = 'EC' }
    }
    $expected = @('root-ca.pem', 'intermediate-ca.pem', 'self-signed.pem', 'self-signed.key', 'unrelated.key', 'dh1024.pem') +
        @($leaves.Keys | ForEach-Object { "$_.pem"; "$_.key"; "$_-chain.pem" })
    $stampPath = Join-Path $Directory 'pki.json'
    if (Test-Path -LiteralPath $stampPath) {
        $stamp = Get-Content -LiteralPath $stampPath -Raw | ConvertFrom-Json
        $complete = -not ($expected | Where-Object { -not (Test-Path -LiteralPath (Join-Path $Directory $_)) })
        if ($complete -and $stamp.Version -eq $script:PkiVersion -and
            [DateTime]::UtcNow - [DateTime]$stamp.CreatedUtc -lt $script:PkiMaxAge) {
            return
        }
    }

    if (Test-Path -LiteralPath $Directory) { Remove-Item -LiteralPath $Directory -Recurse -Force }
    $database = Join-Path $Directory 'ca'
    New-BedDirectory $Directory, $database
    $null = New-Item -ItemType File -Path (Join-Path $database 'index.txt')
    # A random first serial: regenerated certificates never repeat an issuer/serial pair a client may have cached.
    Set-Content -LiteralPath (Join-Path $database 'serial') -Value ([Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(8)))
    $config = Join-Path $Directory 'ca.cnf'
    Set-Content -LiteralPath $config -Value @"
[ ca ]
default_ca = bed_ca

[ bed_ca ]
database        = $database/index.txt
serial          = $database/serial
new_certs_dir   = $database
default_md      = sha256
policy          = bed_policy
unique_subject  = no
copy_extensions = copy
email_in_dn     = no

[ bed_policy ]
organizationName = optional
commonName       = supplied

[ root_ca ]
basicConstraints     = critical, CA:true
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ intermediate_ca ]
basicConstraints       = critical, CA:true, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ server_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
"@

    # RSA key generation is the slow part: all keys at once. (Collected before waiting: in one
    # pipeline each start would wait for the previous key.)
    $keyNames = @('root-ca', 'intermediate-ca', 'self-signed', 'unrelated') + @($leaves.Keys)
    $generators = @($keyNames | ForEach-Object {
            $leaf = if ($leaves.Contains($_)) { $leaves[$_] } else { @{} }
            $keyOptions = if ($leaf['Algorithm'] -eq 'EC') { 'EC', 'ec_paramgen_curve:P-256' }
                          else { 'RSA', "rsa_keygen_bits:$(if ($leaf.ContainsKey('Bits')) { $leaf.Bits } else { 2048 })" }
            Start-NativeCommand $OpenSsl 'genpkey', '-algorithm', $keyOptions[0], '-pkeyopt', $keyOptions[1], '-out', (Join-Path $Directory "$_.key")
        })
    # 1024-bit DH parameters for the weak-cipher scenario's DHE suites (WeakDhParameters), made beside the keys:
    # a safe prime takes a second or two. (-dsaparam would be instant, but writes X9.42 parameters Postfix cannot read.)
    $generators += Start-NativeCommand $OpenSsl 'dhparam', '-out', (Join-Path $Directory 'dh1024.pem'), '1024'
    $generators | Wait-NativeCommand | Out-Null

    $now = [DateTime]::UtcNow
    function Get-CertificateDate([int] $Days) { $now.AddDays($Days).ToString("yyyyMMddHHmmss'Z'", [Globalization.CultureInfo]::InvariantCulture) }
    function New-Certificate([string] $Name, [string] $Subject, [string] $Extensions, [int] $From, [int] $To, [string] $Issuer, [string] $AltName) {
        $key = Join-Path $Directory "$Name.key"
        $request = Join-Path $database "$Name.csr"
        $requestArguments = @('req', '-new', '-key', $key, '-subj', $Subject, '-out', $request)
        if ($AltName) { $requestArguments += '-addext', "subjectAltName=DNS:$AltName" }
        Invoke-NativeCommand $OpenSsl $requestArguments | Out-Null
        $signArguments = @('ca', '-batch', '-config', $config, '-notext', '-extensions', $Extensions,
            '-startdate', (Get-CertificateDate $From), '-enddate', (Get-CertificateDate $To),
            '-in', $request, '-out', (Join-Path $Directory "$Name.pem"))
        $signArguments += if ($Issuer) {
            '-cert', (Join-Path $Directory "$Issuer.pem"), '-keyfile', (Join-Path $Directory "$Issuer.key")
        }
        else {
            '-selfsign', '-keyfile', $key
        }
        Invoke-NativeCommand $OpenSsl $signArguments | Out-Null
    }

    New-Certificate 'root-ca' '/O=SmtpTls test bed/CN=SmtpTls Test Root CA' 'root_ca' -1100 3650
    New-Certificate 'intermediate-ca' '/O=SmtpTls test bed/CN=SmtpTls Test Intermediate CA' 'intermediate_ca' -1000 3000 -Issuer 'root-ca'
    $intermediate = Get-Content -LiteralPath (Join-Path $Directory 'intermediate-ca.pem') -Raw
    foreach ($leaf in $leaves.GetEnumerator()) {
        $spec = $leaf.Value
        New-Certificate $leaf.Key "/CN=$($spec.Name)" 'server_leaf' $spec.From $spec.To -Issuer 'intermediate-ca' -AltName $spec.Name
        $certificate = Get-Content -LiteralPath (Join-Path $Directory "$($leaf.Key).pem") -Raw
        Set-Content -LiteralPath (Join-Path $Directory "$($leaf.Key)-chain.pem") -Value ($certificate + $intermediate) -NoNewline
    }
    New-Certificate 'self-signed' "/CN=$($script:ServerName)" 'server_leaf' -1 365 -AltName $script:ServerName

    [ordered]@{ Version = $script:PkiVersion; CreatedUtc = $now.ToString('o') } | ConvertTo-Json |
        Set-Content -LiteralPath $stampPath
}
