namespace SmtpTls.Replies.LogShapes;

/// <summary>
/// The log shapes <see cref="ReplyParser"/> knows, in the order their context is read: the first shape
/// that names a delivery status or a remote host wins, so the more specific forms come first.
/// </summary>
internal static class LogShapeSet
{
    /// <summary>Every shape, most specific first.</summary>
    public static readonly LogShape[] All =
    {
        new SyslogShape(),
        new AddressShape(),
        new CipherShape(),
        new PostfixShape(),
        new EximShape(),
        new SendmailShape(),
        new OpenSmtpdShape(),
        new ExchangeShape(),
    };

    /// <summary>A copy of <paramref name="text"/> with every field that is never a reply blanked out.</summary>
    public static string Mask(string text)
    {
        // Most log lines hold no three-digit number that could be a reply code: nothing to mask then.
        if (!HasCandidateCode(text))
        {
            return text;
        }

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

    /// <summary>Whether <paramref name="text"/> holds a run of exactly three digits that could be a reply code (2xx-5xx, second digit 0-5).</summary>
    private static bool HasCandidateCode(string text)
    {
        for (var i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] >= '2' && text[i] <= '5' && text[i + 1] >= '0' && text[i + 1] <= '5' && IsDigit(text[i + 2])
                && (i == 0 || !IsDigit(text[i - 1])) && (i + 3 == text.Length || !IsDigit(text[i + 3])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';
}
