using System;
using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>
/// How client libraries and localized client messages wrap a server reply, for <see cref="ReplyParser"/>:
/// shapes that the SMTP and log-line patterns do not cover because a library puts punctuation between
/// the basic and the enhanced code, or the text around the reply is not English.
/// </summary>
/// <remarks>
/// Parsing only, no knowledge: what the reply means is decided by the rules. Every pattern starts with a
/// literal or a bounded class, is compiled once and runs with a timeout.
/// </remarks>
internal static class ClientReplyShapes
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture;

    // The basic code followed by ", " or ": " and then the enhanced code:
    // CPython smtplib "SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted.')" (Lib/smtplib.py: the
    // exception's args are (code, resp)); MailKit "AuthenticationException: 535: 5.7.8 Error: authentication failed"
    // (MailKit builds "{code}: {response}").
    private static readonly Regex CodeThenEnhanced = new(@"(?:[(""']|:\s|^)(?<code>[2-5][0-5][0-9])(?:,\s*b?['""]|:\s+)(?<text>[245]\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9])[^\n]*)", Options | RegexOptions.Multiline, Timeout);

    // The enhanced code after a localized "the server response was:" of System.Net.Mail's MailServerResponse resource
    // (.NET Framework de-DE: "Die Serverantwort war: {0}", later "Die Serverantwort lautete: {0}"), also in German quotes.
    private static readonly Regex LocalizedServerResponse = new(@"\bServerantwort (?:war|lautete)\s*:\s*[„""'»«]?(?<esc>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9]|\.[0-9])", Options | RegexOptions.IgnoreCase, Timeout);

    /// <summary>
    /// Finds a reply of the form "(535, b'5.7.8 ...')" or "535: 5.7.8 ..." in <paramref name="text"/>;
    /// returns the basic code and the text from the enhanced code on, or false.
    /// </summary>
    public static bool TryFindCodeThenEnhanced(string text, out int code, out int index, out string rest)
    {
        var match = CodeThenEnhanced.Match(text);
        if (!match.Success)
        {
            code = 0;
            index = -1;
            rest = string.Empty;
            return false;
        }

        code = int.Parse(match.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture);
        index = match.Groups["code"].Index;
        rest = match.Groups["text"].Value;
        return true;
    }

    /// <summary>The enhanced code after a localized "server response was:", or an empty string.</summary>
    public static string FindLocalizedEnhanced(string text)
    {
        var match = LocalizedServerResponse.Match(text);
        return match.Success ? match.Groups["esc"].Value : string.Empty;
    }
}
