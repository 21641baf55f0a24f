# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
<#
    The TLS client certificates of the client-cert scenario: a small client CA (whose name Postfix
    sends in its CertificateRequest, smtpd_tls_CAfile), a "known" client certificate whose SHA-256
    fingerprint is in relay_clientcerts, and an "unknown" one from the same CA that is not. Each as
    PFX (with a password) and as PEM (certificate and key in one file), for the tests.
#>

function Initialize-ClientCertificateRelay {
    <#
    .SYNOPSIS
        Writes the client CA, the two client certificates and the relay_clientcerts map of a scenario (its Companion).
    .OUTPUTS
        PostfixOwned, Settings (none) and Entry (the certificate files and their password, for the descriptor).
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Etc,
        [Parameter(Mandatory)] [string] $PkiDirectory,
        [Parameter(Mandatory)] [pscredential] $Account
    )
    $folder = Join-Path $Directory 'client-certificates'
    New-BedDirectory $folder
    $sha256 = [Security.Cryptography.HashAlgorithmName]::SHA256
    $pkcs1 = [Security.Cryptography.RSASignaturePadding]::Pkcs1
    $now = [DateTimeOffset]::UtcNow
    $password = [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(12)) -replace '[+/=]', 'x'

    $caKey = [Security.Cryptography.RSA]::Create(2048)
    $caRequest = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=SmtpTls Test Client CA, O=SmtpTls test bed', $caKey, $sha256, $pkcs1)
    $caRequest.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $caRequest.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $ca = $caRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(30))
    $caFile = Join-Path $Etc 'client-ca.pem'
    Set-Content -LiteralPath $caFile -Value $ca.ExportCertificatePem()

    $entry = [ordered]@{ ClientCaFile = $caFile; ClientCertificatePassword = $password }
    $serial = 1
    foreach ($kind in 'Known', 'Unknown') {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$($kind.ToLowerInvariant())-client.smtptls.test, O=SmtpTls test bed", $key, $sha256, $pkcs1)
        $usage = [Security.Cryptography.OidCollection]::new()
        [void]$usage.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usage, $false))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature', $true))
        $issued = $request.Create($ca, $now.AddDays(-1), $now.AddDays(30), [byte[]]@(0x18, $serial++))
        $withKey = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issued, $key)
        $pfx = Join-Path $folder "$($kind.ToLowerInvariant())-client.pfx"
        [IO.File]::WriteAllBytes($pfx, $withKey.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12, $password))
        $pem = Join-Path $folder "$($kind.ToLowerInvariant())-client.pem"
        Set-Content -LiteralPath $pem -Value ($withKey.ExportCertificatePem() + "`n" + $key.ExportPkcs8PrivateKeyPem())
        # Postfix's fingerprint format: SHA-256 of the DER certificate, upper-case hex in colon-separated pairs.
        $fingerprint = ([Security.Cryptography.SHA256]::HashData($withKey.RawData) | ForEach-Object { $_.ToString('X2') }) -join ':'
        $entry["${kind}ClientPfx"] = $pfx
        $entry["${kind}ClientPem"] = $pem
        $entry["${kind}ClientFingerprint"] = $fingerprint
        $key.Dispose()
    }
    $caKey.Dispose()
    Set-Content -LiteralPath (Join-Path $Etc 'relay_clientcerts') -Value "$($entry.KnownClientFingerprint) known-client.smtptls.test"

    [pscustomobject]@{
        PostfixOwned = @()
        Settings     = [ordered]@{}
        Entry        = $entry
    }
}
