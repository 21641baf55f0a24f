using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Certificates;

/// <summary>The outcome of one chain build, detached from the <see cref="X509Chain"/> that produced it.</summary>
internal sealed class BuiltChain
{
    /// <summary>Keeps the elements and the chain-wide status.</summary>
    /// <param name="elements">Leaf first.</param>
    /// <param name="flags">The chain-wide status.</param>
    public BuiltChain(List<BuiltChainElement> elements, X509ChainStatusFlags flags)
    {
        Elements = elements;
        Flags = flags;
    }

    /// <summary>Leaf first, root (or the last certificate found) last.</summary>
    public List<BuiltChainElement> Elements { get; }

    /// <summary>The chain-wide status.</summary>
    public X509ChainStatusFlags Flags { get; }

    /// <summary>No status on the chain or on any of its certificates.</summary>
    public bool Valid => Flags == X509ChainStatusFlags.NoError && ElementFlags == X509ChainStatusFlags.NoError;

    /// <summary>The statuses of all its certificates together.</summary>
    /// <remarks>A loop, not LINQ: this runs on every check, and LINQ's generic code is JIT-compiled again in each fresh session.</remarks>
    public X509ChainStatusFlags ElementFlags
    {
        get
        {
            var flags = X509ChainStatusFlags.NoError;
            for (var i = 0; i < Elements.Count; i++)
            {
                flags |= Elements[i].Flags;
            }

            return flags;
        }
    }

    /// <summary>Whether the chain reaches a self-issued certificate (a root), rather than stopping at a missing issuer.</summary>
    public bool EndsInSelfIssued => Elements.Count > 0 && CertificateFacts.IsSelfIssued(Elements[Elements.Count - 1].Certificate);
}
