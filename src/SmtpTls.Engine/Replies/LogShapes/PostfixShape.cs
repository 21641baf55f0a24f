using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// Postfix log lines (src/global/log_adhoc.c: <c>queueid: to=&lt;…&gt;, relay=host[addr]:port, delay=…,
/// delays=a/b/c/d, dsn=x.y.z, status=deferred (text)</c>; src/smtp/smtp_proto.c: <c>host X[addr] said: …
/// (in reply to … command)</c>; src/tls/tls_verify.c: <c>certificate verification failed for X[addr]:port</c>).
/// </summary>
internal sealed class PostfixShape : LogShape
{
    // A queue id right after the syslog prefix (src/global/mail_queue.c): short ids are upper-case hex, long ids
    // (enable_long_queue_ids) use digits and consonants only; NOQUEUE for a rejected RCPT.
    private static readonly Regex QueueId = new(@"(?m)(?<=\]: |^)(?<f>[0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}|NOQUEUE): (?=[a-zA-Z])", Options, Timeout);

    // Numeric fields of log_adhoc.c and qmgr: their values are never reply codes.
    private static readonly Regex Fields = new(@"\b(?:size|nrcpt|delay|delays|conn_use|port|uid|ehlo|sasl_method|orig_to|proto)=[^,\s]*", Options, Timeout);

    private static readonly Regex Status = new(@"\bstatus=(?<s>sent|deferred|bounced|expired|undeliverable|deliverable|softbounce)\b", Options | RegexOptions.IgnoreCase, Timeout);

    // "host mx.example.net[192.0.2.10] said", "refused to start TLS", "was not offered by host ..."
    private static readonly Regex Host = new(@"\bhost (?<h>[\w.-]+)\[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout);

    // "relay=mx[ip]:25", "verification failed for mx[ip]:25", "SSL_connect error to mx[ip]:465", "connect to mx[ip]:25"
    private static readonly Regex Relay = new(@"\b(?:relay=|for |to )(?<h>[\w.-]+)\[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout);

    // The port of relay= when "host X[ip] said" matched first without one.
    private static readonly Regex RelayPort = new(@"\brelay=[\w.-]+\[[^\]\s]+\]:(?<p>[0-9]{1,5})\b", Options, Timeout);

    protected override string[] Markers { get; } = { "postfix", "status=", "relay=", "NOQUEUE", "delay=", "said:", "host ", "for ", "to " };

    public override void Mask(string text, char[] masked)
    {
        Blank(QueueId, text, masked);
        Blank(Fields, text, masked);
    }

    public override void ReadContext(string text, ParsedInput parsed)
    {
        var status = Status.Match(text);
        if (status.Success)
        {
            SetStatus(parsed, status.Groups["s"].Value.ToLowerInvariant());
        }

        if (SetHost(Host.Match(text), parsed) || SetHost(Relay.Match(text), parsed))
        {
            if (parsed.Port == 0)
            {
                var relay = RelayPort.Match(text);
                if (relay.Success && TryPort(relay.Groups["p"].Value, out var port))
                {
                    parsed.Port = port;
                }
            }
        }
    }
}
