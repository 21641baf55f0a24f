namespace SmtpTls.Sending;

/// <summary>One decision of <see cref="SendPolicy"/>: the action, and for a refusal or warning which one.</summary>
public sealed class PolicyDecision
{
    private PolicyDecision(SendAction action, SmtpSendErrorId? errorId, string? warningKey)
    {
        Action = action;
        ErrorId = errorId;
        WarningKey = warningKey;
    }

    /// <summary>Go on without comment.</summary>
    public static PolicyDecision Proceed { get; } = new(SendAction.Proceed, null, null);

    /// <summary>What to do.</summary>
    public SendAction Action { get; }

    /// <summary>For <see cref="SendAction.Refuse"/>: the <see cref="SmtpSendErrorId"/> that names the cause.</summary>
    public SmtpSendErrorId? ErrorId { get; }

    /// <summary>For <see cref="SendAction.ProceedWithWarning"/> and <see cref="SendAction.RetryWithoutTls"/>: the localized text key of the warning (null: warned before).</summary>
    public string? WarningKey { get; }

    /// <summary>Whether the attempt may go on (possibly with a warning).</summary>
    public bool Allows => Action is SendAction.Proceed or SendAction.ProceedWithWarning;

    /// <summary>Go on, with the warning <paramref name="warningKey"/> (null: no new warning).</summary>
    public static PolicyDecision WithWarning(string? warningKey) => new(SendAction.ProceedWithWarning, null, warningKey);

    /// <summary>Retry without TLS, with the warning <paramref name="warningKey"/>.</summary>
    public static PolicyDecision Retry(string warningKey) => new(SendAction.RetryWithoutTls, null, warningKey);

    /// <summary>Stop, for the reason <paramref name="errorId"/>.</summary>
    public static PolicyDecision Refuse(SmtpSendErrorId errorId) => new(SendAction.Refuse, errorId, null);

    /// <inheritdoc />
    public override string ToString() => Action + (ErrorId is null ? string.Empty : " " + ErrorId) + (WarningKey is null ? string.Empty : " (" + WarningKey + ")");
}
