using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace SmtpTls.Sending;

/// <summary>
/// Chooses the SASL mechanism for an access token: OAUTHBEARER (RFC 7628, the standard) when the
/// server offers it, else XOAUTH2 (Google's and Microsoft's older form), else none.
/// </summary>
internal static class OAuthLogin
{
    /// <summary>The mechanism for <paramref name="credential"/> among those the server offers after EHLO.</summary>
    /// <returns>The mechanism, or null when the server offers neither.</returns>
    public static SaslMechanism? Choose(SmtpClient client, SmtpOAuthCredential credential)
    {
        var offered = client.AuthenticationMechanisms;
        if (offered.Contains("OAUTHBEARER"))
        {
            return new SaslMechanismOAuthBearer(new NetworkCredential(credential.UserName, credential.AccessToken));
        }

        if (offered.Contains("XOAUTH2"))
        {
            return new SaslMechanismOAuth2(new NetworkCredential(credential.UserName, credential.AccessToken));
        }

        return null;
    }
}
