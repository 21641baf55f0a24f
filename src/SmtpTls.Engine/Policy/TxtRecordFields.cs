using System;
using System.Collections.Generic;

namespace SmtpTls.Policy;

/// <summary>
/// Splits a <c>v=...; name=value; ...</c> TXT record (MTA-STS, TLS-RPT) into its fields: the
/// delimiter is <c>*WSP ";" *WSP</c>, and one trailing delimiter is allowed.
/// </summary>
internal static class TxtRecordFields
{
    /// <summary>Whether <paramref name="record"/> starts with <paramref name="version"/> (exact case) followed by the end, WSP or ';'.</summary>
    /// <remarks>
    /// RFC 8461 and RFC 8460 discard records that do not begin with the version; the grammar allows
    /// blanks before the ';' (RFC 8461 erratum 6285), so "v=STSv1 ;" counts as beginning with it.
    /// </remarks>
    public static bool StartsWithVersion(string record, string version)
    {
        if (!record.StartsWith(version, StringComparison.Ordinal))
        {
            return false;
        }

        return record.Length == version.Length || record[version.Length] == ';' || PolicySyntax.IsWsp(record[version.Length]);
    }

    /// <summary>The fields without their delimiters; an empty string stands for an empty field (";;").</summary>
    /// <param name="record">The record text.</param>
    /// <param name="trailingDelimiter">Whether the record ends with the optional final delimiter.</param>
    public static List<string> Split(string record, out bool trailingDelimiter)
    {
        // Blanks after the last field are tolerated: the grammar only allows them after a final ';',
        // but they are invisible in most DNS consoles and no sender is known to refuse them.
        var text = PolicySyntax.TrimWsp(record);
        var fields = new List<string>(text.Split(';'));
        for (var i = 0; i < fields.Count; i++)
        {
            fields[i] = PolicySyntax.TrimWsp(fields[i]);
        }

        trailingDelimiter = fields.Count > 1 && fields[fields.Count - 1].Length == 0;
        if (trailingDelimiter)
        {
            fields.RemoveAt(fields.Count - 1);
        }

        return fields;
    }
}
