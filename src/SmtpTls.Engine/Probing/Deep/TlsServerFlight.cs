using System.Collections.Generic;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// The server's first flight as far as it travels in the clear: the ServerHello and, up to TLS 1.2,
/// the certificates, the stapled OCSP response, the key exchange parameters and whether a client
/// certificate is requested. From TLS 1.3 on everything after the ServerHello is encrypted.
/// </summary>
internal sealed class TlsServerFlight
{
    /// <summary>The ServerHello, or the alert/other answer that came instead.</summary>
    public TlsHelloAnswer Hello { get; set; } = TlsHelloAnswer.Of(TlsHelloAnswerKind.Incomplete);

    /// <summary>DER certificates of the Certificate message, leaf first (TLS 1.2 and older).</summary>
    public List<byte[]> Certificates { get; } = new();

    /// <summary>The DER OCSPResponse of a CertificateStatus message, when the server stapled one.</summary>
    public byte[]? OcspResponse { get; set; }

    /// <summary>The size in bits of the DH prime of a DHE ServerKeyExchange.</summary>
    public int? DhPrimeBits { get; set; }

    /// <summary>The named curve of an ECDHE ServerKeyExchange.</summary>
    public ushort? EcdheCurve { get; set; }

    /// <summary>Whether a CertificateRequest was part of the flight.</summary>
    public bool CertificateRequested { get; set; }

    /// <summary>Whether the flight ended with ServerHelloDone (every cleartext message was read).</summary>
    public bool Complete { get; set; }
}
