using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// Exim main-log lines (src/deliver.c: <c>id == addr R=router T=transport defer (errno): … H=host [addr]:port
/// X=cipher CV=yes DN="…": message</c>, <c>**</c> for bounces, <c>=&gt;</c>/<c>-&gt;</c> for deliveries;
/// src/receive.c <c>&lt;=</c> arrivals; src/smtp_in.c and tls-*.c <c>TLS error on connection …</c>).
/// </summary>
internal sealed class EximShape : LogShape
{
    // Message ids: new style 1tGxyz-000ABC-12 (4.97+, 6-11-4) and old 1tGxyz-000ABC-1A (6-6-2).
    private static readonly Regex MessageId = new(@"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}\b", Options, Timeout);

    // Log fields whose values are never the reply (src/deliver.c d_log_interface/d_hostlog/d_tlslog, src/receive.c):
    // X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="CN=mx" SNI=mx S=1234 id=… T="subject" R=router I=[addr]:25 P=esmtps QT=1s DT=0.3s.
    // C="250 …" (the confirmation) is the remote server's reply and stays.
    private static readonly Regex Fields = new(@"(?<=\s)(?:X|CV|DN|SNI|S|id|T|R|I|P|QT|DT|RT|U|A|F|Q|M8S|PRX|L|K|TFO|ALPN)=(?:""[^""\n]*""|\S*[^\s:])|(?<=\s)defer \(-?[0-9]{1,4}\)|\b(?:retry|retry time) not reached\b[^:\n]*", Options, Timeout);

    private static readonly Regex Status = new(@"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} (?<s>==|\*\*|=>|->) ", Options, Timeout);

    // "H=mx.example.net [192.0.2.10]:25"; "H=(helo) [ip]" for clients without a name.
    private static readonly Regex Host = new(@"\bH=(?<h>[\w.-]+) (?:\([^)\n]*\) )?\[(?<ip>[^\]\s]+)\](?::(?<p>[0-9]{1,5}))?", Options, Timeout);

    // "TLS error on connection from mx.example.net (helo) [192.0.2.10]:51234 ..." (src/smtp_in.c smtp_get_connection_info)
    private static readonly Regex Peer = new(@"\bconnection from (?<h>[\w.-]+)? ?(?:\([^)\n]*\) )?\[(?<ip>[^\]\s]+)\]", Options, Timeout);

    protected override string[] Markers { get; } = { "H=", "X=", " <= ", " => ", " == ", " ** ", " -> ", "TLS error on", "connection from" };

    public override void Mask(string text, char[] masked)
    {
        Blank(MessageId, text, masked);
        Blank(Fields, text, masked);
    }

    public override void ReadContext(string text, ParsedInput parsed)
    {
        var status = Status.Match(text);
        if (status.Success)
        {
            var s = status.Groups["s"].Value;
            SetStatus(parsed, s == "==" ? "deferred" : s == "**" ? "bounced" : "sent");
        }

        if (!SetHost(Host.Match(text), parsed))
        {
            SetHost(Peer.Match(text), parsed);
        }
    }
}
