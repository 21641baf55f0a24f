using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// Sendmail log lines (sendmail/deliver.c logdelivery: <c>qid: to=&lt;…&gt;, delay=…, xdelay=…, mailer=esmtp,
/// pri=…, relay=host. [addr], dsn=…, stat=…</c>; sendmail/tls.c and srvrsmtp.c: <c>STARTTLS=client,
/// relay=…, version=TLSv1.3, verify=FAIL, cipher=…, bits=256/256</c>; <c>ruleset=tls_server, arg1=SOFTWARE,
/// relay=…, reject=403 4.7.0 TLS handshake failed.</c>).
/// </summary>
internal sealed class SendmailShape : LogShape
{
    // Queue ids "4B7LEl2S012345" (14 characters) right after the prefix.
    private static readonly Regex QueueId = new(@"(?m)(?<=\]: |^)(?<f>[0-9A-Za-z]{12,14}): ", Options, Timeout);

    private static readonly Regex Fields = new(@"\b(?:delay|xdelay|pri|nrcpts|size|bits|cipher|version|msgid|ctladdr|daemon|class|bodytype|proto|tls_verify|mailer|alg_bits|cert-subject|cert-issuer)=[^,\s]*", Options, Timeout);

    private static readonly Regex Stat = new(@"\bstat=(?<s>[a-z][a-z ]{0,40})", Options | RegexOptions.IgnoreCase, Timeout);

    // "relay=mx.example.net. [192.0.2.10]", "relay=mx.example.net" without address.
    private static readonly Regex Host = new(@"\brelay=(?<h>[\w-]+(?:\.[\w-]+)+)\.? \[(?<ip>[^\]\s]+)\]", Options, Timeout);
    private static readonly Regex HostOnly = new(@"\brelay=(?<h>[\w-]+(?:\.[\w-]+)+)\.?(?=[,\s]|$)", Options, Timeout);

    protected override string[] Markers { get; } = { "stat=", "STARTTLS=", "ruleset=", "sendmail", "sm-mta", "mailer=", "relay=" };

    public override void Mask(string text, char[] masked)
    {
        Blank(QueueId, text, masked);
        Blank(Fields, text, masked);
    }

    public override void ReadContext(string text, ParsedInput parsed)
    {
        var stat = Stat.Match(text);
        if (stat.Success)
        {
            var value = stat.Groups["s"].Value.Trim().ToLowerInvariant();
            SetStatus(parsed, value.StartsWith("sent", System.StringComparison.Ordinal) ? "sent"
                : value.StartsWith("deferred", System.StringComparison.Ordinal) ? "deferred"
                : value.StartsWith("queued", System.StringComparison.Ordinal) ? "queued"
                : "bounced");
        }

        if (!SetHost(Host.Match(text), parsed))
        {
            SetHost(HostOnly.Match(text), parsed);
        }
    }
}
