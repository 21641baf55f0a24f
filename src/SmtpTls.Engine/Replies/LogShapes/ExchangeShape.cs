using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// Exchange Server and Exchange Online texts: NDR diagnostic fields (<c>[LastAttemptedServerName=…]
/// [LastAttemptedIP=addr:port]</c>), message-trace details (<c>{LED=550 5.7.1 …};{MSG=…};{FQDN=host};{IP=addr};{LRT=date}</c>),
/// queue "last error" texts and NDR headings ("Delivery has failed", "couldn't be delivered").
/// </summary>
internal sealed class ExchangeShape : LogShape
{
    private static readonly Regex Fields = new(@"\{(?:IP|LRT|FQDN)=[^}\n]*\}|\bLastAttemptedIP=[^\]\s]*|\b(?:MSGID|SessionId|InternalId|ClientSubmitTime|OriginalArrivalTime)[=:]\s?\S+", Options | RegexOptions.IgnoreCase, Timeout);

    private static readonly Regex ServerName = new(@"\bLastAttemptedServerName=(?<h>[\w.-]+)|\{FQDN=(?<h>[\w.-]+)\}", Options, Timeout);
    private static readonly Regex ServerAddress = new(@"\bLastAttemptedIP=(?<ip>[0-9a-fA-F.:]+?)(?::(?<p>[0-9]{1,5}))?\]|\{IP=(?<ip>[0-9a-fA-F.:]+)\}", Options, Timeout);
    private static readonly Regex AddressPort = new(@"\bLastAttemptedIP=[0-9a-fA-F.:]+?:(?<p>[0-9]{1,5})\b", Options, Timeout);

    private static readonly Regex NdrStatus = new(@"(?<bounced>\bdelivery has failed\b|\bundeliverable\b|\bcouldn't be delivered\b|\bwasn't delivered\b)|(?<deferred>\bdelivery (?:has been |is )?delayed\b|\bhasn't been delivered yet\b)", Options | RegexOptions.IgnoreCase, Timeout);

    protected override string[] Markers { get; } = { "{", "LastAttempted", "elivery", "delivered", "ndeliverable" };

    public override void Mask(string text, char[] masked)
    {
        Blank(Fields, text, masked);
    }

    public override void ReadContext(string text, ParsedInput parsed)
    {
        var ndr = NdrStatus.Match(text);
        if (ndr.Success)
        {
            SetStatus(parsed, ndr.Groups["bounced"].Success ? "bounced" : "deferred");
        }

        if (SetHost(ServerName.Match(text), parsed) || SetHost(ServerAddress.Match(text), parsed))
        {
            if (parsed.Port == 0)
            {
                var port = AddressPort.Match(text);
                if (port.Success && TryPort(port.Groups["p"].Value, out var value))
                {
                    parsed.Port = value;
                }
            }
        }
    }
}
