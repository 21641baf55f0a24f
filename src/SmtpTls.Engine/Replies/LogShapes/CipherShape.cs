using System.Text.RegularExpressions;

namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// The negotiated cipher as MTAs log it, whose key size is never a reply code: OpenSMTPD's
/// <c>smtp tls ciphers=TLSv1.2:ECDHE-RSA-AES256-SHA384:256</c> (usr.sbin/smtpd/smtp_session.c, ssl_to_text),
/// Exim's <c>X=TLS1.3:TLS_AES_256_GCM_SHA384:256</c>, Postfix's <c>(256/256 bits)</c> and Sendmail's <c>bits=256/256</c>.
/// </summary>
internal sealed class CipherShape : LogShape
{
    private static readonly Regex Cipher = new(@"\bTLS(?:v1(?:\.[0-3])?|1\.[0-3])(?::[\w-]+)+:[0-9]{2,3}\b|\(?[0-9]{2,3}/[0-9]{2,3} bits\)?|\bbits=[0-9]{2,3}/[0-9]{2,3}\b|\bciphers=\S+", Options, Timeout);

    protected override string[] Markers { get; } = { "TLS", "bits" };

    public override void Mask(string text, char[] masked)
    {
        Blank(Cipher, text, masked);
    }
}
