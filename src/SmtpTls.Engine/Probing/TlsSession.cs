using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Probing;

/// <summary>An established TLS layer over an SMTP connection, with what the handshake showed.</summary>
internal sealed class TlsSession : IDisposable
{
    public TlsSession(SslStream stream, SmtpTlsProtocol? protocol, string? cipherSuite, X509Certificate2[] presentedChain, SslPolicyErrors policyErrors)
    {
        Stream = stream;
        Protocol = protocol;
        CipherSuite = cipherSuite;
        PresentedChain = presentedChain;
        PolicyErrors = policyErrors;
    }

    public SslStream Stream { get; }

    public SmtpTlsProtocol? Protocol { get; }

    public string? CipherSuite { get; }

    /// <summary>Leaf first; empty when the server presented no certificate on this connection.</summary>
    public X509Certificate2[] PresentedChain { get; }

    /// <summary>What .NET's own validation said (system store only), kept for the failure text.</summary>
    public SslPolicyErrors PolicyErrors { get; }

    public void Dispose() => Stream.Dispose();
}
