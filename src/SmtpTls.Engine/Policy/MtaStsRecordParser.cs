using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Reads the MTA-STS TXT record (<c>_mta-sts.&lt;domain&gt;</c>) as RFC 8461 section 3.1 defines it:
/// <c>v=STSv1</c> first, then <c>id=</c> (1 to 32 letters and digits) and optional extensions,
/// separated by ';'. Problems are collected as localized sentences, never thrown.
/// </summary>
public static class MtaStsRecordParser
{
    /// <summary>The version field every MTA-STS record begins with.</summary>
    public const string VersionField = "v=STSv1";

    /// <summary>Whether a TXT record is an MTA-STS record candidate (begins with <c>v=STSv1</c>, exact case).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="txt"/> is null.</exception>
    public static bool IsStsRecord(string txt)
    {
        if (txt is null)
        {
            throw new ArgumentNullException(nameof(txt));
        }

        return TxtRecordFields.StartsWithVersion(txt, VersionField);
    }

    /// <summary>
    /// Picks the domain's MTA-STS record from all TXT records at <c>_mta-sts</c>, as a sender does:
    /// records not beginning with <c>v=STSv1</c> are discarded and exactly one must remain.
    /// </summary>
    /// <param name="txtRecords">The TXT records (strings of each record joined).</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <returns>
    /// The record, parsed; with an error when several remain (senders then use none). A record that
    /// merely resembles one (<c>v=stsv1</c>, <c>V=STSv1</c>) is returned with its error, because its
    /// author meant to publish a policy. Null when there is no candidate at all.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="txtRecords"/> is null.</exception>
    public static SmtpMtaStsRecord? Select(IEnumerable<string> txtRecords, CultureInfo? culture = null)
    {
        return VersionedTxtRecord.Select(txtRecords, VersionField, "v=sts", Parse, r => r.Errors, (r, e) => r.Errors = e, culture);
    }

    /// <summary>Parses one record text.</summary>
    /// <param name="text">The record (TXT strings joined without separator).</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static SmtpMtaStsRecord Parse(string text, CultureInfo? culture = null)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var record = new SmtpMtaStsRecord { Text = text };
        var errors = new List<string>();
        var extensions = new List<string>();
        var fields = TxtRecordFields.Split(text, out _);

        // The version must come first, spelled exactly (the grammar uses %s, case-sensitive strings).
        if (text.StartsWith(VersionField, StringComparison.Ordinal) && fields[0] == VersionField)
        {
            record.Version = "STSv1";
        }
        else
        {
            errors.Add(LocalizedText.Format("Policy.Record.NotVersion", culture, VersionField));
        }

        for (var i = 1; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.Length == 0)
            {
                errors.Add(LocalizedText.Get("Policy.Record.EmptyField", culture));
                continue;
            }

            var equals = field.IndexOf('=');
            if (equals <= 0)
            {
                errors.Add(LocalizedText.Format("Policy.Record.NoEquals", culture, field));
                continue;
            }

            var name = field.Substring(0, equals);
            var value = field.Substring(equals + 1);
            if (name == "id")
            {
                if (record.Id is not null)
                {
                    errors.Add(LocalizedText.Format("Policy.Record.Duplicate", culture, "id"));
                }
                else if (value.Length is < 1 or > 32 || !value.All(PolicySyntax.IsAlphaDigit))
                {
                    errors.Add(LocalizedText.Format("Policy.Record.IdInvalid", culture, value));
                    record.Id = value;
                }
                else
                {
                    record.Id = value;
                }
            }
            else if (string.Equals(name, "id", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(LocalizedText.Format("Policy.Syntax.CaseSensitive", culture, name, "id"));
            }
            else if (string.Equals(name, "v", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(LocalizedText.Format("Policy.Record.Duplicate", culture, "v"));
            }
            else if (!PolicySyntax.IsExtensionName(name) || !PolicySyntax.IsRecordExtensionValue(value))
            {
                errors.Add(LocalizedText.Format("Policy.Record.ExtensionInvalid", culture, field));
            }
            else
            {
                extensions.Add(field);
            }
        }

        if (record.Id is null && record.Version is not null)
        {
            errors.Add(LocalizedText.Get("Policy.Record.IdMissing", culture));
        }

        record.Extensions = extensions.ToArray();
        record.Errors = errors.ToArray();
        return record;
    }
}
