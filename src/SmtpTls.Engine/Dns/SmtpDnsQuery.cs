using System;

namespace SmtpTls;

/// <summary>
/// One DNS query as it happened: what was asked, who answered, how it ended and whether the
/// resolver vouched for the answer with the AD bit.
/// </summary>
public sealed class SmtpDnsQuery
{
    /// <summary>Creates the record of one query.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="type"/> is null or empty.</exception>
    public SmtpDnsQuery(
        string name,
        string type,
        SmtpDnsStatus status,
        int? responseCode,
        bool authenticatedData,
        int answerCount,
        string? server,
        TimeSpan elapsed,
        string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A query needs a name.", nameof(name));
        }

        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A query needs a type.", nameof(type));
        }

        Name = name;
        Type = type;
        Status = status;
        ResponseCode = responseCode;
        AuthenticatedData = authenticatedData;
        AnswerCount = answerCount;
        Server = server;
        Elapsed = elapsed;
        Error = error;
    }

    /// <summary>The queried name in ASCII (punycode) form.</summary>
    public string Name { get; }

    /// <summary>The record type: MX, A, AAAA, TXT, TLSA.</summary>
    public string Type { get; }

    /// <summary>How the query ended.</summary>
    public SmtpDnsStatus Status { get; }

    /// <summary>The DNS response code (RCODE, 0 = NOERROR, 2 = SERVFAIL, 3 = NXDOMAIN, 5 = REFUSED), or null when no response arrived.</summary>
    public int? ResponseCode { get; }

    /// <summary>
    /// The AD (authenticated data) bit of the response: the resolver says it validated the answer
    /// with DNSSEC. SmtpTls does not validate signatures itself; this is only as trustworthy as the
    /// resolver and the path to it. False whenever no response arrived.
    /// </summary>
    public bool AuthenticatedData { get; }

    /// <summary>How many answer records the response carried (CNAMEs included).</summary>
    public int AnswerCount { get; }

    /// <summary>The server that answered (or was asked last), as <c>ip:port</c>.</summary>
    public string? Server { get; }

    /// <summary>How long the query took, retries included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>What went wrong, in English, or null when the query succeeded or found nothing.</summary>
    public string? Error { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type}: {Status}" + (AuthenticatedData ? " (AD)" : string.Empty);
}
