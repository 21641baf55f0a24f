using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Picks the one record of a kind from all TXT records at a name, the way MTA-STS (RFC 8461 §3.1)
/// and TLS-RPT (RFC 8460 §3) senders do: records not beginning with the version field are
/// discarded and exactly one must remain.
/// </summary>
internal static class VersionedTxtRecord
{
    /// <summary>
    /// The record, parsed; with an error first when several remain (senders then use none). A record
    /// that only resembles one (the version in the wrong case) is returned parsed, with its errors,
    /// because its author meant to publish one. Null when there is no candidate at all.
    /// </summary>
    /// <typeparam name="T">The parsed record type.</typeparam>
    /// <param name="txtRecords">Every TXT record at the name, each as one string (its character strings joined).</param>
    /// <param name="versionField">The version field a record must begin with (<c>v=STSv1</c>, <c>v=TLSRPTv1</c>).</param>
    /// <param name="lookalikePrefix">What a misspelt version starts with, compared without case (<c>v=sts</c>).</param>
    /// <param name="parse">Parses one record, with its messages in the culture given.</param>
    /// <param name="getErrors">Reads a parsed record's errors.</param>
    /// <param name="setErrors">Replaces a parsed record's errors (to put the "several records" error first).</param>
    /// <param name="culture">The language of the errors; null: the current UI culture.</param>
    /// <returns>The selected record, or null when no record is even a lookalike.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="txtRecords"/> is null.</exception>
    public static T? Select<T>(
        IEnumerable<string> txtRecords,
        string versionField,
        string lookalikePrefix,
        Func<string, CultureInfo?, T> parse,
        Func<T, string[]> getErrors,
        Action<T, string[]> setErrors,
        CultureInfo? culture)
        where T : class
    {
        if (txtRecords is null)
        {
            throw new ArgumentNullException(nameof(txtRecords));
        }

        var all = txtRecords.Where(r => r is not null).ToList();
        var candidates = all.Where(r => TxtRecordFields.StartsWithVersion(r, versionField)).ToList();
        if (candidates.Count == 1)
        {
            return parse(candidates[0], culture);
        }

        if (candidates.Count > 1)
        {
            var first = parse(candidates[0], culture);
            setErrors(first, new[] { LocalizedText.Format("Policy.Record.Several", culture, candidates.Count, versionField) }
                .Concat(getErrors(first))
                .ToArray());
            return first;
        }

        var lookalike = all.FirstOrDefault(r => PolicySyntax.TrimWsp(r).StartsWith(lookalikePrefix, StringComparison.OrdinalIgnoreCase));
        return lookalike is null ? null : parse(lookalike, culture);
    }
}
