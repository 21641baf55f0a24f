namespace SmtpTls.Replies;

/// <summary>A remediation step of the knowledge file: who, what (localized) and an optional command template.</summary>
internal sealed class KnowledgeStep
{
    public KnowledgeStep(string id, SmtpRemediationAudience audience, string command, KnowledgeText text)
    {
        Id = id;
        Audience = audience;
        Command = command;
        Text = text;
    }

    /// <summary>The step's identifier, e.g. <c>Admin.CheckCertificateAndKey</c>.</summary>
    public string Id { get; }

    /// <summary>Who can carry it out.</summary>
    public SmtpRemediationAudience Audience { get; }

    /// <summary>A command template with placeholders <c>{server}</c> and <c>{port:default}</c>, or empty.</summary>
    public string Command { get; }

    /// <summary>The action text.</summary>
    public KnowledgeText Text { get; }
}
