using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Reads the TLS-RPT TXT record (<c>_smtp._tls.&lt;domain&gt;</c>) as RFC 8460 section 3 defines it:
/// <c>v=TLSRPTv1</c> first, then <c>rua=</c> with one or more comma-separated <c>mailto:</c> or
/// <c>https:</c> URIs, and optional extensions. Problems are collected, never thrown.
/// </summary>
public static class TlsRptRecordParser
{
    /// <summary>The version field every TLS-RPT record begins with.</summary>
    public const string VersionField = "v=TLSRPTv1";

    /// <summary>Whether a TXT record is a TLS-RPT record candidate (begins with <c>v=TLSRPTv1</c>, exact case).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="txt"/> is null.</exception>
    public static bool IsTlsRptRecord(string txt)
    {
        if (txt is null)
        {
            throw new ArgumentNullException(nameof(txt));
        }

        return TxtRecordFields.StartsWithVersion(txt, VersionField);
    }

    /// <summary>
    /// Picks the domain's TLS-RPT record from all TXT records at <c>_smtp._tls</c>: records not
    /// beginning with <c>v=TLSRPTv1</c> are discarded and exactly one must remain (RFC 8460 section 3).
    /// </summary>
    /// <param name="txtRecords">The TXT records (strings of each record joined).</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <returns>The record, parsed (with an error when several remain, or when it only resembles one); null when there is none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="txtRecords"/> is null.</exception>
    public static SmtpTlsRptRecord? Select(IEnumerable<string> txtRecords, CultureInfo? culture = null)
    {
        return VersionedTxtRecord.Select(txtRecords, VersionField, "v=tlsrpt", Parse, r => r.Errors, (r, e) => r.Errors = e, culture);
    }

    /// <summary>Parses one record text.</summary>
    /// <param name="text">The record (TXT strings joined without separator).</param>
    /// <param name="culture">Language of the error texts; default: the current UI culture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static SmtpTlsRptRecord Parse(string text, CultureInfo? culture = null)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var record = new SmtpTlsRptRecord { Text = text };
        var errors = new List<string>();
        var extensions = new List<string>();
        var rua = new List<string>();
        var sawRua = false;
        var fields = TxtRecordFields.Split(text, out _);

        if (text.StartsWith(VersionField, StringComparison.Ordinal) && fields[0] == VersionField)
        {
            record.Version = "TLSRPTv1";
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
            if (name == "rua")
            {
                if (sawRua)
                {
                    errors.Add(LocalizedText.Format("Policy.Record.Duplicate", culture, "rua"));
                    continue;
                }

                sawRua = true;
                foreach (var part in value.Split(','))
                {
                    var uri = PolicySyntax.TrimWsp(part);
                    if (IsReportUri(uri))
                    {
                        rua.Add(uri);
                    }
                    else
                    {
                        errors.Add(LocalizedText.Format("Policy.TlsRpt.RuaInvalid", culture, uri));
                    }
                }
            }
            else if (string.Equals(name, "rua", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(LocalizedText.Format("Policy.Syntax.CaseSensitive", culture, name, "rua"));
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

        if (!sawRua && record.Version is not null)
        {
            errors.Add(LocalizedText.Get("Policy.TlsRpt.RuaMissing", culture));
        }

        record.Rua = rua.ToArray();
        record.Extensions = extensions.ToArray();
        record.Errors = errors.ToArray();
        return record;
    }

    /// <summary>
    /// Whether <paramref name="uri"/> is a report destination RFC 8460 defines: <c>mailto:</c> with
    /// one address, or an absolute <c>https:</c> URL with a host.
    /// </summary>
    internal static bool IsReportUri(string uri)
    {
        if (uri.Length == 0 || uri.Any(c => c <= 0x20 || c >= 0x7F))
        {
            return false;
        }

        if (uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            // One addr-spec; an optional ?query part (RFC 6068 header fields) is not part of the address.
            var address = uri.Substring(7);
            var query = address.IndexOf('?');
            if (query >= 0)
            {
                address = address.Substring(0, query);
            }

            var at = address.LastIndexOf('@');
            return at > 0 && at < address.Length - 1 && address.IndexOf('@') == at;
        }

        return Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            && parsed.Scheme == Uri.UriSchemeHttps
            && parsed.Host.Length > 0;
    }
}
