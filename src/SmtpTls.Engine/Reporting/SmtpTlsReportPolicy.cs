using Newtonsoft.Json;

namespace SmtpTls.Reporting;

/// <summary>The MTA-STS, DANE and TLS-RPT verdicts of one domain, as the report shows them.</summary>
public sealed class SmtpTlsReportPolicy
{
    /// <summary>The domain.</summary>
    [JsonProperty("domain")]
    public string Domain { get; set; } = string.Empty;

    /// <summary>Passed, Warning or Failed.</summary>
    [JsonProperty("status")]
    public string Status { get; set; } = string.Empty;

    /// <summary>The MTA-STS verdict in one line.</summary>
    [JsonProperty("mtaSts")]
    public string MtaSts { get; set; } = string.Empty;

    /// <summary>The DANE verdict per MX host in one line.</summary>
    [JsonProperty("dane")]
    public string Dane { get; set; } = string.Empty;

    /// <summary>The TLS-RPT verdict.</summary>
    [JsonProperty("tlsRpt")]
    public string TlsRpt { get; set; } = string.Empty;

    /// <summary>The policy findings ids with severity.</summary>
    [JsonProperty("findings")]
    public string Findings { get; set; } = string.Empty;
}
