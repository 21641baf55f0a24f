using System;
using System.Collections.Generic;
using MailKit.Security;

namespace SmtpTls.Diagnostics;

/// <summary>Turns an exception chain into the text an administrator can act on.</summary>
internal static class ExceptionText
{
    /// <summary>
    /// The messages of the chain, outermost first, without repeats and without wrappers that only
    /// point inwards: .NET's "Authentication failed, see inner exception." and MailKit's
    /// SslHandshakeException, whose text is a generic FAQ while the inner exception has the cause.
    /// </summary>
    public static string Describe(Exception? exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var wrapper = e.InnerException is not null
                && (e is SslHandshakeException || e.Message.IndexOf("inner exception", StringComparison.OrdinalIgnoreCase) >= 0);
            if (!wrapper && !messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" ", messages);
    }
}
