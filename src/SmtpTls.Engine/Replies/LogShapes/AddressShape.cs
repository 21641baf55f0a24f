using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// Network addresses in any log line: IPv4, IPv6 (bare, bracketed, or Postfix's <c>[IPv6:…]</c>), each
/// with an optional port; their digits are never a reply code (Exim's <c>[2001:db8::311]</c>).
/// </summary>
internal sealed class AddressShape : LogShape
{
    private static readonly Regex Bracketed = new(@"\[(?:IPv6:)?[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*\](?:[:.][0-9]{1,5}\b)?", Options | RegexOptions.IgnoreCase, Timeout);

    private static readonly Regex IPv4 = new(@"(?<![\w.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![\w.])(?:[:.][0-9]{1,5}\b)?", Options, Timeout);

    // Two or more colon-separated hex groups ("2001:db8::311", "fe80::1"); a time of day is masked anyway.
    // It starts with a hex group or "::", so that the ":587:" of "[addr]:587: 535 ..." is not taken for one.
    private static readonly Regex IPv6 = new(@"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}|::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})(?:\.[0-9]{1,3}){0,3}(?![\w:])", Options, Timeout);

    // "port 25", "port=465", "host:587" after a name.
    private static readonly Regex Port = new(@"\bport[ =:]+[0-9]{1,5}\b|(?<=[A-Za-z0-9-]\.[A-Za-z]{2,63}):[0-9]{1,5}\b", Options | RegexOptions.IgnoreCase, Timeout);

    public override void Mask(string text, char[] masked)
    {
        Blank(Bracketed, text, masked);
        Blank(IPv4, text, masked);
        Blank(IPv6, text, masked);
        Blank(Port, text, masked);
    }
}
