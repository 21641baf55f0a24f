using System.Collections.Generic;

namespace SmtpTls.Dns.Dnssec;

/// <summary>What the chain of trust says about the zone that holds a name: secure with its keys, provably unsigned, or broken.</summary>
internal sealed class DnssecZone
{
    private DnssecZone(WireName name, DnssecSecurity security, IReadOnlyList<DnskeyData> keys, DnssecFailure failure, string detail)
    {
        Name = name;
        Security = security;
        Keys = keys;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>The zone apex (for Insecure and Bogus: the name where the chain stopped).</summary>
    public WireName Name { get; }

    public DnssecSecurity Security { get; }

    /// <summary>The validated zone keys (Secure only).</summary>
    public IReadOnlyList<DnskeyData> Keys { get; }

    public DnssecFailure Failure { get; }

    /// <summary>An English line for logs and verbose output: where and why the chain stopped.</summary>
    public string Detail { get; }

    public static DnssecZone Secure(WireName name, IReadOnlyList<DnskeyData> keys) => new(name, DnssecSecurity.Secure, keys, DnssecFailure.None, string.Empty);

    public static DnssecZone Insecure(WireName name, string detail) => new(name, DnssecSecurity.Insecure, new List<DnskeyData>(), DnssecFailure.None, detail);

    public static DnssecZone Bogus(WireName name, DnssecFailure failure, string detail) => new(name, DnssecSecurity.Bogus, new List<DnskeyData>(), failure, detail);

    public static DnssecZone Indeterminate(WireName name, DnssecFailure failure, string detail) => new(name, DnssecSecurity.Indeterminate, new List<DnskeyData>(), failure, detail);
}
