using System.Collections.Generic;

namespace SmtpTls.Smtp;

/// <summary>What a hand-built ClientHello offers: one version, its suites, and the extensions a probe asks about.</summary>
internal sealed class TlsHelloSpec
{
    /// <summary>Creates a hello for <paramref name="protocol"/> with the builder's defaults.</summary>
    public TlsHelloSpec(SmtpTlsProtocol protocol)
    {
        Protocol = protocol;
    }

    /// <summary>The single version offered.</summary>
    public SmtpTlsProtocol Protocol { get; }

    /// <summary>The SNI name; null or an IP literal sends none.</summary>
    public string? ServerName { get; set; }

    /// <summary>The suites in the order offered; null for the version's default list.</summary>
    public IReadOnlyList<ushort>? CipherSuites { get; set; }

    /// <summary>supported_groups; null for the default curves.</summary>
    public IReadOnlyList<ushort>? Groups { get; set; }

    /// <summary>signature_algorithms (TLS 1.2 and 1.3); null for the default list.</summary>
    public IReadOnlyList<ushort>? SignatureAlgorithms { get; set; }

    /// <summary>TLS 1.3: send no key share, so that the server names its group in a HelloRetryRequest.</summary>
    public bool EmptyKeyShare { get; set; }

    /// <summary>Offer DEFLATE compression besides none.</summary>
    public bool OfferCompression { get; set; }

    /// <summary>Ask for a stapled OCSP response (status_request).</summary>
    public bool StatusRequest { get; set; }

    /// <summary>Send an empty session_ticket extension.</summary>
    public bool SessionTicket { get; set; }
}
