using System;
using Newtonsoft.Json;

namespace SmtpTls;

/// <summary>
/// What an SMTP reply, a mail-log line or a client error means and what to do about it: the
/// output of <c>Resolve-SmtpError</c> and of <see cref="Replies.SmtpErrorResolver"/>, also attached
/// to the results and error records of the other cmdlets.
/// </summary>
/// <remarks>
/// Only plain properties (strings, numbers, booleans, enums and arrays of
/// <see cref="SmtpRemediationStep"/>), so the object survives ConvertTo-Json and
/// Export-Clixml/Import-Clixml. Text fields are in the language named by <see cref="Culture"/>;
/// codes, <see cref="Category"/>, <see cref="RuleId"/> and the steps' <see cref="SmtpRemediationStep.Id"/>
/// are language-independent, for scripts.
/// </remarks>
[Serializable]
public sealed class SmtpErrorResolution
{
    /// <summary>The text that was resolved (capped at <see cref="Replies.SmtpErrorResolver.MaxInputChars"/> characters).</summary>
    public string Input { get; set; } = string.Empty;

    /// <summary>The basic reply code (RFC 5321 §4.2), 0 when the input has none.</summary>
    public int ReplyCode { get; set; }

    /// <summary>
    /// The enhanced status code (RFC 3463), e.g. <c>4.7.0</c>: from the reply when it has one,
    /// else from a log line's <c>dsn=</c> or status field; empty when neither.
    /// </summary>
    public string EnhancedStatusCode { get; set; } = string.Empty;

    /// <summary>The reply's text after the codes, continuation lines joined with a space; for input without a reply, the message text found.</summary>
    public string ReplyText { get; set; } = string.Empty;

    /// <summary>The reply class: from the basic code, else from the enhanced code's class.</summary>
    public SmtpReplyClass Class { get; set; }

    /// <summary>
    /// Whether retrying later can help. Follows the basic reply code when there is one (4yz: true),
    /// else the enhanced code's class, else the log line's status (deferred: true), else false.
    /// </summary>
    public bool IsTransient { get; set; }

    /// <summary>What kind of problem this is.</summary>
    public SmtpErrorCategory Category { get; set; } = SmtpErrorCategory.Other;

    /// <summary>A one-sentence explanation in the resolution's language.</summary>
    public string Summary { get; set; } = string.Empty;

    /// <summary>The registered meaning of the enhanced status code (RFC 3463 and the IANA registry), localized; empty when unknown.</summary>
    public string EnhancedStatusDescription { get; set; } = string.Empty;

    /// <summary>The mail server software the text gives away (Postfix, Exim, Sendmail, Exchange Online, Gmail, ...), else empty.</summary>
    public string ServerSoftware { get; set; } = string.Empty;

    /// <summary>The remote host a log line names (e.g. from <c>host mx.example.net[192.0.2.10] said</c>), else empty.</summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>The remote port a log line names (e.g. <c>relay=mx.example.net[192.0.2.10]:587</c>), else 0.</summary>
    public int Port { get; set; }

    /// <summary>The delivery status a log line reports (e.g. <c>deferred</c>, <c>bounced</c>, <c>sent</c>), else empty.</summary>
    public string LogStatus { get; set; } = string.Empty;

    /// <summary>Likely causes, most likely first, localized.</summary>
    public ReadableList<string> Causes { get; set; } = new();

    /// <summary>What to do, for senders, administrators and developers.</summary>
    /// <remarks>Left out of JSON when the resolution is inside another object (a result's <c>Resolution</c>), to keep that JSON shallow; see README "JSON shape".</remarks>
    [JsonIgnore]
    public ReadableList<SmtpRemediationStep> Remediation { get; set; } = new();

    /// <summary>Standards and documents behind the explanation, e.g. "RFC 3207 §4", "RFC 3463 §3.8".</summary>
    public ReadableList<string> References { get; set; } = new();

    /// <summary>Doubts about the input: codes whose classes disagree, misused codes, truncated input.</summary>
    public ReadableList<string> Warnings { get; set; } = new();

    /// <summary>How sure the resolver is about <see cref="Category"/>.</summary>
    public SmtpResolutionConfidence Confidence { get; set; } = SmtpResolutionConfidence.Low;

    /// <summary>The identifier of the knowledge rule that matched (e.g. <c>starttls.454.postfix</c>), empty when none did.</summary>
    public string RuleId { get; set; } = string.Empty;

    /// <summary>The culture the text fields are written in (e.g. <c>de-DE</c>; <c>en</c> when the requested language is not shipped).</summary>
    public string Culture { get; set; } = string.Empty;

    /// <summary>Returns a short description: codes, category and summary.</summary>
    public override string ToString()
    {
        var codes = ReplyCode > 0 ? ReplyCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        if (EnhancedStatusCode.Length > 0)
        {
            codes = codes.Length > 0 ? codes + " " + EnhancedStatusCode : EnhancedStatusCode;
        }

        return (codes.Length > 0 ? codes + " " : string.Empty) + Category + ": " + Summary;
    }
}
