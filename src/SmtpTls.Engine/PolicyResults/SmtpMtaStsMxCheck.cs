namespace SmtpTls;

/// <summary>One MX endpoint held against the domain's MTA-STS policy: is the host listed, and would its certificate be accepted?</summary>
public sealed class SmtpMtaStsMxCheck
{
    /// <summary>The MX host name (ASCII form).</summary>
    public string MxHost { get; set; } = string.Empty;

    /// <summary>The address the certificate was presented on; null when the host was not reached.</summary>
    public string? Address { get; set; }

    /// <summary>The first <c>mx</c> pattern of the policy that covers the host; null when none does.</summary>
    public string? MatchedPattern { get; set; }

    /// <summary>Whether a pattern of the policy covers the host.</summary>
    public bool PatternMatch { get; set; }

    /// <summary>Whether the host presented a certificate on that connection.</summary>
    public bool CertificatePresented { get; set; }

    /// <summary>Whether the certificate's chain is trusted and within its validity; null when none was presented.</summary>
    public bool? ChainValid { get; set; }

    /// <summary>Whether the certificate names the MX host; null when none was presented.</summary>
    public bool? HostnameMatch { get; set; }

    /// <summary>Whether an MTA-STS sender would accept the certificate (presented, chain valid, names the MX host).</summary>
    public bool CertificateAccepted { get; set; }

    /// <inheritdoc />
    public override string ToString() => MxHost + (Address is null ? string.Empty : " [" + Address + "]");
}
