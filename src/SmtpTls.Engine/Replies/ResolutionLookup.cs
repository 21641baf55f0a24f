using System;
using System.Globalization;
using SmtpTls.Replies;

namespace SmtpTls.Replies;

/// <summary>Asks the reply knowledge what a failure means; a failure of that lookup never spoils the verdict.</summary>
internal static class ResolutionLookup
{
    public static SmtpErrorResolution? Resolve(string? text, Exception? exception, CultureInfo culture)
    {
        try
        {
            if (!string.IsNullOrEmpty(text))
            {
                return SmtpErrorResolver.Resolve(text!, culture);
            }

            return exception is null ? null : SmtpErrorResolver.Resolve(exception, culture);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
