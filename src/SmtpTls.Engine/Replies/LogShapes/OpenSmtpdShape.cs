using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// OpenSMTPD log lines (usr.sbin/smtpd/smtp_session.c: <c>0123456789abcdef smtp failed-command command="…"
/// result="530 5.5.1 Invalid command: Must issue a STARTTLS command first"</c>, <c>smtp disconnected
/// reason=…</c>; mta.c mta_log: <c>… mta delivery evpid=… from=&lt;…&gt; to=&lt;…&gt; rcpt=&lt;-&gt;
/// source="addr" relay="host [addr]" delay=… result="TempFail" stat="…"</c>; mta_session.c <c>mta error reason=…</c>).
/// </summary>
internal sealed class OpenSmtpdShape : LogShape
{
    // Session and envelope ids: 16 hex digits ("%016"PRIx64).
    private static readonly Regex Ids = new(@"\b(?:evpid=)?[0-9a-f]{16}\b|\b(?:delay|msgid|size|ndest|nrcpt|fingerprint)=""?[^\s""]*""?", Options, Timeout);

    private static readonly Regex Result = new(@"\bresult=""(?<s>Ok|TempFail|PermFail|Loop)""", Options, Timeout);

    // relay="mx.example.net [192.0.2.10]" (mta_log, relay name and address).
    private static readonly Regex Host = new(@"\brelay=""(?<h>[\w.-]+) \[(?<ip>[^\]\s]+)\]""", Options, Timeout);

    protected override string[] Markers { get; } = { "smtpd[", "evpid=", "smtp-out", " mta ", " smtp ", "relay=\"" };

    public override void Mask(string text, char[] masked)
    {
        Blank(Ids, text, masked);
    }

    public override void ReadContext(string text, ParsedInput parsed)
    {
        var result = Result.Match(text);
        if (result.Success)
        {
            var s = result.Groups["s"].Value;
            SetStatus(parsed, s == "Ok" ? "sent" : s == "TempFail" ? "deferred" : "bounced");
        }

        SetHost(Host.Match(text), parsed);
    }
}
