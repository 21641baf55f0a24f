using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// What every probe of one deep scan shares: the endpoint, the per-step timeout, a cap on
/// connections open at once (a scan must not look like a flood to the server), the count of
/// connections made, and the notes of what could not be found out.
/// </summary>
internal sealed class DeepProbeContext : IDisposable
{
    /// <summary>Connections of one scan open at once: enough to finish in a few round trips, few enough to stay polite.</summary>
    public const int MaxConcurrentConnections = 8;

    private readonly SemaphoreSlim _slots;
    private readonly List<string> _notes = new();
    private int _connections;

    /// <summary>Sets up one scan of one endpoint; nothing connects until a probe asks.</summary>
    /// <param name="address">The address of the endpoint (already resolved: every probe of a scan must reach the same server).</param>
    /// <param name="port">The port.</param>
    /// <param name="mode">Whether each connection speaks SMTP up to STARTTLS first or starts with TLS.</param>
    /// <param name="serverName">The name sent as SNI, or null for none.</param>
    /// <param name="heloName">The name said in EHLO before STARTTLS.</param>
    /// <param name="timeout">The bound on every network step of every probe connection.</param>
    /// <param name="log">Receives the dialogue of the probe connections (for -Verbose); null: none.</param>
    /// <param name="sourceAddress">The local address to connect from, or null for the system's choice.</param>
    /// <param name="maxConnections">
    /// Connections open at once, at most <see cref="MaxConcurrentConnections"/>: a check limited to fewer
    /// per address (-ThrottleLimitPerAddress) keeps its scan to that many as well.
    /// </param>
    /// <param name="cancellationToken">Ends every probe of the scan (the check's deadline or Ctrl+C).</param>
    public DeepProbeContext(
        IPAddress address, int port, SmtpTlsMode mode, string? serverName, string heloName, TimeSpan timeout, Action<string>? log, IPAddress? sourceAddress, int maxConnections, CancellationToken cancellationToken)
    {
        _slots = new SemaphoreSlim(Math.Max(1, Math.Min(MaxConcurrentConnections, maxConnections <= 0 ? MaxConcurrentConnections : maxConnections)));
        SourceAddress = sourceAddress;
        Address = address;
        Port = port;
        Mode = mode;
        ServerName = serverName;
        HeloName = heloName;
        Timeout = timeout;
        Log = log;
        CancellationToken = cancellationToken;
    }

    /// <summary>The endpoint's address; every probe connects to this one, never to another address of the name.</summary>
    public IPAddress Address { get; }

    /// <summary>The local address to connect from (-SourceAddress), or null.</summary>
    public IPAddress? SourceAddress { get; }

    /// <summary>The endpoint's port.</summary>
    public int Port { get; }

    /// <summary>Whether each probe connection speaks SMTP up to STARTTLS first or starts with TLS.</summary>
    public SmtpTlsMode Mode { get; }

    /// <summary>The SNI name of the probes' hellos; null: none.</summary>
    public string? ServerName { get; }

    /// <summary>The EHLO name of the probe connections.</summary>
    public string HeloName { get; }

    /// <summary>The bound on every network step of a probe connection.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Receives the probe connections' dialogue, or null.</summary>
    public Action<string>? Log { get; }

    /// <summary>Ends every probe of the scan.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>How many connections the scan has opened so far (reported, so a user sees what the scan cost the server).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>What the scan could not find out, each said once, in the order it was noted.</summary>
    public string[] Notes
    {
        get
        {
            lock (_notes)
            {
                return _notes.ToArray();
            }
        }
    }

    /// <summary>Adds a note unless it was noted already (many probes meet the same limitation).</summary>
    /// <param name="note">The note, in the culture of the check.</param>
    public void Note(string note)
    {
        lock (_notes)
        {
            if (!_notes.Contains(note))
            {
                _notes.Add(note);
            }
        }
    }

    /// <summary>
    /// Sends the hello <paramref name="spec"/> describes on a connection of its own and reads the server's
    /// cleartext first flight. Network failures come back as a Closed/NotTls hello with the detail.
    /// </summary>
    /// <param name="name">What the probe is called in the -Verbose lines.</param>
    /// <param name="spec">The ClientHello to send.</param>
    /// <returns>The server's first flight, or a Closed hello with the reason.</returns>
    public async Task<TlsServerFlight> ExchangeAsync(string name, TlsHelloSpec spec)
    {
        await _slots.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _connections);
            var log = Log is null ? null : new Action<string>(line => Log("[Deep " + name + "] " + line));
            var (connection, failure) = await TlsProbeConnection.OpenAsync(Address, Port, Mode, HeloName, Timeout, log, SourceAddress, CancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                return new TlsServerFlight { Hello = TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed, failure) };
            }

            using (connection)
            {
                try
                {
                    connection.Log("C: <TLS ClientHello>");
                    var flight = await TlsServerFlightParser.ExchangeAsync(connection, TlsClientHelloBuilder.Build(spec), CancellationToken).ConfigureAwait(false);
                    connection.Log("S: <" + flight.Hello.Describe() + ">");
                    return flight;
                }
                catch (Exception ex) when (TlsProbeConnection.IsProbeFailure(ex))
                {
                    return new TlsServerFlight { Hello = TlsHelloAnswer.Of(TlsHelloAnswerKind.Closed, ex.Message) };
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Takes one of the connection slots for a probe that opens its own connection.</summary>
    /// <returns>The slot; disposing it gives it back (once, however often it is disposed).</returns>
    public async Task<IDisposable> TakeSlotAsync()
    {
        await _slots.WaitAsync(CancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        return new Slot(_slots);
    }

    /// <summary>Releases the slot semaphore; the scan has ended.</summary>
    public void Dispose() => _slots.Dispose();

    /// <summary>One taken connection slot.</summary>
    private sealed class Slot : IDisposable
    {
        private SemaphoreSlim? _slots;

        /// <summary>A slot taken from <paramref name="slots"/>.</summary>
        public Slot(SemaphoreSlim slots) => _slots = slots;

        /// <summary>Gives the slot back; a second call does nothing.</summary>
        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
