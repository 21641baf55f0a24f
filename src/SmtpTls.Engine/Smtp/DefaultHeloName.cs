using System;

namespace SmtpTls.Smtp;

/// <summary>The name the client says EHLO with when the caller gives none; one rule for probing and sending.</summary>
internal static class DefaultHeloName
{
    /// <summary>Used when the machine's name is not a plain DNS label sequence (RFC 5321 4.1.1.1 wants a domain or an address literal).</summary>
    public const string Fallback = "smtptls.invalid";

    // Worked out once per process: a check asks for it every time (a system call, a lower-cased copy and a scan).
    private static string? _name;

    /// <summary>This machine's name in lower case when it is a usable host name, otherwise <see cref="Fallback"/>.</summary>
    public static string Get() => _name ??= Compute();

    private static string Compute()
    {
        try
        {
            var name = Environment.MachineName.ToLowerInvariant();
            if (name.Length == 0)
            {
                return Fallback;
            }

            foreach (var c in name)
            {
                if (c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.'))
                {
                    return Fallback;
                }
            }

            return name;
        }
        catch (InvalidOperationException)
        {
            return Fallback;
        }
    }
}
