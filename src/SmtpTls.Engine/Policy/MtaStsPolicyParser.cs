using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Reads an MTA-STS policy file as RFC 8461 section 3.2 defines it: <c>name: value</c> lines
/// separated by LF or CRLF, with <c>version: STSv1</c>, <c>mode</c>, <c>max_age</c> (each once) and
/// one or more <c>mx</c> patterns (none needed in mode <c>none</c>). Unknown fields are extensions
/// and are ignored, as senders ignore them. Every problem is reported with its line; nothing is thrown.
/// </summary>
/// <remarks>
/// Blank lines are skipped rather than reported: the grammar has no place for them, but they are
/// common at the end of hand-written files and senders are not known to refuse them.
/// </remarks>
public static class MtaStsPolicyParser
{
    private const string VersionName = "version";
    private const string ModeName = "mode";
    private const string MaxAgeName = "max_age";
    private const string MxName = "mx";

    private static readonly string[] KnownNames = { VersionName, ModeName, MaxAgeName, MxName };

    /// <summary>Parses a policy fetched as bytes; text that is not valid UTF-8 is reported as an error of the whole policy.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static SmtpMtaStsPolicy Parse(byte[] body, CultureInfo? culture = null)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            var lossy = Parse(Encoding.UTF8.GetString(body), culture);
            lossy.Errors = new[] { new SmtpMtaStsPolicyError(0, null, LocalizedText.Get("Policy.Syntax.NotUtf8", culture)) }
                .Concat(lossy.Errors)
                .ToArray();
            return lossy;
        }

        return Parse(text, culture);
    }

    /// <summary>Parses a policy text.</summary>
    /// <param name="text">The policy as fetched.</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static SmtpMtaStsPolicy Parse(string text, CultureInfo? culture = null)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var policy = new SmtpMtaStsPolicy { Text = text };
        var errors = new List<SmtpMtaStsPolicyError>();
        var mx = new List<string>();
        var extensions = new List<string>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);

        // A leading byte order mark is not part of the grammar, but editors add it; it must not hide "version".
        var body = text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;
        var lines = body.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var number = index + 1;
            var line = lines[index].EndsWith("\r", StringComparison.Ordinal) ? lines[index].Substring(0, lines[index].Length - 1) : lines[index];
            void Error(string message) => errors.Add(new SmtpMtaStsPolicyError(number, line, message));

            if (PolicySyntax.TrimWsp(line).Length == 0)
            {
                continue;
            }

            if (PolicySyntax.IsWsp(line[0]))
            {
                Error(LocalizedText.Get("Policy.Syntax.LeadingSpace", culture));
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                Error(LocalizedText.Get("Policy.Syntax.NoColon", culture));
                continue;
            }

            var name = line.Substring(0, colon);
            var value = PolicySyntax.TrimWsp(line.Substring(colon + 1));
            if (name.Length > 0 && PolicySyntax.IsWsp(name[name.Length - 1]))
            {
                Error(LocalizedText.Get("Policy.Syntax.SpaceBeforeColon", culture));
                continue;
            }

            if (Array.IndexOf(KnownNames, name) < 0)
            {
                var known = KnownNames.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                if (known is not null)
                {
                    Error(LocalizedText.Format("Policy.Syntax.CaseSensitive", culture, name, known));
                }
                else if (!PolicySyntax.IsExtensionName(name))
                {
                    Error(LocalizedText.Format("Policy.Syntax.BadName", culture, name));
                }
                else if (!PolicySyntax.IsPolicyExtensionValue(value))
                {
                    Error(LocalizedText.Format("Policy.Syntax.ExtensionValue", culture, name));
                }
                else
                {
                    extensions.Add(name + ": " + value);
                }

                continue;
            }

            if (value.Length == 0)
            {
                Error(LocalizedText.Format("Policy.Syntax.EmptyValue", culture, name));
                continue;
            }

            if (name == MxName)
            {
                mx.Add(value);
                if (!MtaStsMxPattern.IsValid(value, out var problem))
                {
                    Error(LocalizedText.Format("Policy.Syntax.MxInvalid", culture, value, MtaStsMxPattern.Describe(value, problem!, culture)));
                }

                continue;
            }

            if (firstLineOf.TryGetValue(name, out var first))
            {
                Error(LocalizedText.Format("Policy.Syntax.Duplicate", culture, name, first));
                continue;
            }

            firstLineOf[name] = number;
            switch (name)
            {
                case VersionName:
                    policy.Version = value;
                    if (value != "STSv1")
                    {
                        Error(LocalizedText.Format("Policy.Syntax.Version", culture, value));
                    }

                    break;
                case ModeName:
                    policy.Mode = value;
                    policy.ModeValue = value switch
                    {
                        "enforce" => SmtpMtaStsMode.Enforce,
                        "testing" => SmtpMtaStsMode.Testing,
                        "none" => SmtpMtaStsMode.None,
                        _ => null,
                    };
                    if (policy.ModeValue is null)
                    {
                        Error(LocalizedText.Format("Policy.Syntax.Mode", culture, value));
                    }

                    break;
                default:
                    // 1*10DIGIT; the value must also stay within one year.
                    if (value.Length > 10 || !value.All(c => c >= '0' && c <= '9'))
                    {
                        Error(LocalizedText.Format("Policy.Syntax.MaxAgeNotNumber", culture, value));
                        break;
                    }

                    policy.MaxAge = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    if (policy.MaxAge > SmtpMtaStsPolicy.MaxAllowedAge)
                    {
                        Error(LocalizedText.Format("Policy.Syntax.MaxAgeTooLarge", culture, value, SmtpMtaStsPolicy.MaxAllowedAge));
                    }

                    break;
            }
        }

        foreach (var required in new[] { VersionName, ModeName, MaxAgeName })
        {
            if (!firstLineOf.ContainsKey(required))
            {
                errors.Add(new SmtpMtaStsPolicyError(0, null, LocalizedText.Format("Policy.Syntax.Missing", culture, required)));
            }
        }

        if (mx.Count == 0 && policy.ModeValue is SmtpMtaStsMode.Enforce or SmtpMtaStsMode.Testing)
        {
            errors.Add(new SmtpMtaStsPolicyError(0, null, LocalizedText.Format("Policy.Syntax.MxMissing", culture, policy.Mode)));
        }

        policy.Mx = mx.ToArray();
        policy.Extensions = extensions.ToArray();
        policy.Errors = errors.ToArray();
        return policy;
    }
}
