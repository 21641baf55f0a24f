using Newtonsoft.Json;

namespace SmtpTls.Reporting;

/// <summary>One finding as the report shows it: id, severity, message and what to do.</summary>
public sealed class SmtpTlsReportFinding
{
    /// <summary>The finding's stable id.</summary>
    [JsonProperty("id")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Info, Warning or Error.</summary>
    [JsonProperty("severity")]
    public string Severity { get; set; } = string.Empty;

    /// <summary>What was found, in the report's language.</summary>
    [JsonProperty("message")]
    public string Message { get; set; } = string.Empty;

    /// <summary>What to do; empty when the message says it already.</summary>
    [JsonProperty("remediation")]
    public string Remediation { get; set; } = string.Empty;
}
