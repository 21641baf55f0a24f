using System;
using System.Globalization;
using SmtpTls.Localization;

namespace SmtpTls.Smtp;

/// <summary>The peer sent something that is not an SMTP reply (garbage, HTTP, an oversized line or reply).</summary>
internal sealed class SmtpProtocolException : Exception
{
    /// <param name="reasonKey">The text key of the reason (<c>Probe.NotSmtp.*</c>); {0} is <paramref name="limit"/>, {1} the excerpt.</param>
    /// <param name="limit">The limit that was exceeded, if any.</param>
    /// <param name="received">A printable excerpt of what was received.</param>
    public SmtpProtocolException(string reasonKey, int limit, string? received)
        : base(LocalizedText.Format(reasonKey, CultureInfo.InvariantCulture, limit, received))
    {
        ReasonKey = reasonKey;
        Limit = limit;
        Received = received;
    }

    /// <summary>The text key of the reason, so the message can be given again in the user's language.</summary>
    public string ReasonKey { get; }

    /// <summary>The limit that was exceeded, if any (as the reason text names it).</summary>
    public int Limit { get; }

    /// <summary>The reason in <paramref name="culture"/>.</summary>
    public string Describe(CultureInfo culture) => LocalizedText.Format(ReasonKey, culture, Limit, Received);

    /// <summary>A printable excerpt of what was received, for the finding.</summary>
    public string? Received { get; }
}
