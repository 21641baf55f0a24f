using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// What every log line may start with: a syslog or journal prefix (timestamp, host, process name and
/// process id), an ISO 8601 or Exim main-log timestamp, Windows-style dates and times.
/// </summary>
internal sealed class SyslogShape : LogShape
{
    // RFC 3164 prefix "Dec  7 05:14:28 mail postfix/smtp[2345]: " (optionally "<22>" first), the
    // RFC 5424/ISO form "2026-12-07T05:14:28.123456+01:00 mail postfix/smtp[2345]: ".
    private static readonly Regex Prefix = new(
        @"(?m)^(?:<[0-9]{1,3}>(?:1 )?)?(?:[A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?) [^\s:]{1,255} [^\s:\[]{1,255}(?:\[[0-9]{1,10}\])?: ",
        Options, Timeout);

    // Any date and time of day: "2026-12-07 05:14:28.123 +0100", "05:14:28", "12/7/2026 5:14:28 AM".
    private static readonly Regex DateTime = new(
        @"\b[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|\s?[+-][0-9]{2}:?[0-9]{2}\b)?)?|\b[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\b|\b[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?\b",
        Options, Timeout);

    // A process id after a process name: "smtpd[421]", "exim[12]", "(pid 4711)".
    private static readonly Regex ProcessId = new(@"(?<=[\w)])\[[0-9]{1,10}\]|\bpid[ =][0-9]{1,10}\b", Options | RegexOptions.IgnoreCase, Timeout);

    public override void Mask(string text, char[] masked)
    {
        Blank(Prefix, text, masked);
        Blank(DateTime, text, masked);
        Blank(ProcessId, text, masked);
    }
}
