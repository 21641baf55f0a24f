using System;
using System.Net;
using System.Security;

namespace SmtpTls.Sending;

/// <summary>
/// An OAuth 2.0 access token for SMTP submission (SASL OAUTHBEARER, RFC 7628, or XOAUTH2) and the
/// mailbox it belongs to. The token stays in a <see cref="SecureString"/> until the moment it is
/// written to the TLS session.
/// </summary>
public sealed class SmtpOAuthCredential
{
    /// <summary>Creates the credential.</summary>
    /// <param name="userName">The mailbox the token was issued for (the "a=" of OAUTHBEARER, the "user=" of XOAUTH2).</param>
    /// <param name="accessToken">The bearer token, as the identity provider issued it (no "Bearer " prefix).</param>
    /// <exception cref="ArgumentException"><paramref name="userName"/> is blank, contains a control character or a comma.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="accessToken"/> is null.</exception>
    public SmtpOAuthCredential(string userName, SecureString accessToken)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            throw new ArgumentException("A user name is required with an access token.", nameof(userName));
        }

        // Both mechanisms separate their fields with ^A and OAUTHBEARER's GS2 header with commas (RFC 7628 §3.1):
        // a name with those would let the caller forge fields.
        foreach (var c in userName)
        {
            if (c < ' ' || c == '\x7f' || c == ',')
            {
                throw new ArgumentException("The user name must not contain control characters or commas.", nameof(userName));
            }
        }

        UserName = userName;
        AccessToken = accessToken ?? throw new ArgumentNullException(nameof(accessToken));
    }

    /// <summary>The mailbox the token was issued for.</summary>
    public string UserName { get; }

    /// <summary>The access token.</summary>
    public SecureString AccessToken { get; }

    /// <summary>The token as text, for the one moment it is put on the wire; empty when the SecureString is empty.</summary>
    internal string RevealToken() => new NetworkCredential(string.Empty, AccessToken).Password ?? string.Empty;
}
