using System;

namespace SmtpTls.Dns;

/// <summary>How a <see cref="SmtpDnsResolver"/> asks: which server, how long to wait, how often to retry.</summary>
/// <remarks>Each setter checks its value at once, so a bad <c>-DnsServer</c> fails before any query is sent.</remarks>
public sealed class SmtpDnsResolverOptions
{
    /// <summary>The longest accepted per-attempt timeout; longer waits only hide a dead server.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The most retries accepted.</summary>
    public const int MaxRetries = 10;

    private DnsServerEndpoint? _server;
    private TimeSpan _timeout = TimeSpan.FromSeconds(2);
    private int _retries = 1;

    /// <summary>
    /// The DNS server as <c>ip[:port]</c> (<c>127.0.0.1:5353</c>, <c>[::1]:5353</c>), or null to use
    /// the system's resolvers. Reading it back gives the normalized form.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not an IP address with an optional port.</exception>
    public string? Server
    {
        get => _server?.ToString();
        set
        {
            if (value is null)
            {
                _server = null;
                return;
            }

            if (!DnsServerEndpoint.TryParse(value, out var endpoint, out var error))
            {
                throw new ArgumentException(error, nameof(Server));
            }

            _server = endpoint;
        }
    }

    /// <summary>The parsed server, or null for the system's resolvers.</summary>
    public DnsServerEndpoint? ServerEndpoint
    {
        get => _server;
        set => _server = value;
    }

    /// <summary>How long to wait for one answer before retrying (default 2 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not more than zero, or more than <see cref="MaxTimeout"/>.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            if (value <= TimeSpan.Zero || value > MaxTimeout)
            {
                throw new ArgumentOutOfRangeException(nameof(Timeout), value, "The DNS timeout must be more than 0 and at most 60 seconds.");
            }

            _timeout = value;
        }
    }

    /// <summary>How many times to ask again after a timeout (default 1, so at most two attempts).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or more than <see cref="MaxRetries"/>.</exception>
    public int Retries
    {
        get => _retries;
        set
        {
            if (value < 0 || value > MaxRetries)
            {
                throw new ArgumentOutOfRangeException(nameof(Retries), value, "DNS retries must be between 0 and 10.");
            }

            _retries = value;
        }
    }

    /// <summary>The most queries accepted for <see cref="MaxQueriesInFlight"/>.</summary>
    public const int MaxQueriesInFlightLimit = 1024;

    private int _maxQueriesInFlight = 64;

    /// <summary>
    /// How many queries may wait for an answer at once (default 64); the rest queue in the resolver.
    /// A fleet run resolves many domains at once, and a burst of hundreds of UDP queries overflows a
    /// resolver's receive buffer: the lost queries then cost a whole timeout each.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 or more than <see cref="MaxQueriesInFlightLimit"/>.</exception>
    public int MaxQueriesInFlight
    {
        get => _maxQueriesInFlight;
        set
        {
            if (value < 1 || value > MaxQueriesInFlightLimit)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxQueriesInFlight), value, "The number of DNS queries in flight must be between 1 and 1024.");
            }

            _maxQueriesInFlight = value;
        }
    }

    /// <summary>
    /// Whether answers are cached for their TTL within this resolver (default true): a fleet run
    /// over many domains that share MX hosts then asks for each host once.
    /// </summary>
    public bool UseCache { get; set; } = true;
}
