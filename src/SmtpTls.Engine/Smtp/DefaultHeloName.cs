using System;
using System.Linq;

namespace SmtpTls.Smtp;

/// <summary>The name the client says EHLO with when the caller gives none; one rule for probing and sending.</summary>
internal static class DefaultHeloName
{
    /// <summary>Used when the machine's name is not a plain DNS label sequence (RFC 5321 4.1.1.1 wants a domain or an address literal).</summary>
    public const string Fallback = "smtptls.invalid";

    /// <summary>This machine's name in lower case when it is a usable host name, otherwise <see cref="Fallback"/>.</summary>
    public static string Get()
    {
        try
        {
            var name = Environment.MachineName.ToLowerInvariant();
            return name.Length > 0 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.') ? name : Fallback;
        }
        catch (InvalidOperationException)
        {
            return Fallback;
        }
    }
}
