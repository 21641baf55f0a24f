using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpTls.Sending;

/// <summary>
/// Replaces every known form of the credentials (the password, and the base64 strings AUTH PLAIN
/// and AUTH LOGIN put on the wire, padded or not) with <c>***</c> wherever server text is kept: the
/// transcript, the reply history, the result, error messages, warnings and the resolution. The
/// structural redaction in <see cref="RedactingProtocolLogger"/> comes first; this catches what a
/// server echoes (a 535 that quotes the password, a Sendmail-style echo of the AUTH line).
/// </summary>
/// <remarks>
/// Forms of 4 characters or more are replaced wherever they appear. Shorter ones (a password of
/// 1-3 characters, or its unpadded base64) would blank out reply codes and parts of words if
/// replaced everywhere, so they are replaced where they stand alone as a token: at the start or end
/// of the text or next to a character that is not a letter or digit. That over-masks rather than
/// under-masks: a password "250" also hides the code of every "250 " reply. What it misses is such
/// a short secret glued into a longer word, which only a server that knows the password could build,
/// and a 1-3 character password is guessable anyway.
/// </remarks>
public sealed class SecretScrubber
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "***";

    // Shorter forms are only replaced where they stand alone as a token (see remarks).
    private const int MinimumAnywhereLength = 4;

    private readonly string[] _secrets;
    private readonly Regex? _shortTokens;

    private SecretScrubber(IEnumerable<string> secrets)
    {
        // Longest first, so that a form containing another is replaced whole.
        var all = secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
        _secrets = all.Where(s => s.Length >= MinimumAnywhereLength).ToArray();
        var tokens = all.Where(s => s.Length < MinimumAnywhereLength).ToArray();
        if (tokens.Length > 0)
        {
            var alternatives = string.Join("|", tokens.Select(Regex.Escape));
            _shortTokens = new Regex(@"(?<![\p{L}\p{N}])(?:" + alternatives + @")(?![\p{L}\p{N}])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        All = all;
    }

    /// <summary>A scrubber that changes nothing (no credential given).</summary>
    public static SecretScrubber None { get; } = new(Array.Empty<string>());

    /// <summary>The forms that are scrubbed, longest first (for tests).</summary>
    public IReadOnlyList<string> Secrets => All;

    private string[] All { get; }

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
        var forms = new List<string> { pass };
        foreach (var encoding in new Encoding[] { new UTF8Encoding(false), Encoding.GetEncoding("ISO-8859-1") })
        {
            // AUTH PLAIN: authzid NUL authcid NUL password (RFC 4616), with an empty or a repeated authzid.
            AddBase64(forms, encoding, "\0" + user + "\0" + pass);
            AddBase64(forms, encoding, user + "\0" + user + "\0" + pass);

            // AUTH LOGIN: the user name and the password, each on its own line.
            if (pass.Length > 0)
            {
                AddBase64(forms, encoding, pass);
            }

            if (user.Length > 0)
            {
                AddBase64(forms, encoding, user);
            }
        }

        return new SecretScrubber(forms);
    }

    /// <summary>A scrubber that removes these forms too (e.g. those of an OAuth token, <see cref="OAuthSecretForms"/>).</summary>
    /// <param name="forms">Further secret forms; null or empty entries are ignored.</param>
    public SecretScrubber With(IEnumerable<string>? forms) => forms is null ? this : new SecretScrubber(_secrets.Concat(forms));

    /// <summary>Returns <paramref name="line"/> with every known secret form replaced by <see cref="Mask"/>.</summary>
    public string Scrub(string line)
    {
        if (string.IsNullOrEmpty(line) || All.Length == 0)
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

        if (_shortTokens is not null)
        {
            try
            {
                result = _shortTokens.Replace(result, Mask);
            }
            catch (RegexMatchTimeoutException)
            {
                // Cannot tell where the short secret is: keep nothing of the text rather than risk it.
                return Mask;
            }
        }

        return result;
    }

    /// <summary>The padded base64 form and, where padding exists, the unpadded one (some servers echo that).</summary>
    private static void AddBase64(List<string> forms, Encoding encoding, string text)
    {
        var encoded = Convert.ToBase64String(encoding.GetBytes(text));
        forms.Add(encoded);
        forms.Add(encoded.TrimEnd('='));
    }
}
