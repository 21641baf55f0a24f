# Part of tests/TestBed/SmtpTestBed.psm1 (dot-sourced into the module scope: $script: variables are the module's).
# The Postfix scenarios: one instance per TLS situation.

# One Postfix instance per scenario. Leaf/Chain/Key name files of the certificate cache; Leaf is
# the certificate a client receives (null when no handshake completes); Settings go into main.cf
# after the common ones and win over them.
$script:Scenarios = [ordered]@{
    'good'             = @{ Description = 'STARTTLS, leaf and intermediate from the private CA, TLS 1.2 and 1.3'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key' }
    'broken-cert'      = @{ Description = 'STARTTLS advertised, certificate and key do not match: 454 4.7.0'
                            Leaf = $null; Chain = 'good-chain.pem'; Key = 'unrelated.key' }
    'broken-missing'   = @{ Description = 'STARTTLS advertised, certificate files missing: 454 4.7.0'
                            Leaf = $null; Chain = $null; Key = $null
                            Settings = [ordered]@{
                                smtpd_tls_cert_file = '$config_directory/missing-chain.pem'
                                smtpd_tls_key_file  = '$config_directory/missing.key'
                            } }
    'no-starttls'      = @{ Description = 'TLS not offered at all'; TlsMode = 'None'
                            Leaf = $null; Chain = $null; Key = $null
                            Settings = [ordered]@{ smtpd_tls_security_level = 'none' } }
    'expired'          = @{ Description = 'STARTTLS, leaf expired a year ago'
                            Leaf = 'expired.pem'; Chain = 'expired-chain.pem'; Key = 'expired.key' }
    'not-yet-valid'    = @{ Description = 'STARTTLS, leaf valid only from a year after generation'
                            Leaf = 'not-yet-valid.pem'; Chain = 'not-yet-valid-chain.pem'; Key = 'not-yet-valid.key' }
    'wrong-name'       = @{ Description = 'STARTTLS, leaf for other.example.test'
                            Leaf = 'wrong-name.pem'; Chain = 'wrong-name-chain.pem'; Key = 'wrong-name.key' }
    'self-signed'      = @{ Description = 'STARTTLS, self-signed leaf'
                            Leaf = 'self-signed.pem'; Chain = 'self-signed.pem'; Key = 'self-signed.key' }
    'incomplete-chain' = @{ Description = 'STARTTLS, leaf sent without its intermediate'
                            Leaf = 'good.pem'; Chain = 'good.pem'; Key = 'good.key' }
    'implicit'         = @{ Description = 'implicit TLS (wrapper mode, like port 465), good chain'; TlsMode = 'Implicit'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{ smtpd_tls_wrappermode = 'yes'; smtpd_tls_security_level = 'encrypt' } }
    'legacy'           = @{ Description = 'STARTTLS, only TLS 1.0 and 1.1'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{
                                smtpd_tls_protocols           = '>=TLSv1, <=TLSv1.1'
                                smtpd_tls_mandatory_protocols = '>=TLSv1, <=TLSv1.1'
                                # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above security level 0.
                                tls_medium_cipherlist         = 'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=0'
                            } }
    'required'         = @{ Description = 'STARTTLS required: MAIL FROM before STARTTLS gets 530 5.7.0'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{ smtpd_tls_security_level = 'encrypt' } }
    'dual-cert'        = @{ Description = 'STARTTLS with an RSA and an ECDSA certificate side by side (smtpd_tls_chain_files), server cipher order'
                            Leaf = 'ecdsa.pem'; Chain = $null; Key = $null
                            Settings = [ordered]@{
                                smtpd_tls_chain_files  = '{pki}/good.key, {pki}/good-chain.pem, {pki}/ecdsa.key, {pki}/ecdsa-chain.pem'
                                tls_preempt_cipherlist = 'yes'
                            } }
    'weak-key'         = @{ Description = 'STARTTLS, leaf with a 1024-bit RSA key (OpenSSL security level 0 for this instance)'
                            Leaf = 'weak-key.pem'; Chain = 'weak-key-chain.pem'; Key = 'weak-key.key'; SecurityLevel = 0 }
    'weak-cipher'      = @{ Description = 'STARTTLS, good chain, but TLS 1.2 also accepts NULL-SHA256 (no encryption at all) and uses 1024-bit DH'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'; SecurityLevel = 0
                            Settings = [ordered]@{
                                smtpd_tls_ciphers     = 'medium'
                                tls_medium_cipherlist = 'HIGH:NULL-SHA256:@SECLEVEL=0'
                                # 1024-bit DH for the DHE suites (WeakDhParameters of -Deep).
                                smtpd_tls_dh1024_param_file = '{pki}/dh1024.pem'
                            } }
    'auth-before-tls'  = @{ Description = 'AUTH PLAIN/LOGIN offered before STARTTLS (smtpd_tls_auth_only = no)'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'; Sasl = $true
                            Settings = [ordered]@{
                                smtpd_sasl_auth_enable          = 'yes'
                                smtpd_sasl_type                 = 'cyrus'
                                smtpd_sasl_path                 = 'smtpd'
                                cyrus_sasl_config_path          = '$config_directory/sasl'
                                smtpd_tls_auth_only             = 'no'
                                smtpd_sasl_security_options     = 'noanonymous'
                                smtpd_recipient_restrictions    = 'permit_sasl_authenticated, reject'
                            } }
    'throttled'        = @{ Description = 'one connection per client at a time (anvil): a second one gets 421 4.7.0 too many connections'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'
                            Settings = [ordered]@{
                                smtpd_client_connection_count_limit = '1'
                                # By default $mynetworks (all of loopback here) is exempt from the limits.
                                smtpd_client_event_limit_exceptions = ''
                            } }
    'submission'       = @{ Description = 'port-587 style: AUTH PLAIN/LOGIN only after STARTTLS, relaying only when authenticated'
                            Leaf = 'good.pem'; Chain = 'good-chain.pem'; Key = 'good.key'; Sasl = $true
                            Settings = [ordered]@{
                                smtpd_sasl_auth_enable          = 'yes'
                                smtpd_sasl_type                 = 'cyrus'
                                smtpd_sasl_path                 = 'smtpd'
                                # Upstream Postfix reads smtpd.conf from here; Debian's ignores this and reads $config_directory/sasl.
                                cyrus_sasl_config_path          = '$config_directory/sasl'
                                smtpd_tls_auth_only             = 'yes'
                                smtpd_sasl_security_options     = 'noanonymous'
                                smtpd_sasl_tls_security_options = 'noanonymous'
                                smtpd_recipient_restrictions    = 'permit_sasl_authenticated, reject'
                            } }
}
