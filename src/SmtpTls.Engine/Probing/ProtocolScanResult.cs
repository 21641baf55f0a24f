using System;

namespace SmtpTls.Probing;

/// <summary>What the protocol scan found: one entry per version, and the weak suite accepted, if any.</summary>
internal sealed class ProtocolScanResult
{
    /// <summary>One entry per version, SSL 3.0 to TLS 1.3.</summary>
    public SmtpTlsProtocolSupport[] Protocols { get; set; } = Array.Empty<SmtpTlsProtocolSupport>();

    /// <summary>The IANA name of a weak suite the server chose when offered nothing else; null when it refused them all.</summary>
    public string? WeakCipherAccepted { get; set; }

    /// <summary>How long the scan took.</summary>
    public TimeSpan Duration { get; set; }
}
