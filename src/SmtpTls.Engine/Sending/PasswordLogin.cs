using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace SmtpTls.Sending;

/// <summary>
/// Chooses the one SASL mechanism a password login uses. MailKit's <c>AuthenticateAsync(ICredentials)</c>
/// tries every offered mechanism in turn after a 535 (PLAIN, then LOGIN, ...), so one wrong password
/// would count as several failed logins against lock-out and fail2ban limits: a test sends exactly one.
/// </summary>
internal static class PasswordLogin
{
    // Strongest first; mechanisms that never carry the password itself lead.
    private static readonly string[] Preference = { "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5", "NTLM" };

    /// <summary>The mechanism to log in with, or null when the server offers none that works with a password.</summary>
    public static SaslMechanism? Choose(SmtpClient client, NetworkCredential credential)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (credential is null)
        {
            throw new ArgumentNullException(nameof(credential));
        }

        var offered = new HashSet<string>(client.AuthenticationMechanisms, StringComparer.OrdinalIgnoreCase);
        var name = Preference.FirstOrDefault(m => offered.Contains(m) && SaslMechanism.IsSupported(m));
        return name is null ? null : SaslMechanism.Create(name, credential);
    }
}
