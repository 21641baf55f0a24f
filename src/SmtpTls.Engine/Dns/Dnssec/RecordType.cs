namespace SmtpTls.Dns.Dnssec;

/// <summary>The DNS record types the validator reads (IANA "Resource Record (RR) TYPEs").</summary>
internal static class RecordType
{
    /// <summary>An IPv4 address (RFC 1035).</summary>
    public const ushort A = 1;
    /// <summary>An authoritative name server (RFC 1035).</summary>
    public const ushort Ns = 2;
    /// <summary>A canonical name (RFC 1035).</summary>
    public const ushort Cname = 5;
    /// <summary>The start of a zone of authority (RFC 1035).</summary>
    public const ushort Soa = 6;
    /// <summary>A domain name pointer (RFC 1035).</summary>
    public const ushort Ptr = 12;
    /// <summary>A mail exchange (RFC 1035, RFC 7505 for the null MX).</summary>
    public const ushort Mx = 15;
    /// <summary>Text strings (RFC 1035): MTA-STS and TLS-RPT records.</summary>
    public const ushort Txt = 16;
    /// <summary>An IPv6 address (RFC 3596).</summary>
    public const ushort Aaaa = 28;
    /// <summary>A service location (RFC 2782).</summary>
    public const ushort Srv = 33;
    /// <summary>A delegation of a subtree (RFC 6672).</summary>
    public const ushort Dname = 39;
    /// <summary>The EDNS(0) pseudo-record (RFC 6891).</summary>
    public const ushort Opt = 41;
    /// <summary>A delegation signer (RFC 4034 §5).</summary>
    public const ushort Ds = 43;
    /// <summary>A signature over an RRset (RFC 4034 §3).</summary>
    public const ushort Rrsig = 46;
    /// <summary>Authenticated denial: the next owner name (RFC 4034 §4).</summary>
    public const ushort Nsec = 47;
    /// <summary>A zone's public key (RFC 4034 §2).</summary>
    public const ushort Dnskey = 48;
    /// <summary>Authenticated denial with hashed names (RFC 5155).</summary>
    public const ushort Nsec3 = 50;
    /// <summary>A TLS certificate association for DANE (RFC 6698).</summary>
    public const ushort Tlsa = 52;

    /// <summary>The mnemonic, or <c>TYPEnnn</c> (RFC 3597) for others.</summary>
    public static string Name(ushort type) => type switch
    {
        A => "A",
        Ns => "NS",
        Cname => "CNAME",
        Soa => "SOA",
        Ptr => "PTR",
        Mx => "MX",
        Txt => "TXT",
        Aaaa => "AAAA",
        Srv => "SRV",
        Dname => "DNAME",
        Ds => "DS",
        Rrsig => "RRSIG",
        Nsec => "NSEC",
        Dnskey => "DNSKEY",
        Nsec3 => "NSEC3",
        Tlsa => "TLSA",
        _ => "TYPE" + type,
    };
}
