using System.Collections.Generic;
using Newtonsoft.Json;

namespace SmtpTls.Reporting;

/// <summary>One line of the report's table: a Test-SmtpTls result, a certificate or a test message.</summary>
/// <remarks>Short JSON names: the rows are embedded in the HTML file, 10,000 of them in a large fleet.</remarks>
public sealed class SmtpTlsReportRow
{
    /// <summary>What the row came from: <c>Test</c>, <c>Certificate</c> or <c>Send</c>.</summary>
    [JsonProperty("kind")]
    public string Kind { get; set; } = "Test";

    /// <summary>The server as given.</summary>
    [JsonProperty("server")]
    public string Server { get; set; } = string.Empty;

    /// <summary>The TCP port.</summary>
    [JsonProperty("port")]
    public int Port { get; set; }

    /// <summary>The address connected to, if known.</summary>
    [JsonProperty("address")]
    public string Address { get; set; } = string.Empty;

    /// <summary>The mail domain (with <c>-Domain</c>), else empty.</summary>
    [JsonProperty("domain")]
    public string Domain { get; set; } = string.Empty;

    /// <summary>Passed, Warning, Failed or Error.</summary>
    [JsonProperty("status")]
    public string Status { get; set; } = string.Empty;

    /// <summary>The negotiated protocol, if any.</summary>
    [JsonProperty("protocol")]
    public string Protocol { get; set; } = string.Empty;

    /// <summary>The server's greeting: untrusted text, shown escaped.</summary>
    [JsonProperty("banner")]
    public string Banner { get; set; } = string.Empty;

    /// <summary>The leaf certificate's subject.</summary>
    [JsonProperty("subject")]
    public string Subject { get; set; } = string.Empty;

    /// <summary>The leaf certificate's issuer.</summary>
    [JsonProperty("issuer")]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The leaf certificate's expiry, <c>yyyy-MM-dd</c>, or empty.</summary>
    [JsonProperty("expires")]
    public string Expires { get; set; } = string.Empty;

    /// <summary>Days until the leaf certificate expires; null without a certificate.</summary>
    [JsonProperty("days")]
    public int? DaysUntilExpiry { get; set; }

    /// <summary>What the failure means (the resolution's summary), if something failed.</summary>
    [JsonProperty("summary")]
    public string Summary { get; set; } = string.Empty;

    /// <summary>The findings, worst first.</summary>
    [JsonProperty("findings")]
    public List<SmtpTlsReportFinding> Findings { get; } = new();
}
