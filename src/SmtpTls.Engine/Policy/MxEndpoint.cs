using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;

namespace SmtpTls.Policy;

/// <summary>One presented MX endpoint with its host name in ASCII form, as the checks use it.</summary>
internal sealed class MxEndpoint
{
    /// <summary>One checked endpoint of an MX host.</summary>
    /// <param name="mxHost">The MX host name, normalized.</param>
    /// <param name="source">What the caller's check of that endpoint presented.</param>
    public MxEndpoint(string mxHost, PresentedMxCertificate source)
    {
        MxHost = mxHost;
        Source = source;
    }

    /// <summary>The MX host, ASCII form, lower case.</summary>
    public string MxHost { get; }

    /// <summary>What the caller's check presented.</summary>
    public PresentedMxCertificate Source { get; }

    /// <summary>The address checked, or null.</summary>
    public string? Address => Source.Address;

    /// <summary>The port checked.</summary>
    public int Port => Source.Port;

    /// <summary>The certificate presented there, or null when none was.</summary>
    public SmtpCertificateInfo? Certificate => Source.Certificate;

    /// <summary><c>host [address]</c>, or the host alone: the target of endpoint findings.</summary>
    public string Target => Address is null ? MxHost : MxHost + " [" + Address + "]";

    /// <summary>The certificates as presented, leaf first; empty when none (or when they did not survive serialization).</summary>
    public IReadOnlyList<X509Certificate2> PresentedChain
    {
        get
        {
            var info = Certificate;
            if (info is null)
            {
                return new X509Certificate2[0];
            }

            var chain = info.PresentedChain.Select(e => e.Certificate).Where(c => c is not null).Select(c => c!).ToList();
            if (chain.Count == 0 && info.Certificate is not null)
            {
                chain.Add(info.Certificate);
            }

            return chain;
        }
    }

    /// <summary>
    /// Whether the certificate names the MX host. Checked afresh against the MX name when the
    /// certificate is at hand, because the probe may have checked another name (-ServerName).
    /// </summary>
    public bool? HostnameMatch
    {
        get
        {
            var info = Certificate;
            if (info is null)
            {
                return null;
            }

            if (info.Certificate is not null)
            {
                return HostnameMatcher.Matches(info.Certificate, MxHost);
            }

            return string.Equals(info.ServerName, MxHost, System.StringComparison.OrdinalIgnoreCase) ? info.HostnameMatch : null;
        }
    }
}
