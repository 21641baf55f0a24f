using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SmtpTls.Policy;

/// <summary>
/// The records and policy texts an administrator can paste: built from what the check found (MX
/// hosts, the presented key), in zone-file and policy-file form, so that remediations are concrete.
/// </summary>
internal static class PolicyRemedies
{
    /// <summary>The max_age suggested for a new policy: one week, long enough to protect, short enough to change.</summary>
    public const long SuggestedMaxAge = 604800;

    /// <summary>A policy file for the given MX hosts: <c>version</c>, <c>mode</c>, one <c>mx</c> line each, <c>max_age</c>.</summary>
    public static string PolicyText(IEnumerable<string> mxHosts, string mode, long maxAge)
    {
        var text = new StringBuilder();
        text.Append("version: STSv1\n");
        text.Append("mode: ").Append(mode).Append('\n');
        foreach (var host in mxHosts.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            text.Append("mx: ").Append(host).Append('\n');
        }

        text.Append("max_age: ").Append(maxAge.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>The <c>_mta-sts</c> TXT record with a fresh id (UTC date and time: letters and digits only, as the id must be).</summary>
    public static string MtaStsRecord(string domain, DateTimeOffset now) =>
        $"_mta-sts.{domain}. IN TXT \"v=STSv1; id={now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}\"";

    /// <summary>A TLS-RPT record sending reports to <c>tlsrpt@&lt;domain&gt;</c>.</summary>
    public static string TlsRptRecord(string domain) => $"_smtp._tls.{domain}. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{domain}\"";

    /// <summary>A DANE-EE SPKI SHA-256 record (<c>3 1 1</c>) for the key a server presents.</summary>
    public static string TlsaRecord(string tlsaName, string tlsaSha256) => $"{tlsaName}. IN TLSA 3 1 1 {tlsaSha256}";
}
