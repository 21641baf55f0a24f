using System;
using System.Collections.Generic;
using System.Text;

namespace SmtpTls.Sending;

/// <summary>
/// The forms in which an OAuth access token can show up in an SMTP transcript: the token itself,
/// the SASL initial responses of XOAUTH2 and OAUTHBEARER, and - because the mechanisms wrap it in
/// base64 at an offset that depends on the user name, the host and the port - the base64 of the
/// token at each of the three byte alignments, which every base64 text containing it includes.
/// </summary>
internal static class OAuthSecretForms
{
    // Shorter tokens are not real tokens; their base64 cores would be too short to scrub safely.
    private const int MinimumTokenLength = 8;

    /// <summary>The forms to scrub for <paramref name="userName"/> and <paramref name="token"/>.</summary>
    public static IEnumerable<string> For(string userName, string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length < MinimumTokenLength)
        {
            yield break;
        }

        var utf8 = new UTF8Encoding(false);
        yield return token;

        // The exact initial responses (XOAUTH2 as Google and Microsoft document it; OAUTHBEARER RFC 7628 §3.1 without host/port).
        yield return Convert.ToBase64String(utf8.GetBytes("user=" + userName + "\x01auth=Bearer " + token + "\x01\x01"));
        yield return Convert.ToBase64String(utf8.GetBytes("n,a=" + userName + ",\x01auth=Bearer " + token + "\x01\x01"));

        // Inside any longer base64 text the token starts at one of three offsets within a 3-byte group: the
        // groups that lie wholly inside the token encode to the same characters whatever surrounds them.
        var bytes = utf8.GetBytes(token);
        for (var skip = 0; skip < 3; skip++)
        {
            var whole = (bytes.Length - skip) / 3 * 3;
            if (whole >= 6)
            {
                yield return Convert.ToBase64String(bytes, skip, whole);
            }
        }

        // A JWT's signature alone is what would let someone replay the token.
        var lastDot = token.LastIndexOf('.');
        if (lastDot > 0 && token.Length - lastDot - 1 >= 16)
        {
            yield return token.Substring(lastDot + 1);
        }
    }
}
