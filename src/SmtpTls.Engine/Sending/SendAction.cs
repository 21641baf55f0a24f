namespace SmtpTls.Sending;

/// <summary>What the send policy says to do next.</summary>
public enum SendAction
{
    /// <summary>Go on (encrypted, or with a check passed).</summary>
    Proceed,

    /// <summary>Go on although the session is not encrypted or the certificate not valid; a warning says so.</summary>
    ProceedWithWarning,

    /// <summary>Close this connection and send on a new one without STARTTLS (Opportunistic after a refused STARTTLS); a warning says so.</summary>
    RetryWithoutTls,

    /// <summary>Send nothing more: close the session with QUIT and report <see cref="PolicyDecision.ErrorId"/>.</summary>
    Refuse,
}
