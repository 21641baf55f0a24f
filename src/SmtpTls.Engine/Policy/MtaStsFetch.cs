namespace SmtpTls.Policy;

/// <summary>What fetching one MTA-STS policy came to: the policy bytes, or the localized reason there are none, with the evidence on the way.</summary>
internal sealed class MtaStsFetch
{
    /// <summary>Starts the record of one fetch.</summary>
    /// <param name="policyHost">The policy host, <c>mta-sts.</c> and the domain.</param>
    /// <param name="url">The policy URL (RFC 8461 §3.3).</param>
    public MtaStsFetch(string policyHost, string url)
    {
        PolicyHost = policyHost;
        Url = url;
    }

    /// <summary>The policy host, <c>mta-sts.</c> and the domain.</summary>
    public string PolicyHost { get; }

    /// <summary>The policy URL.</summary>
    public string Url { get; }

    /// <summary>The address connected to; null when no connection was made.</summary>
    public string? Address { get; set; }

    /// <summary>The HTTPS certificate analysed for the policy host name; null when no handshake got that far.</summary>
    public SmtpCertificateInfo? Certificate { get; set; }

    /// <summary>The HTTP status code; null when no response came.</summary>
    public int? HttpStatus { get; set; }

    /// <summary>The Content-Type the server sent (RFC 8461 wants text/plain); null when none.</summary>
    public string? ContentType { get; set; }

    /// <summary>The Location of a redirect, which is reported and never followed.</summary>
    public string? RedirectLocation { get; set; }

    /// <summary>The policy body (at most the bound); null when the fetch failed.</summary>
    public byte[]? Body { get; set; }

    /// <summary>How many body bytes were read from the connection, for the bound's evidence.</summary>
    public long BodyBytesRead { get; set; }

    /// <summary>Why there is no policy, in the requested language; null on success.</summary>
    public string? Error { get; set; }

    /// <summary>Whether there is a policy body to parse.</summary>
    public bool Succeeded => Error is null && Body is not null;
}
