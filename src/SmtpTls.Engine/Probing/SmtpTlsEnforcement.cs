namespace SmtpTls;

/// <summary>
/// What the server answered when asked, before STARTTLS, to take mail as a sender would ask
/// (MAIL FROM, then RCPT TO the postmaster of the checked domain). <see cref="SmtpTlsResult.Enforcement"/>
/// holds the member's name.
/// </summary>
public enum SmtpTlsEnforcement
{
    /// <summary>Both MAIL FROM and RCPT TO were accepted: the server takes mail without TLS.</summary>
    NotEnforced,

    /// <summary>MAIL FROM or RCPT TO was refused because TLS is required (530 5.7.0, "STARTTLS required").</summary>
    TlsRequired,

    /// <summary>Refused because the client has not authenticated (530 5.7.0 Authentication required): not TLS enforcement.</summary>
    AuthenticationRequired,

    /// <summary>RCPT TO was refused as relaying: the server does not take mail for the domain asked, so TLS enforcement is unknown.</summary>
    RelayDenied,

    /// <summary>Refused permanently for a reason that is neither TLS nor authentication (a policy, the sender, the recipient).</summary>
    RefusedOtherReason,

    /// <summary>The answer did not tell: a temporary refusal (greylisting, 4xx) or a reply the check cannot interpret.</summary>
    Unknown,
}
