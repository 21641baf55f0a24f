using System;
using System.Globalization;
using SmtpTls.Replies;

namespace SmtpTls.Replies;

/// <summary>Asks the reply knowledge what a failure means; a failure of that lookup never spoils the verdict.</summary>
internal static class ResolutionLookup
{
    /// <summary>Resolves a failure the probe or the sender detected (see <see cref="SmtpFailure"/>); null when nothing explains it.</summary>
    public static SmtpErrorResolution? Resolve(SmtpFailure failure, CultureInfo culture)
    {
        try
        {
            return SmtpErrorResolver.ResolveFailure(failure, culture);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Resolves a text (a server's reply), else an exception; null when there is neither or the lookup fails.</summary>
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
