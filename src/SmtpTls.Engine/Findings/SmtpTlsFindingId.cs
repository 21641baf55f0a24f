namespace SmtpTls;

/// <summary>
/// The identifiers of <see cref="SmtpTlsFinding"/>. They are plain strings so that results keep them
/// through Export-Clixml/Import-Clixml and JSON, and scripts can test <c>$r.Findings.Id -contains 'TlsNotAvailable'</c>.
/// </summary>
public static class SmtpTlsFindingId
{
    /// <summary>The server does not advertise STARTTLS.</summary>
    public const string TlsNotOffered = nameof(TlsNotOffered);

    /// <summary>STARTTLS is advertised, but the server refused it (usually 454).</summary>
    public const string TlsNotAvailable = nameof(TlsNotAvailable);

    /// <summary>The TLS handshake did not complete.</summary>
    public const string TlsHandshakeFailed = nameof(TlsHandshakeFailed);

    /// <summary>The certificate chain does not lead to a trusted root.</summary>
    public const string CertificateUntrusted = nameof(CertificateUntrusted);

    /// <summary>The certificate's validity has ended.</summary>
    public const string CertificateExpired = nameof(CertificateExpired);

    /// <summary>The certificate's validity has not begun.</summary>
    public const string CertificateNotYetValid = nameof(CertificateNotYetValid);

    /// <summary>The certificate expires within the warning period.</summary>
    public const string CertificateExpiringSoon = nameof(CertificateExpiringSoon);

    /// <summary>The certificate does not name the server.</summary>
    public const string CertificateNameMismatch = nameof(CertificateNameMismatch);

    /// <summary>No name could be checked against the certificate (an IP address was probed without -ServerName).</summary>
    public const string NameNotChecked = nameof(NameNotChecked);

    /// <summary>The server did not send the intermediate certificates needed to build the chain.</summary>
    public const string IncompleteChain = nameof(IncompleteChain);

    /// <summary>SSL 3.0, TLS 1.0 or TLS 1.1 is accepted.</summary>
    public const string LegacyProtocol = nameof(LegacyProtocol);

    /// <summary>Information: the handshake failed because the server offers only legacy protocols this machine refuses.</summary>
    public const string TlsLegacyOnly = nameof(TlsLegacyOnly);

    /// <summary>Information: no handshake completed, and the certificate was read from the server's TLS 1.0-1.2 Certificate message.</summary>
    public const string CertificateWithoutHandshake = nameof(CertificateWithoutHandshake);

    /// <summary>A weak cipher suite was negotiated or accepted.</summary>
    public const string WeakCipher = nameof(WeakCipher);

    /// <summary>The certificate's key is too short.</summary>
    public const string WeakKey = nameof(WeakKey);

    /// <summary>With -Deep: suites without forward secrecy (static RSA or ECDH key exchange) are accepted.</summary>
    public const string NoForwardSecrecy = nameof(NoForwardSecrecy);

    /// <summary>With -Deep: the client's order decides the suite, so a client that lists a weak suite first gets it (information).</summary>
    public const string NoServerCipherOrder = nameof(NoServerCipherOrder);

    /// <summary>With -Deep: the DH prime of the DHE suites has fewer than 2048 bits (Logjam).</summary>
    public const string WeakDhParameters = nameof(WeakDhParameters);

    /// <summary>With -Deep: the server does not support secure renegotiation (RFC 5746).</summary>
    public const string InsecureRenegotiation = nameof(InsecureRenegotiation);

    /// <summary>With -Deep: the server accepts TLS compression (CRIME).</summary>
    public const string TlsCompression = nameof(TlsCompression);

    /// <summary>With -Deep: a downgraded hello with TLS_FALLBACK_SCSV is not refused (RFC 7507).</summary>
    public const string NoFallbackScsv = nameof(NoFallbackScsv);

    /// <summary>With -Deep: the server does not use the extended master secret (RFC 7627; information).</summary>
    public const string NoExtendedMasterSecret = nameof(NoExtendedMasterSecret);

    /// <summary>With -Deep: the stapled OCSP response is not Good, unreadable, or past its next update.</summary>
    public const string OcspStapleProblem = nameof(OcspStapleProblem);

