namespace SmtpTls.Dns.Dnssec;

/// <summary>The security status of RFC 4035 section 4.3, plus <see cref="Indeterminate"/> for "could not be judged at all".</summary>
internal enum DnssecSecurity
{
    /// <summary>Validation could not be done (no answer, limits reached): neither secure nor proven insecure.</summary>
    Indeterminate = 0,

    /// <summary>A chain of signed DNSKEY and DS records leads from the trust anchor to the answer.</summary>
    Secure = 1,

    /// <summary>A signed proof shows that no chain exists (an unsigned delegation above the name).</summary>
    Insecure = 2,

    /// <summary>A chain should exist but the data does not verify.</summary>
    Bogus = 3,
}
