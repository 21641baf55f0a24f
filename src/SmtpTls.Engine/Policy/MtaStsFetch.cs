namespace SmtpTls.Policy;

/// <summary>What fetching one MTA-STS policy came to: the policy bytes, or the localized reason there are none, with the evidence on the way.</summary>
internal sealed class MtaStsFetch
{
    public MtaStsFetch(string policyHost, string url)
    {
        PolicyHost = policyHost;
        Url = url;
    }

    public string PolicyHost { get; }

    public string Url { get; }

    /// <summary>The address connected to; null when no connection was made.</summary>
    public string? Address { get; set; }

    /// <summary>The HTTPS certificate analysed for the policy host name; null when no handshake got that far.</summary>
    public SmtpCertificateInfo? Certificate { get; set; }

    public int? HttpStatus { get; set; }

    public string? ContentType { get; set; }

    /// <summary>The Location of a redirect, which is reported and never followed.</summary>
    public string? RedirectLocation { get; set; }

    /// <summary>The policy body (at most the bound); null when the fetch failed.</summary>
    public byte[]? Body { get; set; }

    /// <summary>How many body bytes were read from the connection, for the bound's evidence.</summary>
    public long BodyBytesRead { get; set; }

    /// <summary>Why there is no policy, in the requested language; null on success.</summary>
    public string? Error { get; set; }

    public bool Succeeded => Error is null && Body is not null;
}
