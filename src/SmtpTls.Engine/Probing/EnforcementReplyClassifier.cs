using System.Globalization;
using System.Text.RegularExpressions;
using SmtpTls.Replies;
using SmtpTls.Smtp;

namespace SmtpTls.Probing;

/// <summary>
/// Says what a refusal of MAIL FROM or RCPT TO before STARTTLS means, from the reply knowledge first
/// and, where the knowledge has no rule (Exim and OpenSMTPD ACL texts are written by the admin, e.g.
/// "550 STARTTLS required"), from the words of the reply.
/// </summary>
internal static class EnforcementReplyClassifier
{
    private static readonly System.TimeSpan MatchTimeout = System.TimeSpan.FromMilliseconds(250);

    // Admin-written ACL texts: what they are about, by the words they use. Checked in this order.
    private static readonly Regex TlsWords = new(@"\b(?:STARTTLS|TLS|SSL|encrypt(?:ion|ed)?|secure connection)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    private static readonly Regex AuthWords = new(@"\b(?:auth(?:entication|enticate|enticated)?|log ?in|SASL)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    private static readonly Regex RelayWords = new(@"\brelay(?:ing)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>The meaning of a negative reply to MAIL FROM or RCPT TO sent before STARTTLS.</summary>
    public static SmtpTlsEnforcement Classify(SmtpReply reply)
    {
        if (reply.IsPositive)
        {
            return SmtpTlsEnforcement.NotEnforced;
        }

        var text = reply.Text;
        var resolution = ResolutionLookup.Resolve(text, null, CultureInfo.InvariantCulture);
        if (resolution is not null && resolution.Confidence != SmtpResolutionConfidence.Low)
        {
            switch (resolution.Category)
            {
                case SmtpErrorCategory.TlsRequired:
                case SmtpErrorCategory.EncryptionRequiredForAuthentication:
                    return SmtpTlsEnforcement.TlsRequired;
                case SmtpErrorCategory.AuthenticationFailed:
                    return SmtpTlsEnforcement.AuthenticationRequired;
                case SmtpErrorCategory.RelayDenied:
                    return SmtpTlsEnforcement.RelayDenied;
                case SmtpErrorCategory.PolicyRejected when reply.Code is >= 500 and < 600:
                    return SmtpTlsEnforcement.RefusedOtherReason;
            }
        }

        try
        {
            if (TlsWords.IsMatch(text))
            {
                return SmtpTlsEnforcement.TlsRequired;
            }

            if (AuthWords.IsMatch(text))
            {
                return SmtpTlsEnforcement.AuthenticationRequired;
            }

            if (RelayWords.IsMatch(text))
            {
                return SmtpTlsEnforcement.RelayDenied;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return SmtpTlsEnforcement.Unknown;
        }

        // A temporary refusal (greylisting, a busy server) says nothing about TLS; nor does a reply that is no refusal.
        return reply.Code is >= 500 and < 600 ? SmtpTlsEnforcement.RefusedOtherReason : SmtpTlsEnforcement.Unknown;
    }
}
