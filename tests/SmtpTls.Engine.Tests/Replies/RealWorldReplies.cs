using System.Collections.Generic;
using System.Linq;

namespace SmtpTls.Tests.Replies;

/// <summary>
/// Real replies, log lines and client messages, each with the place it comes from (server source file,
/// RFC, vendor documentation, or a real log published in a forum), and what Resolve-SmtpError must say
/// about it. Host names and addresses of real logs are replaced by documentation names (RFC 2606,
/// RFC 5737); the texts themselves are unchanged.
/// </summary>
public static class RealWorldReplies
{
    /// <summary>One row: an id for the test name, the source, the input and the expected resolution.</summary>
    public sealed record Case(string Id, string Source, string Input, int Code, string Esc, bool Transient, SmtpErrorCategory Category, string Server = "");

    public static IReadOnlyList<Case> All { get; } = Build();

    /// <summary>The rows as xunit theory data (primitive values, so every row is its own test case).</summary>
    public static IEnumerable<object[]> Rows => All.Select(c => new object[] { c.Id, c.Source, c.Input, c.Code, c.Esc, c.Transient, c.Category, c.Server });

    private const string PostfixSmtpd = "Postfix src/smtpd/smtpd.c";
    private const string PostfixSmtp = "Postfix src/smtp/smtp_proto.c";
    private const string PostfixVerify = "Postfix src/tls/tls_verify.c";
    private const string Exchange = "Microsoft Exchange Server transport reply texts";
    private const string ExchangeOnlineNdr = "Microsoft Learn: Email non-delivery reports and SMTP errors in Exchange Online";
    private const string Dane = "Microsoft Learn: How SMTP DANE works (Exchange Online)";
    private const string Gmail = "Google Workspace Admin Help: SMTP error messages (support.google.com/a/answer/3221692)";
    private const string DotNet = ".NET 10 runtime resources (System.Net.Security / System.Net.Mail)";
    private const string MailKit = "MailKit 4.18.2 (strings in MailKit.dll)";

    private static List<Case> Build()
    {
        var cases = new List<Case>();
        AddStartTls(cases);
        AddAuthentication(cases);
        AddCertificates(cases);
        AddPolicyAndLimits(cases);
        AddNotTls(cases);
        return cases;
    }

