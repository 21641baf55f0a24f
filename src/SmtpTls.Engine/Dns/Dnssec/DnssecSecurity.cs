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

/// <summary>The order of <see cref="DnssecSecurity"/> values by weakness, for combining the links of a chain.</summary>
internal static class DnssecSecurityOrder
{
    /// <summary>Bogus over Indeterminate over Insecure over Secure: a chain is as strong as its weakest link.</summary>
    public static int Weakness(this DnssecSecurity security) => security switch
    {
        DnssecSecurity.Secure => 0,
        DnssecSecurity.Insecure => 1,
        DnssecSecurity.Indeterminate => 2,
        _ => 3,
    };
}
