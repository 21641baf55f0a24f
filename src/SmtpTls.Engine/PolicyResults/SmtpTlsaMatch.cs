namespace SmtpTls;

/// <summary>One TLSA record compared with the chain one MX endpoint presented.</summary>
public sealed class SmtpTlsaMatch
{
    /// <summary>The record in zone-file form, <c>usage selector matching-type data</c>.</summary>
    public string Record { get; set; } = string.Empty;

    /// <summary>Certificate usage: 2 DANE-TA, 3 DANE-EE (0 and 1 are not used for SMTP).</summary>
    public int Usage { get; set; }

    /// <summary>Selector: 0 the whole certificate, 1 the SubjectPublicKeyInfo.</summary>
    public int Selector { get; set; }

    /// <summary>Matching type: 0 exact, 1 SHA-256, 2 SHA-512.</summary>
    public int MatchingType { get; set; }

    /// <summary>The outcome (a <see cref="SmtpTlsaMatchResult"/> name).</summary>
    public string Result { get; set; } = nameof(SmtpTlsaMatchResult.NotChecked);

    /// <summary>The outcome as a value.</summary>
    public SmtpTlsaMatchResult Outcome { get; set; } = SmtpTlsaMatchResult.NotChecked;

    /// <summary>The position in the presented chain of the certificate the data matched (0 = leaf); null when nothing matched.</summary>
    public int? MatchedDepth { get; set; }

    /// <summary>The subject of the certificate the data matched; null when nothing matched.</summary>
    public string? MatchedSubject { get; set; }

    /// <summary>The outcome explained, in the requested language.</summary>
    public string Detail { get; set; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Record + ": " + Result;
}
