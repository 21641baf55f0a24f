using System;

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

    /// <inheritdoc />
    public override string ToString() => (Address ?? "-") + ": " + (Matched ? "matched" : "not matched");
}
