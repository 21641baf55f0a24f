using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;

namespace SmtpTls.Smtp;

/// <summary>An established TLS layer over an SMTP connection, with what the handshake showed.</summary>
internal sealed class TlsSession : IDisposable
{
    /// <summary>Keeps what one handshake established.</summary>
    /// <param name="stream">The authenticated stream.</param>
    /// <param name="protocol">The negotiated version, or null when the platform does not say.</param>
    /// <param name="cipherSuite">The negotiated suite's IANA name, or null.</param>
    /// <param name="presentedChain">The certificates the server sent, leaf first.</param>
    /// <param name="policyErrors">What .NET's own validation said.</param>
    public TlsSession(SslStream stream, SmtpTlsProtocol? protocol, string? cipherSuite, X509Certificate2[] presentedChain, SslPolicyErrors policyErrors)
    {
        Stream = stream;
        Protocol = protocol;
        CipherSuite = cipherSuite;
        PresentedChain = presentedChain;
        PolicyErrors = policyErrors;
    }

    /// <summary>The authenticated stream; the SMTP dialogue goes on inside it.</summary>
    public SslStream Stream { get; }

    /// <summary>The negotiated version, or null when the platform does not say.</summary>
    public SmtpTlsProtocol? Protocol { get; }

    /// <summary>The negotiated suite's IANA name, or null.</summary>
    public string? CipherSuite { get; }

    /// <summary>Leaf first; empty when the server presented no certificate on this connection.</summary>
    public X509Certificate2[] PresentedChain { get; }

    /// <summary>What .NET's own validation said, kept for the failure text.</summary>
    public SslPolicyErrors PolicyErrors { get; }

    /// <summary>
    /// The chain SslStream built inside the handshake with the analysis' own first policy, or null
    /// when it cannot stand in for that build (netstandard2.0, or a usage check of SslStream's own failed).
    /// </summary>
    public BuiltChain? HandshakeChain { get; set; }

    /// <summary>Whether the server sent a CertificateRequest; null where the platform does not tell (netstandard2.0).</summary>
    public bool? ClientCertificateRequested { get; set; }

    /// <summary>The distinguished names of the CAs the server named in its CertificateRequest (may be empty).</summary>
    public string[] ClientCertificateAuthorities { get; set; } = Array.Empty<string>();

    /// <summary>Closes the TLS stream and the connection under it.</summary>
    public void Dispose() => Stream.Dispose();
}
