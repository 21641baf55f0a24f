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

    /// <param name="maxConnections">
    /// Connections open at once, at most <see cref="MaxConcurrentConnections"/>: a check limited to fewer
    /// per address (-ThrottleLimitPerAddress) keeps its scan to that many as well.
    /// </param>
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

    public IPAddress Address { get; }

    /// <summary>The local address to connect from (-SourceAddress), or null.</summary>
    public IPAddress? SourceAddress { get; }

    public int Port { get; }

    public SmtpTlsMode Mode { get; }

    public string? ServerName { get; }

    public string HeloName { get; }

    public TimeSpan Timeout { get; }

    public Action<string>? Log { get; }

    public CancellationToken CancellationToken { get; }

    public int Connections => Volatile.Read(ref _connections);

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
    public async Task<IDisposable> TakeSlotAsync()
    {
        await _slots.WaitAsync(CancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot : IDisposable
    {
        private SemaphoreSlim? _slots;

        public Slot(SemaphoreSlim slots) => _slots = slots;

        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
