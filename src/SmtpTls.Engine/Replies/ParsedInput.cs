using System.Collections.Generic;

namespace SmtpTls.Replies;

/// <summary>
/// What <see cref="ReplyParser"/> found in one input: the reply (codes and text), the log-line
/// context (delivery status, remote host) and the parser's doubts. Input to the knowledge rules.
/// </summary>
internal sealed class ParsedInput
{
    private string? _matchText;

    /// <summary>The input after capping and normalizing line ends and control characters.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>
    /// The text the knowledge rules look at: <see cref="Text"/>, plus the joined <see cref="ReplyText"/> when a
    /// multi-line reply was joined, so that a phrase split across continuation lines still matches.
    /// </summary>
    public string MatchText
    {
        get => _matchText ?? Text;
        set => _matchText = value;
    }

    /// <summary>The capped original input, for <see cref="SmtpErrorResolution.Input"/>.</summary>
    public string Original { get; set; } = string.Empty;

    /// <summary>The basic reply code, 0 when none.</summary>
    public int ReplyCode { get; set; }

    /// <summary>The enhanced status code text (e.g. 4.7.0), empty when none.</summary>
    public string Enhanced { get; set; } = string.Empty;

    /// <summary>The enhanced code's class digit (2, 4 or 5), 0 when none.</summary>
    public int EnhancedClass { get; set; }

    /// <summary>The enhanced code's subject, -1 when none.</summary>
    public int EnhancedSubject { get; set; } = -1;

    /// <summary>The enhanced code's detail, -1 when none.</summary>
    public int EnhancedDetail { get; set; } = -1;

    /// <summary>Where the enhanced code came from: the reply itself or a log field (dsn=, status:).</summary>
    public bool EnhancedFromReply { get; set; }

    /// <summary>The reply text after the codes (continuation lines joined), or the message text found.</summary>
    public string ReplyText { get; set; } = string.Empty;

    /// <summary>The delivery status a log line reports, lower case (deferred, bounced, sent, expired), else empty.</summary>
    public string LogStatus { get; set; } = string.Empty;

    /// <summary>The remote host named by a log line, else empty.</summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>The remote port named by a log line, else 0.</summary>
    public int Port { get; set; }

    /// <summary>Parser doubts as (text key, arguments) for localized warnings.</summary>
    public List<KeyValuePair<string, object[]>> Notes { get; } = new();
}
