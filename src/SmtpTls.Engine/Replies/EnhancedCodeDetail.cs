namespace SmtpTls.Replies;

/// <summary>
/// The registered meaning of one enhanced status code detail ("subject.detail", e.g. <c>7.3</c>) from
/// <c>Knowledge/EnhancedStatusCodes.xml</c>, with its source and an optional warning that is added
/// whenever the code is seen (for codes that servers commonly use for something else).
/// </summary>
internal sealed class EnhancedCodeDetail
{
    /// <summary>One entry of EnhancedStatusCodes.xml.</summary>
    /// <param name="text">The meaning, in English and German.</param>
    /// <param name="source">Where the meaning is defined (RFC 3463, the IANA registry).</param>
    /// <param name="warning">The key of a warning to add whenever the code is seen, or empty.</param>
    public EnhancedCodeDetail(KnowledgeText text, string source, string warning)
    {
        Text = text;
        Source = source;
        Warning = warning;
    }

    /// <summary>The meaning, localized.</summary>
    public KnowledgeText Text { get; }

    /// <summary>Where the meaning is defined, e.g. "RFC 3463 §3.8".</summary>
    public string Source { get; }

    /// <summary>A runtime text key (Texts.*.xml) to add as a warning, or empty.</summary>
    public string Warning { get; }
}
