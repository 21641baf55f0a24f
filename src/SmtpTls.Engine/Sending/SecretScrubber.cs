using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SmtpTls.Sending;

/// <summary>
/// The last line of defence of the transcript: replaces every known form of the credentials (the
/// password, and the base64 strings AUTH PLAIN and AUTH LOGIN put on the wire) with <c>***</c>
/// wherever it appears, also in server replies that echo them. The structural redaction in
/// <see cref="RedactingProtocolLogger"/> comes first; this catches what a server or mechanism
/// does unexpectedly.
/// </summary>
public sealed class SecretScrubber
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "***";

    // Shorter passwords would also blank out reply codes and common words; their base64 forms are still scrubbed.
    private const int MinimumPlainLength = 4;

    private readonly string[] _secrets;

    private SecretScrubber(IEnumerable<string> secrets)
    {
        // Longest first, so that a form containing another is replaced whole.
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>A scrubber that changes nothing (no credential given).</summary>
    public static SecretScrubber None { get; } = new(Array.Empty<string>());

    /// <summary>The forms that are scrubbed, longest first (for tests).</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>Builds the scrubber for a user name and password.</summary>
    /// <param name="userName">The user name (its base64 form is what AUTH LOGIN sends first).</param>
    /// <param name="password">The password.</param>
    public static SecretScrubber For(string? userName, string? password)
    {
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(userName))
        {
            return None;
        }

        var user = userName ?? string.Empty;
        var pass = password ?? string.Empty;
        var forms = new List<string>();
        if (pass.Length >= MinimumPlainLength)
        {
            forms.Add(pass);
        }

        foreach (var encoding in new Encoding[] { new UTF8Encoding(false), Encoding.GetEncoding("ISO-8859-1") })
        {
            // AUTH PLAIN: authzid NUL authcid NUL password (RFC 4616), with an empty or a repeated authzid.
            forms.Add(Base64(encoding, "\0" + user + "\0" + pass));
            forms.Add(Base64(encoding, user + "\0" + user + "\0" + pass));

            // AUTH LOGIN: the user name and the password, each on its own line.
            if (pass.Length > 0)
            {
                forms.Add(Base64(encoding, pass));
            }

            if (user.Length > 0)
            {
                forms.Add(Base64(encoding, user));
            }
        }

        return new SecretScrubber(forms);
    }

    /// <summary>Returns <paramref name="line"/> with every known secret form replaced by <see cref="Mask"/>.</summary>
    public string Scrub(string line)
    {
        if (string.IsNullOrEmpty(line) || _secrets.Length == 0)
        {
            return line;
        }

        var result = line;
        foreach (var secret in _secrets)
        {
            if (result.IndexOf(secret, StringComparison.Ordinal) >= 0)
            {
                result = result.Replace(secret, Mask);
            }
        }

        return result;
    }

    private static string Base64(Encoding encoding, string text) => Convert.ToBase64String(encoding.GetBytes(text));
}
