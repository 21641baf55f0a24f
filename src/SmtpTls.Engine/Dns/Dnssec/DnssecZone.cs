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

    /// <summary>Whether the zone's keys are validated (Secure), proven unsigned (Insecure) or broken (Bogus).</summary>
    public DnssecSecurity Security { get; }

    /// <summary>The validated zone keys (Secure only).</summary>
    public IReadOnlyList<DnskeyData> Keys { get; }

    /// <summary>Why the chain broke; None for Secure and Insecure.</summary>
    public DnssecFailure Failure { get; }

    /// <summary>An English line for logs and verbose output: where and why the chain stopped.</summary>
    public string Detail { get; }

    /// <summary>A zone whose keys chain to the trust anchor.</summary>
    public static DnssecZone Secure(WireName name, IReadOnlyList<DnskeyData> keys) => new(name, DnssecSecurity.Secure, keys, DnssecFailure.None, string.Empty);

    /// <summary>A zone below a proven unsigned delegation.</summary>
    public static DnssecZone Insecure(WireName name, string detail) => new(name, DnssecSecurity.Insecure, new List<DnskeyData>(), DnssecFailure.None, detail);

    /// <summary>A zone whose chain of trust is broken.</summary>
    public static DnssecZone Bogus(WireName name, DnssecFailure failure, string detail) => new(name, DnssecSecurity.Bogus, new List<DnskeyData>(), failure, detail);

    /// <summary>A zone whose keys could not be fetched (no answer, not a failed validation).</summary>
    public static DnssecZone Indeterminate(WireName name, DnssecFailure failure, string detail) => new(name, DnssecSecurity.Indeterminate, new List<DnskeyData>(), failure, detail);
}
