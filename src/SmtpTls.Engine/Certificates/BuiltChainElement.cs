using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Certificates;

/// <summary>One certificate of a <see cref="BuiltChain"/> with its own status.</summary>
internal sealed class BuiltChainElement
{
    /// <summary>One certificate with its status.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="flags">Its own status flags.</param>
    /// <param name="information">The platform's words for the status, or empty.</param>
    public BuiltChainElement(X509Certificate2 certificate, X509ChainStatusFlags flags, string information)
    {
        Certificate = certificate;
        Flags = flags;
        Information = information;
    }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Its own status flags.</summary>
    public X509ChainStatusFlags Flags { get; set; }

    /// <summary>The platform's own description of the problems (English), for flags without a text of ours.</summary>
    public string Information { get; }
}