    /// <summary>With -Deep: no post-quantum hybrid group (X25519MLKEM768 and kin) is accepted (information).</summary>
    public const string NoPostQuantumGroup = nameof(NoPostQuantumGroup);

    /// <summary>With -Deep: a command pipelined behind STARTTLS was answered inside TLS (CVE-2011-0411 class).</summary>
    public const string StartTlsInjection = nameof(StartTlsInjection);

    /// <summary>With -Deep: STARTTLS is still advertised inside TLS (RFC 3207, 4.2).</summary>
    public const string StartTlsAfterTls = nameof(StartTlsAfterTls);

    /// <summary>AUTH is offered before TLS, so passwords can cross the network in clear text.</summary>
    public const string AuthBeforeTls = nameof(AuthBeforeTls);

    /// <summary>Mail is accepted without TLS: MAIL FROM and RCPT TO postmaster were accepted before STARTTLS (with -CheckEnforcement).</summary>
    public const string TlsNotEnforced = nameof(TlsNotEnforced);

    /// <summary>Information: MAIL FROM or RCPT TO before STARTTLS was refused because TLS is required (with -CheckEnforcement).</summary>
    public const string TlsEnforced = nameof(TlsEnforced);

    /// <summary>Information: the refusal before STARTTLS asks for authentication, which is not TLS enforcement (with -CheckEnforcement).</summary>
    public const string EnforcementAuthenticationRequired = nameof(EnforcementAuthenticationRequired);

    /// <summary>Information: RCPT TO postmaster was refused as relaying, so enforcement could not be checked (with -CheckEnforcement).</summary>
    public const string EnforcementRelayDenied = nameof(EnforcementRelayDenied);

    /// <summary>Information: refused before STARTTLS for a reason other than TLS or authentication (with -CheckEnforcement).</summary>
    public const string EnforcementRefused = nameof(EnforcementRefused);

    /// <summary>Information: the answer before STARTTLS did not tell whether TLS is enforced (temporary refusal, odd reply).</summary>
    public const string EnforcementUnknown = nameof(EnforcementUnknown);

    /// <summary>The port speaks the other TLS mode (implicit TLS instead of STARTTLS or the reverse).</summary>
    public const string PortMismatch = nameof(PortMismatch);

    /// <summary>The peer does not speak SMTP (garbage, HTTP, oversized replies).</summary>
    public const string NotSmtp = nameof(NotSmtp);

    /// <summary>The connection could not be made, was refused, closed or rejected with 421/554.</summary>
    public const string ConnectionFailed = nameof(ConnectionFailed);

    /// <summary>A step did not complete within the timeout, or the whole check not within its deadline (4 x the timeout).</summary>
    public const string Timeout = nameof(Timeout);

    /// <summary>The server sent data after "220 Ready to start TLS" and before the handshake (discarded; RFC 3207 4.2).</summary>
    public const string DataAfterStartTls = nameof(DataAfterStartTls);

    /// <summary>The input could not be used (unparsable server, name not resolvable).</summary>
    public const string InvalidTarget = nameof(InvalidTarget);

    /// <summary>With -Domain: the domain does not exist (NXDOMAIN).</summary>
    public const string DomainNotFound = nameof(DomainNotFound);

    /// <summary>With -Domain: the domain publishes a null MX (RFC 7505): it accepts no mail (information).</summary>
    public const string DomainNullMx = nameof(DomainNullMx);

    /// <summary>With -Domain: the domain has neither MX records nor an address of its own to fall back to.</summary>
    public const string DomainNoMailHosts = nameof(DomainNoMailHosts);

    /// <summary>With -Domain: an MX host has no address (of the requested family), so it cannot be checked.</summary>
    public const string MxNoAddress = nameof(MxNoAddress);

    /// <summary>With -Domain: the DNS lookup failed (SERVFAIL, REFUSED, timeout, network error).</summary>
    public const string DnsFailure = nameof(DnsFailure);

    /// <summary>
    /// The server refused the check with a rate limit ("421 4.7.0 Error: too many connections from ..."): the
    /// status is Throttled, not Failed, since nothing was learnt about its TLS.
    /// </summary>
    public const string Throttled = nameof(Throttled);
}
