using System;

namespace SmtpTls;

/// <summary>One DNS question answered and validated from the trust anchor by <see cref="SmtpTls.Dns.SmtpDnssecValidator"/>.</summary>
public sealed class SmtpDnssecAnswer
{
    /// <summary>The name asked, e.g. <c>_25._tcp.mx.example.net</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The record type asked, e.g. <c>TLSA</c>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Secure, Insecure, Bogus or NotValidated (a <see cref="SmtpDnssecState"/> name).</summary>
    public string State { get; set; } = nameof(SmtpDnssecState.NotValidated);

    /// <summary>Why it is not Secure, as an id (e.g. <c>SignatureExpired</c>, <c>SignatureInvalid</c>, <c>DsMismatch</c>, <c>DenialMissing</c>, <c>LookupFailed</c>); empty when nothing failed.</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>Where the chain stopped or how the verdict was reached, in English (names and record types from DNS, never localized).</summary>
    public string Detail { get; set; } = string.Empty;

    /// <summary>How the lookup ended: Ok, NoRecords, NxDomain or a failure (a <see cref="SmtpDnsStatus"/> name).</summary>
    public string DnsStatus { get; set; } = nameof(SmtpDnsStatus.Error);

    /// <summary>The records of the asked type, in presentation form where SmtpTls knows the type (A, AAAA, MX, TLSA), else as <c>\# len hex</c> (RFC 3597).</summary>
    public string[] Records { get; set; } = Array.Empty<string>();

    /// <summary>When the signature that validated the records expires (UTC); null unless the answer is Secure and positive.</summary>
    public DateTimeOffset? SignatureExpires { get; set; }

    /// <summary>The zone whose key signed the records (Secure answers only), e.g. <c>example.net.</c>.</summary>
    public string? Signer { get; set; }

    /// <inheritdoc />
    public override string ToString() => Name + " " + Type + ": " + DnsStatus + ", " + State + (Reason.Length > 0 ? " (" + Reason + ")" : string.Empty);
}