    private static void AddStartTls(List<Case> c)
    {
        // 454: TLS not available.
        c.Add(new("postfix-454", PostfixSmtpd + " (starttls_cmd); reproduced with a mismatched key (toolchain notes)",
            "454 4.7.0 TLS not available due to local problem", 454, "4.7.0", true, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("postfix-454-log-said", "Issue 4 example: Postfix smtp log line (status=deferred, host ... said)",
            "Nov 29 10:15:02 mail postfix/smtp[2345]: 8F1A2C0123: to=<ann@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (host mx.example.net[192.0.2.10] said: 454 4.7.0 TLS not available due to local problem (in reply to STARTTLS command))",
            454, "4.7.0", true, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("postfix-454-log-refused", PostfixSmtp + " (smtp_helo): 'TLS is required, but host %s refused to start TLS: %s'",
            "Nov 29 10:15:02 mail postfix/smtp[2345]: 8F1A2C0123: to=<ann@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (TLS is required, but host mx.example.net[192.0.2.10] refused to start TLS: 454 4.7.0 TLS not available due to local problem)",
            454, "4.7.0", true, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("exim-454", "Exim src/smtp_in.c (STARTTLS_CMD, rc == DEFER)",
            "454 TLS currently unavailable", 454, "", true, SmtpErrorCategory.TlsNotAvailable, "Exim"));
        c.Add(new("sendmail-454-after-start", "Sendmail sendmail/srvrsmtp.c (CMDSTLS)",
            "454 4.3.3 TLS not available after start", 454, "4.3.3", true, SmtpErrorCategory.TlsNotAvailable, "Sendmail"));
        c.Add(new("sendmail-454-ssl-handle", "Sendmail sendmail/srvrsmtp.c (CMDSTLS)",
            "454 4.3.3 TLS not available: error generating SSL handle", 454, "4.3.3", true, SmtpErrorCategory.TlsNotAvailable, "Sendmail"));
        c.Add(new("rfc3207-454", "RFC 3207 §4",
            "454 TLS not available due to temporary reason", 454, "", true, SmtpErrorCategory.TlsNotAvailable));
        c.Add(new("issue-454-short", "Issue 4 input example",
            "454 TLS not available", 454, "", true, SmtpErrorCategory.TlsNotAvailable));
        c.Add(new("issue-454-5.7.3", "Issue 4 input example (class mismatch)",
            "454 5.7.3 TLS not available", 454, "5.7.3", true, SmtpErrorCategory.TlsNotAvailable));
        c.Add(new("mailkit-454-exception", "MailKit SmtpCommandException as logged (message carries the enhanced code only)",
            "MailKit.Net.Smtp.SmtpCommandException: 4.7.0 TLS not available due to local problem", 0, "4.7.0", true, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("exchange-554-security-subsystem", Exchange + " (STARTTLS negotiation failure)",
            "554 5.7.3 Unable to initialize security subsystem", 554, "5.7.3", false, SmtpErrorCategory.TlsNotAvailable, "Exchange"));
        c.Add(new("postfix-log-disabling-tls", "Postfix src/tls/tls_certkey.c ('cannot get ... from file ...: disabling TLS support')",
            "Nov 29 10:00:01 mail postfix/smtpd[1234]: warning: cannot get RSA private key from file \"/etc/ssl/private/mail.key\": disabling TLS support",
            0, "", false, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("postfix-log-key-mismatch", "OpenSSL 05800074 'key values mismatch' logged by Postfix as 'TLS library problem'",
            "Nov 29 10:00:01 mail postfix/smtpd[1234]: warning: TLS library problem: error:05800074:x509 certificate routines::key values mismatch:../crypto/x509/x509_cmp.c:405:",
            0, "", false, SmtpErrorCategory.TlsNotAvailable, "Postfix"));
        c.Add(new("sendmail-454-tempfail", "Sendmail sendmail/srvrsmtp.c (STARTTLS tempfailed due to previous checks)",
            "454 4.7.1 Please try again later", 454, "4.7.1", true, SmtpErrorCategory.ServiceUnavailable));

        // STARTTLS not offered.
        c.Add(new("postfix-not-offered", PostfixSmtp + " (DSN 4.7.4); log line from a Postfix users' forum thread",
            "Dec  6 11:47:17 srv-s141 postfix/smtp[18288]: D7226814E: to=<info@example.de>, relay=mailin.example.de[192.0.2.100]:25, delay=81151, delays=81151/0.05/0.17/0, dsn=4.7.4, status=deferred (TLS is required, but was not offered by host mailin.example.de[192.0.2.100])",
            0, "4.7.4", true, SmtpErrorCategory.TlsNotOffered, "Postfix"));
        c.Add(new("exim-not-offered", "Exim src/transports/smtp.c ('a TLS session is required, but the server did not offer TLS support')",
            "2024-11-29 10:00:00 1tGxyz-000ABC-12 == bob@example.org R=dnslookup T=remote_smtp defer (-38) H=mx.example.org [192.0.2.20]: a TLS session is required, but the server did not offer TLS support",
            0, "", true, SmtpErrorCategory.TlsNotOffered, "Exim"));
        c.Add(new("mailkit-no-starttls", MailKit + ": NotSupportedException from SmtpClient.Connect",
            "The SMTP server does not support the STARTTLS extension.", 0, "", false, SmtpErrorCategory.TlsNotOffered));
        c.Add(new("dotnet-no-secure-connections", DotNet + ": MailServerDoesNotSupportStartTls",
            "Server does not support secure connections.", 0, "", false, SmtpErrorCategory.TlsNotOffered));
        c.Add(new("python-no-starttls", "CPython Lib/smtplib.py (SMTP.starttls)",
            "smtplib.SMTPNotSupportedError: STARTTLS extension not supported by server.", 0, "", false, SmtpErrorCategory.TlsNotOffered));
        c.Add(new("sendmail-503-tls-not-available", "Sendmail sendmail/srvrsmtp.c (CMDSTLS, SRV_OFFER_TLS not set)",
            "503 5.5.0 TLS not available", 503, "5.5.0", false, SmtpErrorCategory.TlsNotOffered, "Sendmail"));
        c.Add(new("postfix-502-starttls-off", PostfixSmtpd + "; reproduced without TLS (toolchain notes)",
            "502 5.5.1 Error: command not implemented", 502, "5.5.1", false, SmtpErrorCategory.TlsNotOffered, "Postfix"));
        c.Add(new("exim-503-not-advertised", "Exim src/smtp_in.c (STARTTLS_CMD synprot_error)",
            "503 STARTTLS command used when not advertised", 503, "", false, SmtpErrorCategory.TlsNotOffered, "Exim"));
        c.Add(new("sendgrid-tls-required", "Twilio SendGrid API reference: Settings - Enforced TLS",
            "TLS required but not supported", 0, "", false, SmtpErrorCategory.TlsNotOffered));

        // TLS required.
        c.Add(new("postfix-530", PostfixSmtpd + " with smtpd_tls_security_level = encrypt (toolchain notes)",
            "530 5.7.0 Must issue a STARTTLS command first", 530, "5.7.0", false, SmtpErrorCategory.TlsRequired));
        c.Add(new("postfix-530-bounce", "Postfix bounce quoted in a forum thread ('host ... said: 530 5.7.0 ... (in reply to MAIL FROM command)')",
            "<user@example.ca>: host smtp.example.ca[192.0.2.190] said: 530 5.7.0 Must issue a STARTTLS command first (in reply to MAIL FROM command)",
            530, "5.7.0", false, SmtpErrorCategory.TlsRequired));
        c.Add(new("gmail-530", Gmail,
            "530 5.7.0 Must issue a STARTTLS command first. d2e1a72fcca58-7b-20020a05 - gsmtp", 530, "5.7.0", false, SmtpErrorCategory.TlsRequired, "Gmail"));
        c.Add(new("rfc3207-530", "RFC 3207 §4",
            "530 Must issue a STARTTLS command first", 530, "", false, SmtpErrorCategory.TlsRequired));
        c.Add(new("exchange-451-5.7.3", Exchange + " (receive connector RequireTLS)",
            "451 5.7.3 STARTTLS is required to send mail", 451, "5.7.3", true, SmtpErrorCategory.TlsRequired, "Exchange"));
        c.Add(new("exchange-online-4.4.317", "Exchange Online message trace (hybrid mail flow), as quoted in Microsoft community troubleshooting",
            "450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=192.0.2.25:25]",
            450, "4.4.317", true, SmtpErrorCategory.TlsRequired, "Exchange"));
        c.Add(new("gmail-tls-required-rcpt-domain", Gmail,
            "421 4.7.0 TLS required for RCPT domain, closing connection.", 421, "4.7.0", true, SmtpErrorCategory.TlsRequired, "Gmail"));
        c.Add(new("gmail-4.7.29-bulk-tls", Gmail,
            "421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS connection. Gmail requires all bulk email senders to use TLS/SSL for SMTP connections.",
            421, "4.7.29", true, SmtpErrorCategory.TlsRequired, "Gmail"));
        c.Add(new("hmailserver-530", "hMailServer Source/Server/SMTP/SMTPConnection.cpp (CheckStartTlsRequired_)",
            "530 Must issue STARTTLS first.", 530, "", false, SmtpErrorCategory.TlsRequired, "hMailServer"));
        c.Add(new("dotnet-smtpexception-530", DotNet + ": SmtpMustIssueStartTlsFirst plus the server response",
            "The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.0 Must issue a STARTTLS command first",
            0, "5.7.0", false, SmtpErrorCategory.TlsRequired));

        // Protocol errors around STARTTLS.
        c.Add(new("postfix-tls-already-active", PostfixSmtpd + " (starttls_cmd)",
            "554 5.5.1 Error: TLS already active", 554, "5.5.1", false, SmtpErrorCategory.ProtocolViolation, "Postfix"));
        c.Add(new("gmail-pipelining-after-starttls", Gmail,
            "523 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS.", 523, "5.7.10", false, SmtpErrorCategory.ProtocolViolation, "Gmail"));
        c.Add(new("gmail-starttls-repeated", Gmail,
            "454 5.5.1 STARTTLS may not be repeated.", 454, "5.5.1", true, SmtpErrorCategory.ProtocolViolation, "Gmail"));
        c.Add(new("postfix-starttls-syntax", PostfixSmtpd + " (starttls_cmd)",
            "501 5.5.4 Syntax: STARTTLS", 501, "5.5.4", false, SmtpErrorCategory.ProtocolViolation));
        c.Add(new("exchange-one-starttls", Exchange,
            "503 5.5.2 Only one STARTTLS command can be issued per session", 503, "5.5.2", false, SmtpErrorCategory.ProtocolViolation, "Exchange"));
    }

    private static void AddAuthentication(List<Case> c)
    {
        c.Add(new("rfc4954-538", "RFC 4954 §6",
            "538 5.7.11 Encryption required for requested authentication mechanism", 538, "5.7.11", false, SmtpErrorCategory.EncryptionRequiredForAuthentication));
        c.Add(new("postfix-504-encryption", "Postfix src/smtpd/smtpd_sasl_proto.c (smtpd_tls_auth_only)",
            "504 5.5.4 Encryption required for requested authentication mechanism", 504, "5.5.4", false, SmtpErrorCategory.EncryptionRequiredForAuthentication, "Postfix"));
        c.Add(new("postfix-503-auth-not-enabled", "Postfix src/smtpd/smtpd_sasl_proto.c; reproduced with smtpd_tls_auth_only = yes (toolchain notes)",
            "503 5.5.1 Error: authentication not enabled", 503, "5.5.1", false, SmtpErrorCategory.EncryptionRequiredForAuthentication, "Postfix"));
        c.Add(new("rfc5248-523", "RFC 5248 / IANA registry X.7.10 'Encryption Needed'",
            "523 5.7.10 Encryption Needed", 523, "5.7.10", false, SmtpErrorCategory.EncryptionRequiredForAuthentication));
        c.Add(new("exchange-504-5.7.4", Exchange + " (AUTH LOGIN before STARTTLS)",
            "504 5.7.4 Unrecognized authentication type", 504, "5.7.4", false, SmtpErrorCategory.EncryptionRequiredForAuthentication));
        c.Add(new("exchange-require-starttls-auth", Exchange,
            "451 5.7.3 Require STARTTLS to authenticate", 451, "5.7.3", true, SmtpErrorCategory.EncryptionRequiredForAuthentication, "Exchange"));
        c.Add(new("hmailserver-auth-tls", "hMailServer Source/Server/SMTP/SMTPConnection.cpp",
            "530 A SSL/TLS-connection is required for authentication.", 530, "", false, SmtpErrorCategory.EncryptionRequiredForAuthentication, "hMailServer"));
        c.Add(new("postfix-530-before-auth", "Postfix smtp log format '(in reply to AUTH command)' with RFC 3207 §4 530",
            "Nov 29 11:00:00 mail postfix/smtp[2345]: 1A2B3C: to=<dan@example.com>, relay=mail.example.com[192.0.2.30]:587, delay=0.5, delays=0/0/0.4/0, dsn=5.7.0, status=bounced (host mail.example.com[192.0.2.30] said: 530 5.7.0 Must issue a STARTTLS command first (in reply to AUTH command))",
            530, "5.7.0", false, SmtpErrorCategory.EncryptionRequiredForAuthentication, "Postfix"));
        c.Add(new("nodemailer-538", "nodemailer smtp-server (AUTH before STARTTLS), as seen in an Ethereal transcript",
            "538 Error: Must issue a STARTTLS command first", 538, "", false, SmtpErrorCategory.EncryptionRequiredForAuthentication));
        c.Add(new("mailkit-no-auth", MailKit + ": NotSupportedException from SmtpClient.Authenticate",
            "The SMTP server does not support authentication.", 0, "", false, SmtpErrorCategory.EncryptionRequiredForAuthentication));
        c.Add(new("exim-503-auth-not-advertised", "Exim src/smtp_in.c; transcript in a public Exim setup guide",
            "503 AUTH command used when not advertised", 503, "", false, SmtpErrorCategory.EncryptionRequiredForAuthentication, "Exim"));

        c.Add(new("postfix-535", "Postfix src/xsasl/xsasl_cyrus_server.c / smtpd_sasl_glue.c",
            "535 5.7.8 Error: authentication failed: authentication failure", 535, "5.7.8", false, SmtpErrorCategory.AuthenticationFailed));
        c.Add(new("gmail-535-bad-credentials", Gmail,
            "535 5.7.8 Username and Password not accepted. For more information, go to https://support.google.com/mail/?p=BadCredentials d2e1a72fcca58-7b - gsmtp",
            535, "5.7.8", false, SmtpErrorCategory.AuthenticationFailed, "Gmail"));
        c.Add(new("exchange-online-smtp-auth-disabled", "Microsoft Learn: Enable or disable SMTP AUTH in Exchange Online",
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
            535, "5.7.139", false, SmtpErrorCategory.AuthenticationFailed, "Exchange Online"));
        c.Add(new("exchange-535-5.7.3", Exchange,
            "535 5.7.3 Authentication unsuccessful", 535, "5.7.3", false, SmtpErrorCategory.AuthenticationFailed));
        c.Add(new("rfc4954-454-temporary", "RFC 4954 §6",
            "454 4.7.0 Temporary authentication failure", 454, "4.7.0", true, SmtpErrorCategory.AuthenticationFailed));
        c.Add(new("exchange-online-5.7.57", ExchangeOnlineNdr,
            "530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully.",
            530, "5.7.57", false, SmtpErrorCategory.AuthenticationFailed, "Exchange Online"));
        c.Add(new("gmail-534-app-password", Gmail,
            "534 5.7.9 Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor",
            534, "5.7.9", false, SmtpErrorCategory.AuthenticationFailed, "Gmail"));
    }

    private static void AddCertificates(List<Case> c)
    {
        c.Add(new("postfix-handshake-failure", PostfixSmtp + " (smtp_start_tls, DSN 4.7.5)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: 9A8B7C: to=<bob@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=2.1, delays=0.1/0/2/0, dsn=4.7.5, status=deferred (Cannot start TLS: handshake failure)",
            0, "4.7.5", true, SmtpErrorCategory.TlsHandshakeFailed, "Postfix"));
        c.Add(new("postfix-cert-not-trusted", PostfixSmtp + " (smtp_start_tls, DSN 4.7.5)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: 9A8B7C: to=<bob@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=0.8, delays=0/0/0.8/0, dsn=4.7.5, status=deferred (Server certificate not trusted)",
            0, "4.7.5", true, SmtpErrorCategory.CertificateUntrusted, "Postfix"));
        c.Add(new("postfix-cert-not-verified", PostfixSmtp + " (smtp_start_tls, DSN 4.7.5)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: 9A8B7C: to=<bob@example.net>, relay=mx.example.net[192.0.2.10]:25, delay=0.8, delays=0/0/0.8/0, dsn=4.7.5, status=deferred (Server certificate not verified)",
            0, "4.7.5", true, SmtpErrorCategory.CertificateNameMismatch, "Postfix"));
        c.Add(new("postfix-untrusted-issuer", PostfixVerify + " (update_error_state)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: certificate verification failed for mx.example.net[192.0.2.10]:25: untrusted issuer /C=US/O=Example Corp/CN=Example Internal CA",
            0, "", false, SmtpErrorCategory.CertificateUntrusted, "Postfix"));
        c.Add(new("postfix-cert-expired", PostfixVerify + " (update_error_state)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: server certificate verification failed for mx.example.net[192.0.2.10]:25: certificate has expired",
            0, "", false, SmtpErrorCategory.CertificateExpired, "Postfix"));
        c.Add(new("postfix-hostname-mismatch", PostfixVerify + " (default case 'num=%d:%s' with OpenSSL X509_V_ERR_HOSTNAME_MISMATCH)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: server certificate verification failed for mx.example.net[192.0.2.10]:25: num=62:hostname mismatch",
            0, "", false, SmtpErrorCategory.CertificateNameMismatch, "Postfix"));
        c.Add(new("postfix-self-signed", PostfixVerify + " (update_error_state)",
            "Nov 29 10:20:00 mail postfix/smtp[2345]: certificate verification failed for mx.example.net[192.0.2.10]:25: self-signed certificate",
            0, "", false, SmtpErrorCategory.CertificateUntrusted, "Postfix"));
        c.Add(new("postfix-unsupported-protocol", "OpenSSL 0A000102 'unsupported protocol' logged by Postfix smtpd",
            "Nov 29 10:00:04 mail postfix/smtpd[3456]: warning: TLS library problem: error:0A000102:SSL routines::unsupported protocol:../ssl/statem/statem_srvr.c:1657:",
            0, "", false, SmtpErrorCategory.TlsVersionUnsupported, "Postfix"));
        c.Add(new("postfix-ssl-accept-error", "Postfix src/tls/tls_server.c ('SSL_accept error from %s: %d')",
            "Nov 29 10:00:04 mail postfix/smtpd[3456]: SSL_accept error from unknown[198.51.100.7]: -1",
            0, "", false, SmtpErrorCategory.TlsHandshakeFailed, "Postfix"));
        c.Add(new("dotnet-name-mismatch", DotNet + ": net_ssl_io_cert_validation with SslPolicyErrors",
            "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch",
            0, "", false, SmtpErrorCategory.CertificateNameMismatch));
        c.Add(new("dotnet-untrusted-root", DotNet + ": net_ssl_io_cert_chain_validation with X509ChainStatusFlags",
            "The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", 0, "", false, SmtpErrorCategory.CertificateUntrusted));
        c.Add(new("dotnet-not-time-valid", DotNet + ": net_ssl_io_cert_chain_validation with X509ChainStatusFlags",
            "The remote certificate is invalid because of errors in the certificate chain: NotTimeValid", 0, "", false, SmtpErrorCategory.CertificateExpired));
        c.Add(new("dotnet-alert-protocol-version", DotNet + ": net_auth_tls_alert",
            "Authentication failed because the remote party sent a TLS alert: 'ProtocolVersion'.", 0, "", false, SmtpErrorCategory.TlsVersionUnsupported));
        c.Add(new("mailkit-host-name-mismatch", MailKit + ": SslHandshakeException host name check",
            "The host name (mail.example.com) did not match the name given in the server's SSL certificate (*.hosting.example).",
            0, "", false, SmtpErrorCategory.CertificateNameMismatch));
        c.Add(new("mailkit-wrong-port", MailKit + ": SslHandshakeException for implicit TLS on a plain-text port",
            "An error occurred while attempting to establish an SSL or TLS connection.\n\nWhen connecting to an SMTP service, port 587 is typically reserved for plain-text connections. If\nyou intended to connect to SMTP on the SSL port, try connecting to port 465 instead. Otherwise,\nif you intended to use STARTTLS, make sure to use the following code:\n\nclient.Connect (\"smtp.example.com\", 587, SecureSocketOptions.StartTls);",
            0, "", false, SmtpErrorCategory.TlsHandshakeFailed));
        c.Add(new("mailkit-generic-handshake", MailKit + ": SslHandshakeException without validation details",
            "An error occurred while attempting to establish an SSL or TLS connection.\n\nThis usually means that the SSL certificate presented by the server is not trusted by the system for one or more of\nthe following reasons:\n\n1. The server is using a self-signed certificate which cannot be verified.\n2. The local system is missing a Root or Intermediate certificate needed to verify the server's certificate.\n3. A Certificate Authority CRL server for one or more of the certificates in the chain is temporarily unavailable.\n4. The certificate presented by the server is expired or invalid.\n5. The set of SSL/TLS protocols supported by the client and server do not match.\n6. You are trying to connect to a port which does not support SSL/TLS.\n\nSee https://github.com/jstedfast/MailKit/blob/master/FAQ.md#ssl-handshake-exception for possible solutions.",
            0, "", false, SmtpErrorCategory.TlsHandshakeFailed));
        c.Add(new("openssl-wrong-version", "OpenSSL 0A00010B (openssl errstr), e.g. TLS started on a STARTTLS port",
            "error:0A00010B:SSL routines::wrong version number", 0, "", false, SmtpErrorCategory.TlsHandshakeFailed));
        c.Add(new("sendmail-403-handshake", "Sendmail ruleset tls_server log line from a public mail log sample",
            "Dec  4 10:24:32 c.spam.example.net sendmail[32283]: ruleset=tls_server, arg1=SOFTWARE, relay=example-com.mail.protection.outlook.com, reject=403 4.7.0 TLS handshake failed.",
            403, "4.7.0", true, SmtpErrorCategory.TlsHandshakeFailed));
        c.Add(new("schannel-common-algorithm", "Windows SChannel SEC_E_ALGORITHM_MISMATCH message",
            "The client and server cannot communicate, because they do not possess a common algorithm.", 0, "", false, SmtpErrorCategory.TlsVersionUnsupported));
        c.Add(new("exim-tls-error-protocol-version", "Exim src/tls-openssl.c ('TLS error on connection from ... (SSL_accept)') with OpenSSL 0A00042E",
            "2024-11-29 10:00:00 TLS error on connection from mail.example.com [192.0.2.40] (SSL_accept): error:0A00042E:SSL routines::tlsv1 alert protocol version",
            0, "", false, SmtpErrorCategory.TlsVersionUnsupported));
        c.Add(new("java-pkix", "Java JSSE SSLHandshakeException (sun.security.validator)",
            "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
            0, "", false, SmtpErrorCategory.CertificateUntrusted));
        c.Add(new("go-unknown-authority", "Go crypto/x509 UnknownAuthorityError",
            "x509: certificate signed by unknown authority", 0, "", false, SmtpErrorCategory.CertificateUntrusted));
        c.Add(new("microsoft-4.7.66", "Microsoft 365 SMTP AUTH client submission (aka.ms/smtp_auth_tls); reply quoted in a Java mail sample",
            "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. [MAXPR0101CA0021.INDPRD01.PROD.OUTLOOK.COM]",
            421, "4.7.66", true, SmtpErrorCategory.TlsVersionUnsupported, "Exchange Online"));
    }

    private static void AddPolicyAndLimits(List<Case> c)
    {
        c.Add(new("exo-5.7.321", Dane,
            "Remote Server returned '550 5.7.321 starttls-not-supported: Destination mail server must support TLS to receive mail.'",
            550, "5.7.321", false, SmtpErrorCategory.TlsPolicyFailure, "Exchange Online"));
        c.Add(new("exo-4.7.322", Dane,
            "450 4.7.322 certificate-expired: Destination mail server's certificate is expired.", 450, "4.7.322", true, SmtpErrorCategory.TlsPolicyFailure, "Exchange Online"));
        c.Add(new("exo-5.7.323", Dane,
            "550 5.7.323 tlsa-invalid: The domain failed DANE validation.", 550, "5.7.323", false, SmtpErrorCategory.TlsPolicyFailure, "Exchange Online"));
        c.Add(new("exo-4.7.324", Dane,
            "450 4.7.324 dnssec-invalid: Destination domain returned invalid DNSSEC records", 450, "4.7.324", true, SmtpErrorCategory.TlsPolicyFailure, "Exchange Online"));
        c.Add(new("exo-5.7.325", ExchangeOnlineNdr,
            "550 5.7.325 certificate-host-mismatch: Remote certificate MUST have a common name or subject alternative name matching the hostname (DANE)",
            550, "5.7.325", false, SmtpErrorCategory.TlsPolicyFailure, "Exchange Online"));
        c.Add(new("exo-4.7.5-mta-sts", ExchangeOnlineNdr,
            "451 4.7.5 Remote certificate failed MTA-STS validation. Reason: RemoteCertificateChainErrors", 451, "4.7.5", true, SmtpErrorCategory.TlsPolicyFailure));
        c.Add(new("exo-4.4.8-mta-sts", ExchangeOnlineNdr,
            "451 4.4.8 MX hosts of example.com failed MTA-STS validation.", 451, "4.4.8", true, SmtpErrorCategory.TlsPolicyFailure));
        c.Add(new("rfc8689-requiretls", "RFC 8689 §5 and IANA X.7.30",
            "550 5.7.30 REQUIRETLS support required", 550, "5.7.30", false, SmtpErrorCategory.TlsPolicyFailure));

        c.Add(new("postfix-too-many-tls-sessions", PostfixSmtpd + " (smtpd_client_new_tls_session_rate_limit)",
            "421 4.7.0 mail.example.com Error: too many new TLS sessions from unknown[198.51.100.7]", 421, "4.7.0", true, SmtpErrorCategory.RateLimited, "Postfix"));
        c.Add(new("postfix-too-many-connections", PostfixSmtpd + " (anvil connection limits)",
            "421 4.7.0 mail.example.com Error: too many connections from 198.51.100.7", 421, "4.7.0", true, SmtpErrorCategory.RateLimited));
        c.Add(new("gmail-too-many-logins", Gmail,
            "454 4.7.0 Too many login attempts, please try again later. d2e1a72fcca58-7b - gsmtp", 454, "4.7.0", true, SmtpErrorCategory.RateLimited, "Gmail"));
        c.Add(new("exim-too-many-connections", "Exim src/smtp_in.c (smtp_accept_max)",
            "421 mx.example.org: Too many concurrent SMTP connections; please try again later.", 421, "", true, SmtpErrorCategory.RateLimited));
        c.Add(new("exchange-too-many-connections", Exchange,
            "421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel", 421, "4.3.2", true, SmtpErrorCategory.RateLimited));
        c.Add(new("exchange-tls-rate", Exchange,
            "454 4.7.0 Cannot accept TLS as maximum TLS rate exceeded for server", 454, "4.7.0", true, SmtpErrorCategory.RateLimited, "Exchange"));
        c.Add(new("postfix-greylisting-451", "Postfix default 'defer' reply used by greylisting policy services (RFC 6647)",
            "451 4.7.1 Service unavailable - try again later", 451, "4.7.1", true, SmtpErrorCategory.Other));
        c.Add(new("postgrey-greylisted", "Postgrey (Postfix greylisting policy server) reply",
            "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
            450, "4.2.0", true, SmtpErrorCategory.Other));
    }

    private static void AddNotTls(List<Case> c)
    {
        c.Add(new("postfix-250-queued", PostfixSmtpd,
            "250 2.0.0 Ok: queued as 4ABC123DEF", 250, "2.0.0", false, SmtpErrorCategory.Other));
        c.Add(new("postfix-220-ready-tls", PostfixSmtpd + " (starttls_cmd)",
            "220 2.0.0 Ready to start TLS", 220, "2.0.0", false, SmtpErrorCategory.Other));
        c.Add(new("postfix-550-user-unknown", "Postfix src/smtpd/smtpd_check.c",
            "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table", 550, "5.1.1", false, SmtpErrorCategory.Other));
        c.Add(new("postfix-552-size", "Postfix src/smtpd/smtpd.c / cleanup",
            "552 5.3.4 Message size exceeds fixed limit", 552, "5.3.4", false, SmtpErrorCategory.Other));
        c.Add(new("exchange-421-4.3.2", Exchange,
            "421 4.3.2 Service not available, closing transmission channel", 421, "4.3.2", true, SmtpErrorCategory.ServiceUnavailable));
        c.Add(new("postfix-554-relay", "Postfix src/smtpd/smtpd_check.c (reject_unauth_destination)",
            "554 5.7.1 <bob@example.org>: Relay access denied", 554, "5.7.1", false, SmtpErrorCategory.RelayDenied));
        c.Add(new("gmail-5.7.26-dmarc", Gmail,
            "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked.", 550, "5.7.26", false, SmtpErrorCategory.PolicyRejected));
        c.Add(new("postfix-connection-timed-out", "Postfix src/smtp/smtp_connect.c ('connect to %s: %m')",
            "Nov 29 10:30:00 mail postfix/smtp[2345]: 5E6F7A: to=<carol@example.com>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.50]:25: Connection timed out)",
            0, "4.4.1", true, SmtpErrorCategory.ServiceUnavailable, "Postfix"));
        c.Add(new("gmail-550-5.1.1", Gmail,
            "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser - gsmtp",
            550, "5.1.1", false, SmtpErrorCategory.Other, "Gmail"));
    }
}
