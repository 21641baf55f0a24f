using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpTls.Sending;

/// <summary>
/// The error a server sends, base64-encoded in a <c>334</c> challenge, when it rejects an OAuth
/// token: a JSON object such as <c>{"status":"invalid_token","scope":"..."}</c> (RFC 7628 §3.2.2)
/// or Google's XOAUTH2 form <c>{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}</c>.
/// The text comes from the server and is untrusted: it is decoded only from a bounded line, only its
/// flat string members are read, and control characters are made visible.
/// </summary>
public sealed class OAuthErrorChallenge
{
    private const int MaximumJsonLength = 4096;

    private static readonly Regex Member = new(
        "\"(?<name>[A-Za-z0-9_-]{1,64})\"\\s*:\\s*(?:\"(?<text>(?:[^\"\\\\]|\\\\.){0,2048})\"|(?<number>-?[0-9]{1,12}))",
        RegexOptions.CultureInvariant,
        TimeSpan.FromMilliseconds(250));

    private OAuthErrorChallenge(string json, IReadOnlyDictionary<string, string> members)
    {
        Json = json;
        members.TryGetValue("status", out var status);
        members.TryGetValue("scope", out var scope);
        members.TryGetValue("schemes", out var schemes);
        members.TryGetValue("openid-configuration", out var configuration);
        Status = status;
        Scope = scope;
        Schemes = schemes;
        OpenIdConfiguration = configuration;
    }

    /// <summary>The decoded JSON, control characters made visible.</summary>
    public string Json { get; }

    /// <summary>"invalid_token", "insufficient_scope", "invalid_request" (RFC 6750 §3.1, RFC 7628 §3.2.2) or an HTTP-style code ("401", "400").</summary>
    public string? Status { get; }

    /// <summary>The scope the server wants (e.g. https://mail.google.com/), when it says.</summary>
    public string? Scope { get; }

    /// <summary>The authentication schemes the server accepts (e.g. "bearer").</summary>
    public string? Schemes { get; }

    /// <summary>The OpenID discovery URL the server names, when it does.</summary>
    public string? OpenIdConfiguration { get; }

    /// <summary>Decodes the payload of a 334 challenge; null when it is not base64 of a JSON object.</summary>
    /// <param name="payload">The text after "334 ".</param>
    public static OAuthErrorChallenge? TryDecode(string? payload)
    {
        var text = payload?.Trim();
        if (string.IsNullOrEmpty(text) || text!.Length > MaximumJsonLength * 4 / 3 + 4)
        {
            return null;
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(text));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }

        json = json.Trim();
        if (json.Length < 2 || json[0] != '{' || json[json.Length - 1] != '}')
        {
            return null;
        }

        var members = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (Match match in Member.Matches(json))
            {
                var name = match.Groups["name"].Value;
                var value = match.Groups["text"].Success ? Unescape(match.Groups["text"].Value) : match.Groups["number"].Value;
                if (!members.ContainsKey(name))
                {
                    members[name] = Visible(value);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }

        return members.Count == 0 ? null : new OAuthErrorChallenge(Visible(json), members);
    }

    /// <summary>Finds the last 334 challenge a server sent during AUTH in a transcript (<c>S: 334 ...</c> lines) and decodes it.</summary>
    /// <param name="transcript">The transcript lines, oldest first.</param>
    public static OAuthErrorChallenge? FromTranscript(IEnumerable<string> transcript)
    {
        foreach (var line in transcript.Reverse())
        {
            if (line.StartsWith("S: 334 ", StringComparison.Ordinal))
            {
                return TryDecode(line.Substring(7));
            }

            if (line.StartsWith("C: AUTH", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The line a resolver reads for a decoded challenge: <c>OAuth error challenge (decoded): {...}</c>.</summary>
    public string ResolveLine => "OAuth error challenge (decoded): " + Json;

    /// <summary>
    /// For every <c>334 &lt;base64 JSON&gt;</c> among <paramref name="lines"/> (also inside a transcript line such
    /// as <c>S: 334 ...</c> or <c>&lt;~  334 ...</c>), a line with <see cref="ResolveLine"/>, each preceded by a
    /// line break; empty when there is none.
    /// </summary>
    public static string DecodedLines(IEnumerable<string> lines)
    {
        var result = new StringBuilder();
        foreach (var line in lines)
        {
            var at = line.IndexOf("334 ", StringComparison.Ordinal);
            if (at < 0 || (at > 0 && char.IsLetterOrDigit(line[at - 1])))
            {
                continue;
            }

            if (TryDecode(line.Substring(at + 4)) is { } challenge)
            {
                result.Append('\n').Append(challenge.ResolveLine);
            }
        }

        return result.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Json;

    private static string Unescape(string value)
    {
        if (value.IndexOf('\\') < 0)
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\' || i + 1 >= value.Length)
            {
                result.Append(c);
                continue;
            }

            var next = value[++i];
            switch (next)
            {
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 't': result.Append('\t'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'u' when i + 4 < value.Length && ushort.TryParse(value.Substring(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code):
                    result.Append((char)code);
                    i += 4;
                    break;
                default: result.Append(next); break;
            }
        }

        return result.ToString();
    }

    private static string Visible(string text)
    {
        if (!text.Any(c => c < ' ' || c == '\x7f'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            result.Append(c < ' ' || c == '\x7f' ? "\\x" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) : c.ToString());
        }

        return result.ToString();
    }
}
