using System;

namespace SmtpTls;

/// <summary>
/// A domain's MTA-STS publication (RFC 8461) as a sender would see it: the <c>_mta-sts</c> TXT
/// record, the policy fetched over HTTPS and parsed, and every MX endpoint held against the policy.
/// </summary>
public sealed class SmtpMtaStsResult
{
    /// <summary>Missing, Invalid or Valid (a <see cref="SmtpPolicyState"/> name).</summary>
    public string Status { get; set; } = nameof(SmtpPolicyState.Missing);

    /// <summary>The TXT record's name, <c>_mta-sts.&lt;domain&gt;</c>.</summary>
    public string RecordName { get; set; } = string.Empty;

    /// <summary>How the TXT lookup ended (a <see cref="SmtpDnsStatus"/> name).</summary>
    public string RecordLookupStatus { get; set; } = string.Empty;

    /// <summary>Every TXT record found at <see cref="RecordName"/>, STSv1 or not.</summary>
    public string[] TxtRecords { get; set; } = Array.Empty<string>();

    /// <summary>The one record that starts with <c>v=STSv1</c>, parsed; null when there is none (or several, see <see cref="SmtpMtaStsRecord.Errors"/>).</summary>
    public SmtpMtaStsRecord? Record { get; set; }

    /// <summary>The policy host, <c>mta-sts.&lt;domain&gt;</c>.</summary>
    public string PolicyHost { get; set; } = string.Empty;

    /// <summary>The URL the policy was fetched from; null when it was not fetched (no STSv1 record).</summary>
    public string? PolicyUrl { get; set; }

    /// <summary>The address the policy host was reached at; null when it was not reached.</summary>
    public string? PolicyHostAddress { get; set; }

    /// <summary>The certificate the policy host presented, analysed for the name <c>mta-sts.&lt;domain&gt;</c>; null when no TLS handshake got that far.</summary>
    public SmtpCertificateInfo? PolicyHostCertificate { get; set; }

    /// <summary>The HTTP status code of the policy request; null when no response arrived.</summary>
    public int? HttpStatus { get; set; }

    /// <summary>The Content-Type header of the response, as sent.</summary>
    public string? ContentType { get; set; }

    /// <summary>Where a 3xx response pointed; such redirects are reported, never followed (RFC 8461 section 3.3).</summary>
    public string? RedirectLocation { get; set; }

    /// <summary>Why the policy could not be fetched, in the requested language; null when it was.</summary>
    public string? FetchError { get; set; }

    /// <summary>The policy text as fetched (at most 64 KiB); null when none was fetched.</summary>
    public string? PolicyText { get; set; }

    /// <summary>The policy, parsed; null when none was fetched.</summary>
    public SmtpMtaStsPolicy? Policy { get; set; }

    /// <summary>The policy's mode (<c>enforce</c>, <c>testing</c>, <c>none</c>); null without a policy.</summary>
    public string? Mode => Policy?.Mode;

    /// <summary>Every MX endpoint held against a valid policy; empty when there is none.</summary>
    public SmtpMtaStsMxCheck[] MxChecks { get; set; } = Array.Empty<SmtpMtaStsMxCheck>();

    /// <inheritdoc />
    public override string ToString() => Status + (Mode is null ? string.Empty : " (" + Mode + ")");
}
