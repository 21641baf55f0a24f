using System;

namespace SmtpTls;

/// <summary>A domain's TLS-RPT publication (RFC 8460): where senders report TLS failures.</summary>
public sealed class SmtpTlsRptResult
{
    /// <summary>Missing, Invalid or Valid (a <see cref="SmtpPolicyState"/> name).</summary>
    public string Status { get; set; } = nameof(SmtpPolicyState.Missing);

    /// <summary>The TXT record's name, <c>_smtp._tls.&lt;domain&gt;</c>.</summary>
    public string RecordName { get; set; } = string.Empty;

    /// <summary>How the TXT lookup ended (a <see cref="SmtpDnsStatus"/> name).</summary>
    public string RecordLookupStatus { get; set; } = string.Empty;

    /// <summary>Every TXT record found at <see cref="RecordName"/>.</summary>
    public string[] TxtRecords { get; set; } = Array.Empty<string>();

    /// <summary>The one record starting with <c>v=TLSRPTv1</c>, parsed; null when there is none.</summary>
    public SmtpTlsRptRecord? Record { get; set; }

    /// <summary>The report destinations; empty without a valid record.</summary>
    public string[] Rua => Record?.Rua ?? Array.Empty<string>();

    /// <inheritdoc />
    public override string ToString() => Status;
}
