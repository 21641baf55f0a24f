namespace SmtpTls.Replies;

/// <summary>
/// The refinements of a failure id that <see cref="SmtpFailure"/> and the knowledge's <c>failure="Id/Detail"</c>
/// keys use besides the names of the steps (<c>Probe.Step.*</c>, <c>Send.Step.*</c> without their prefix) and
/// of the certificate chain statuses (<see cref="System.Security.Cryptography.X509Certificates.X509ChainStatusFlags"/>).
/// </summary>
internal static class FailureDetail
{
    /// <summary>PortMismatch: a STARTTLS client met a port that expects implicit TLS.</summary>
    public const string Implicit = nameof(Implicit);

    /// <summary>PortMismatch: an implicit-TLS client met a port that greets in plaintext and expects STARTTLS.</summary>
    public const string StartTls = nameof(StartTls);

    /// <summary>TlsHandshakeFailed: the server answered the ClientHello with alert internal_error.</summary>
    public const string ServerAlert = nameof(ServerAlert);

    /// <summary>TlsHandshakeFailed: the server agreed to TLS and closed the connection before its ServerHello.</summary>
    public const string ServerClosed = nameof(ServerClosed);

    /// <summary>Timeout: a STARTTLS client got no greeting at all (the port may expect implicit TLS).</summary>
    public const string NoGreeting = nameof(NoGreeting);

    /// <summary>InsecureAuthenticationRefused: the session is encrypted, but to a server whose certificate was not verified.</summary>
    public const string Unverified = nameof(Unverified);

    /// <summary>The refinement for a step's text key (<c>Probe.Step.Handshake</c>: <c>Handshake</c>).</summary>
    /// <param name="stepKey">The step's key in <c>Localization/Texts.*.xml</c>.</param>
    /// <returns>The part after the last dot.</returns>
    public static string Step(string stepKey) => stepKey.Substring(stepKey.LastIndexOf('.') + 1);
}
