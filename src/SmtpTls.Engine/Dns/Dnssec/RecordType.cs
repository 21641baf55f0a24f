namespace SmtpTls.Dns.Dnssec;

/// <summary>The DNS record types the validator reads (IANA "Resource Record (RR) TYPEs").</summary>
internal static class RecordType
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Cname = 5;
    public const ushort Soa = 6;
    public const ushort Ptr = 12;
    public const ushort Mx = 15;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Srv = 33;
    public const ushort Dname = 39;
    public const ushort Opt = 41;
    public const ushort Ds = 43;
    public const ushort Rrsig = 46;
    public const ushort Nsec = 47;
    public const ushort Dnskey = 48;
    public const ushort Nsec3 = 50;
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
