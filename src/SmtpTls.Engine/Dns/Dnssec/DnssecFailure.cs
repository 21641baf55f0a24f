namespace SmtpTls.Dns.Dnssec;

/// <summary>Why an answer is not <c>Secure</c>: the reason ids results and findings carry (as names).</summary>
internal enum DnssecFailure
{
    /// <summary>Nothing failed.</summary>
    None = 0,

    /// <summary>A signed zone returned an RRset without a usable RRSIG (RFC 4035 section 5.3).</summary>
    SignatureMissing,

    /// <summary>The only RRSIGs have expired (RFC 4035 section 5.3.1).</summary>
    SignatureExpired,

    /// <summary>The only RRSIGs are not valid yet.</summary>
    SignatureNotYetValid,

    /// <summary>An RRSIG does not verify with the key it names.</summary>
    SignatureInvalid,

    /// <summary>No DNSKEY of the zone matches the key tag and algorithm of the RRSIG.</summary>
    KeyMissing,

    /// <summary>Only algorithms this validator does not implement were used.</summary>
    UnsupportedAlgorithm,

    /// <summary>No DNSKEY of the child zone matches a DS record of its parent (or the trust anchor).</summary>
    DsMismatch,

    /// <summary>A negative answer came without a valid NSEC/NSEC3 proof (RFC 4035 section 5.4, RFC 5155 section 8).</summary>
    DenialMissing,

    /// <summary>A query needed for validation failed (timeout, SERVFAIL, REFUSED, unreadable answer).</summary>
    LookupFailed,

    /// <summary>The bound on queries or time per validation was reached.</summary>
    LimitReached,

    /// <summary>The CNAME chain is too long or loops.</summary>
    CnameChain,
}
