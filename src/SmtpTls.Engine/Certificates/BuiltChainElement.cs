using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Certificates;

/// <summary>One certificate of a <see cref="BuiltChain"/> with its own status.</summary>
internal sealed class BuiltChainElement
{
    public BuiltChainElement(X509Certificate2 certificate, X509ChainStatusFlags flags, string information)
    {
        Certificate = certificate;
        Flags = flags;
        Information = information;
    }

    public X509Certificate2 Certificate { get; }

    public X509ChainStatusFlags Flags { get; set; }

    /// <summary>The platform's own description of the problems (English), for flags without a text of ours.</summary>
    public string Information { get; }
}
