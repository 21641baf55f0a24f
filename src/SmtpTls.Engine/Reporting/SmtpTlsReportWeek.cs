using System;

namespace SmtpTls.Reporting;

/// <summary>How many distinct certificates expire in one week (or have expired already).</summary>
public sealed class SmtpTlsReportWeek
{
    /// <summary>The Monday the week starts on; <see cref="DateTime.MinValue"/> for the "expired" bucket.</summary>
    public DateTime Start { get; set; }

    /// <summary>Whether this is the bucket of certificates that have expired already.</summary>
    public bool IsExpired { get; set; }

    /// <summary>The number of distinct certificates (by SHA-256 fingerprint) in the bucket.</summary>
    public int Certificates { get; set; }
}
