namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// The log shapes <see cref="ReplyParser"/> knows, in the order their context is read: the first shape
/// that names a delivery status or a remote host wins, so the more specific forms come first.
/// </summary>
internal static class LogShapeSet
{
    public static readonly LogShape[] All =
    {
        new SyslogShape(),
        new AddressShape(),
        new PostfixShape(),
        new EximShape(),
        new SendmailShape(),
        new OpenSmtpdShape(),
        new ExchangeShape(),
    };

    /// <summary>A copy of <paramref name="text"/> with every field that is never a reply blanked out.</summary>
    public static string Mask(string text)
    {
        var masked = text.ToCharArray();
        foreach (var shape in All)
        {
            if (shape.Applies(text))
            {
                shape.Mask(text, masked);
            }
        }

        return new string(masked);
    }
}
