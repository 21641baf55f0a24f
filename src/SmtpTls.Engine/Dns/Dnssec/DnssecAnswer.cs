using System;
using System.Collections.Generic;

namespace SmtpTls.Dns.Dnssec;

/// <summary>A validated answer to one question: its records (the final RRset after any CNAMEs), the DNS outcome and the DNSSEC verdict.</summary>
internal sealed class DnssecAnswer
{
    /// <summary>The verdict on one answer.</summary>
    public DnssecAnswer(WireName name, ushort type, DnssecSecurity security, DnssecFailure failure, string detail)
    {
        Name = name;
        Type = type;
        Security = security;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>The name asked.</summary>
    public WireName Name { get; }

    /// <summary>The type asked (see <see cref="RecordType"/>).</summary>
    public ushort Type { get; }

    /// <summary>Secure, Insecure, Bogus or Indeterminate (RFC 4033 §5).</summary>
    public DnssecSecurity Security { get; }

    /// <summary>Why the answer is Bogus or Indeterminate; None otherwise.</summary>
    public DnssecFailure Failure { get; }

    /// <summary>English: how the verdict was reached or where the chain broke.</summary>
    public string Detail { get; }

    /// <summary>The records of the asked type (empty for a negative answer).</summary>
    public IReadOnlyList<WireRecord> Records { get; set; } = Array.Empty<WireRecord>();

    /// <summary>The DNS outcome: Ok, NoRecords, NxDomain, or a failure status.</summary>
    public SmtpDnsStatus Status { get; set; } = SmtpDnsStatus.Error;

    /// <summary>When the signature that validated the final RRset expires (Secure positive answers only).</summary>
    public DateTimeOffset? SignatureExpiration { get; set; }

    /// <summary>The zone whose keys signed the final answer (Secure only).</summary>
    public WireName? Signer { get; set; }

    public override string ToString() => Name + " " + RecordType.Name(Type) + ": " + Status + ", " + Security + (Detail.Length > 0 ? " (" + Detail + ")" : string.Empty);
}
