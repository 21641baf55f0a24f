using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns.Dnssec;

namespace SmtpTls.Dns;

/// <summary>
/// DNSSEC validation inside SmtpTls, from a trust anchor rather than the resolver's AD bit: asks the
/// resolver of a <see cref="SmtpDnsResolver"/> (with DO=1 and CD=1, so that even a validating resolver
/// hands over data it finds bogus) and judges every answer itself: signatures (RSA/SHA-1/256/512,
/// ECDSA P-256/P-384, Ed25519), the DS/DNSKEY chain from the anchor, and NSEC/NSEC3 proofs for
/// negative answers, so that "no TLSA records" is proven rather than assumed.
/// </summary>
/// <remarks>
/// One instance caches what it learns (zone keys, answers) for its lifetime: use one per check, not
/// one per process, so that key rollovers and new signatures are seen. Thread-safe. Bounded: at most
/// <see cref="MaxQueries"/> queries, each attempt limited by the resolver's timeout, CNAME chains
/// limited, answers of at most 65,535 bytes with at most 512 records read defensively.
/// </remarks>
public sealed class SmtpDnssecValidator
{
    /// <summary>The most DNS queries one validator sends.</summary>
    public const int MaxQueries = DnssecValidator.DefaultMaxQueries;

    private readonly DnssecValidator _validator;

    /// <summary>Creates a validator that asks the server of <paramref name="resolver"/> and starts from <paramref name="trustAnchor"/>.</summary>
    /// <param name="resolver">Its first server is asked; its timeout and retries apply to each query.</param>
    /// <param name="trustAnchor">The root trust anchor, e.g. <see cref="SmtpDnssecTrustAnchor.IanaRoot"/>.</param>
    /// <param name="now">The time signatures are judged at; null for the current time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> or <paramref name="trustAnchor"/> is null.</exception>
    /// <exception cref="ArgumentException">The resolver's server is not an IP address (a host name cannot be asked directly).</exception>
    public SmtpDnssecValidator(SmtpDnsResolver resolver, SmtpDnssecTrustAnchor trustAnchor, DateTimeOffset? now = null)
    {
        if (resolver is null)
        {
            throw new ArgumentNullException(nameof(resolver));
        }

        if (trustAnchor is null)
        {
            throw new ArgumentNullException(nameof(trustAnchor));
        }

        var server = resolver.Options.ServerEndpoint;
        if (server is null)
        {
            var first = resolver.Servers.FirstOrDefault();
            if (!DnsServerEndpoint.TryParse(first, out server, out var error) || server is null)
            {
                throw new ArgumentException("The resolver's server '" + first + "' cannot be asked directly: " + error, nameof(resolver));
            }
        }

        var client = new DnssecQueryClient(server.ToIPEndPoint(), resolver.Options.Timeout, resolver.Options.Retries);
        _validator = new DnssecValidator(client, trustAnchor, now is { } fixedNow ? () => fixedNow : null);
        TrustAnchor = trustAnchor;
    }

    /// <summary>The trust anchor validation starts from.</summary>
    public SmtpDnssecTrustAnchor TrustAnchor { get; }

    /// <summary>The server asked, <c>ip:port</c>.</summary>
    public string Server => _validator.ServerText;

    /// <summary>How many queries this validator has sent so far.</summary>
    public int QueriesSent => _validator.QueriesAsked;

    /// <summary>Asks for <paramref name="type"/> records of <paramref name="name"/> and validates the answer.</summary>
    /// <param name="name">The name, Unicode or ASCII.</param>
    /// <param name="type">MX, A, AAAA, TLSA, TXT, CNAME, NS, SOA, DS or DNSKEY.</param>
    /// <param name="cancellationToken">Cancels the queries in flight.</param>
    /// <returns>The answer with its DNSSEC state; failures are in it, never thrown.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid domain name, or <paramref name="type"/> is not one of the types above.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpDnssecAnswer> QueryAsync(string name, string type, CancellationToken cancellationToken = default)
    {
        var wireName = ToWireName(name);
        var wireType = type?.ToUpperInvariant() switch
        {
            "MX" => RecordType.Mx,
            "A" => RecordType.A,
            "AAAA" => RecordType.Aaaa,
            "TLSA" => RecordType.Tlsa,
            "TXT" => RecordType.Txt,
            "CNAME" => RecordType.Cname,
            "NS" => RecordType.Ns,
            "SOA" => RecordType.Soa,
            "DS" => RecordType.Ds,
            "DNSKEY" => RecordType.Dnskey,
            _ => throw new ArgumentException("Unsupported record type '" + type + "'.", nameof(type)),
        };
        return ToPublic(await _validator.QueryAsync(wireName, wireType, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The validator behind this façade, for the engine's own checks.</summary>
    internal DnssecValidator Inner => _validator;

    internal static WireName ToWireName(string name)
    {
        if (!DnsNames.TryToAscii(name, out var ascii, out var error))
        {
            throw new ArgumentException(error, nameof(name));
        }

        try
        {
            return WireName.Parse(ascii!);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(name), ex);
        }
    }

    internal static SmtpDnssecAnswer ToPublic(DnssecAnswer answer) => new()
    {
        Name = answer.Name.ToHostText(),
        Type = RecordType.Name(answer.Type),
        State = StateOf(answer.Security).ToString(),
        Reason = answer.Failure == DnssecFailure.None ? string.Empty : answer.Failure.ToString(),
        Detail = answer.Detail,
        DnsStatus = answer.Status.ToString(),
        Records = answer.Records.Select(Presentation).ToArray(),
        SignatureExpires = answer.SignatureExpiration,
        Signer = answer.Signer?.ToString(),
    };

    internal static SmtpDnssecState StateOf(DnssecSecurity security) => security switch
    {
        DnssecSecurity.Secure => SmtpDnssecState.Secure,
        DnssecSecurity.Insecure => SmtpDnssecState.Insecure,
        DnssecSecurity.Bogus => SmtpDnssecState.Bogus,
        _ => SmtpDnssecState.NotValidated,
    };

    internal static string Presentation(WireRecord record)
    {
        var d = record.Rdata;
        switch (record.Type)
        {
            case RecordType.A when d.Length == 4:
            case RecordType.Aaaa when d.Length == 16:
                return new IPAddress(d).ToString();
            case RecordType.Mx when d.Length > 2:
                var offset = 2;
                return ((d[0] << 8) | d[1]).ToString(CultureInfo.InvariantCulture) + " " + WireMessage.ReadName(d, d.Length, ref offset);
            case RecordType.Tlsa when d.Length > 3:
                return d[0] + " " + d[1] + " " + d[2] + " " + string.Concat(d.Skip(3).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            default:
                return "\\# " + d.Length + " " + string.Concat(d.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
