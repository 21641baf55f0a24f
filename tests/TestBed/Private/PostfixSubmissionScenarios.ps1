# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The submission scenarios of 2027 (issue 18): OAuth 2.0 through Dovecot, TLS client certificates.
# Runs after PostfixScenarios.ps1 (files are dot-sourced in name order) and adds to its table; a
# Companion is the bed function that writes (and starts) what the scenario needs beside Postfix.

$script:Scenarios['oauth'] = @{
    Description = 'port-587 style with Dovecot as SASL provider: PLAIN, LOGIN, OAUTHBEARER, XOAUTH2 only after STARTTLS; JWTs validated locally; relaying only when authenticated'
    Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
    Companion = 'Initialize-DovecotSaslProvider'
    Settings = [ordered]@{
        smtpd_sasl_auth_enable          = 'yes'
        smtpd_sasl_type                 = 'dovecot'
        # smtpd_sasl_path: the absolute socket path, set by the companion.
        smtpd_tls_auth_only             = 'yes'
        smtpd_sasl_security_options     = 'noanonymous'
        smtpd_sasl_tls_security_options = 'noanonymous'
        smtpd_recipient_restrictions    = 'permit_sasl_authenticated, reject'
    }
}

# Both client-certificate scenarios: the CA names of the CertificateRequest (a certificate need not chain
# to it to be matched by fingerprint) and mail only from the known certificate's SHA-256 fingerprint.
$script:ClientCertificateSettings = [ordered]@{
    smtpd_tls_CAfile             = '$config_directory/client-ca.pem'
    smtpd_tls_fingerprint_digest = 'sha256'
    relay_clientcerts            = 'texthash:$config_directory/relay_clientcerts'
    smtpd_relay_restrictions     = 'permit_tls_clientcerts, reject_unauth_destination'
    smtpd_recipient_restrictions = 'permit_tls_clientcerts, reject'
}

$script:Scenarios['client-cert'] = @{
    Description = 'STARTTLS asking for a client certificate (smtpd_tls_ask_ccert); mail accepted only from the known certificate (relay_clientcerts, SHA-256 fingerprint)'
    Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
    Companion = 'Initialize-ClientCertificateRelay'
    Settings = [ordered]@{ smtpd_tls_ask_ccert = 'yes' } + $script:ClientCertificateSettings
}

$script:Scenarios['client-cert-required'] = @{
    Description = 'STARTTLS required with a client certificate (smtpd_tls_req_ccert): without one, 421 4.7.1 after the handshake; mail accepted only from the known certificate'
    Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
    Companion = 'Initialize-ClientCertificateRelay'
    Settings = [ordered]@{ smtpd_tls_security_level = 'encrypt'; smtpd_tls_req_ccert = 'yes' } + $script:ClientCertificateSettings
}
