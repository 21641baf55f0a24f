using System;
using System.Linq;

namespace SmtpTls;

/// <summary>The TLSA records of an MX host compared with the chain one of its endpoints presented.</summary>
public sealed class SmtpDaneEndpointResult
{
    /// <summary>The address the chain was presented on; null when the host was not reached.</summary>
    public string? Address { get; set; }

    /// <summary>Whether a certificate was presented on that connection.</summary>
    public bool CertificatePresented { get; set; }

    /// <summary>The SHA-256 of the presented leaf's SubjectPublicKeyInfo (the data of a <c>3 1 1</c> record); null without a certificate.</summary>
    public string? TlsaSha256 { get; set; }

    /// <summary>Whether at least one record matches: a DANE sender would authenticate this endpoint.</summary>
    public bool Matched { get; set; }

    /// <summary>Each record's comparison, in record order.</summary>
    public SmtpTlsaMatch[] Records { get; set; } = Array.Empty<SmtpTlsaMatch>();

    /// <summary>
    /// What senders at each TLS security level would do with this address (dane, dane-only, verify,
    /// secure, and mta-sts when the domain enforces a policy). Empty when DNSSEC was not validated by
    /// SmtpTls (no trust anchor), because the DANE levels depend on it.
    /// </summary>
    public SmtpSenderVerdict[] Senders { get; set; } = Array.Empty<SmtpSenderVerdict>();

    /// <summary>The sender verdicts in one line, e.g. <c>dane: deliver (Verified); verify: defer (NameMismatch)</c>.</summary>
    public string SendersSummary => string.Join("; ", Senders.Select(s => s.ToString()));

    /// <inheritdoc />
    public override string ToString() => (Address ?? "-") + ": " + (Matched ? "matched" : "not matched");
}
