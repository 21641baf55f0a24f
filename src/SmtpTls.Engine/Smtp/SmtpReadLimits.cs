namespace SmtpTls.Smtp;

/// <summary>
/// The caps every SMTP byte the module reads is held to, by the probe's <see cref="SmtpReplyReader"/>
/// and by the sender's bounded stream and protocol logger alike. A hostile or broken server that
/// exceeds one ends the session with an id that says which (see <see cref="SmtpTls.Sending.SmtpSendErrorId"/>).
/// </summary>
internal static class SmtpReadLimits
{
    /// <summary>RFC 5321 (4.5.3.1.5) allows 512 octets per reply line; real servers stay far below, so 4 KiB is generous.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>A real EHLO answer has 10-20 lines.</summary>
    public const int MaxReplyLines = 200;

    /// <summary>The most bytes of one reply, all its lines together.</summary>
    public const int MaxReplyBytes = 64 * 1024;

    /// <summary>
    /// The most bytes one send session may receive from the server, TLS records included. A whole
    /// submission dialogue is a few kilobytes plus the certificate chain; this leaves room for a
    /// hundred times that.
    /// </summary>
    public const long MaxSessionBytes = 1024 * 1024;

    /// <summary>The most lines a transcript keeps; later lines are counted, not kept.</summary>
    public const int MaxTranscriptLines = 500;

    /// <summary>The most characters a transcript keeps, all lines together.</summary>
    public const int MaxTranscriptChars = 256 * 1024;

    /// <summary>
    /// How many times -TimeoutSeconds one call (one server) may take in all: a step that each time just
    /// beats its own deadline cannot stretch a call without end.
    /// </summary>
    public const int StepsPerCall = 4;
}
