using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SmtpTls.HostileServer;

/// <summary>
/// Listens on one loopback port per behaviour and serves each connection with its behaviour until
/// stopped. Every connection is bounded in time and the number of connections per port is capped,
/// so a misbehaving client cannot make the server grow.
/// </summary>
internal sealed class HostileServerHost
{
    /// <summary>How many connections one behaviour serves at once; further ones are closed on accept.</summary>
    public const int MaxConnectionsPerBehaviour = 64;

    private readonly ServerOptions _options;
    private readonly TextWriter _log;
    private readonly ConcurrentDictionary<Task, bool> _connections = new();

    /// <summary>Creates the host; nothing listens until <see cref="RunAsync"/>.</summary>
    /// <param name="options">The parsed command line.</param>
    /// <param name="log">Where connection and lifecycle lines go.</param>
    public HostileServerHost(ServerOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>
    /// Binds every selected behaviour, writes the ready-file, serves until <paramref name="stop"/> is
    /// cancelled, then closes the listeners and waits briefly for open connections to end.
    /// </summary>
    /// <param name="stop">Cancelled by whatever ends the run (signal, stop-file, lifetime, stdin).</param>
    public async Task RunAsync(CancellationToken stop)
    {
        var names = _options.Behaviours.Count > 0 ? _options.Behaviours.Distinct().ToList() : Behaviours.All.Keys.ToList();
        var listeners = new List<(string Name, Socket Socket)>();
        try
        {
            foreach (var name in names)
            {
                var socket = new Socket(_options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                listeners.Add((name, socket));
                socket.Bind(new IPEndPoint(_options.Address, _options.Ports.GetValueOrDefault(name)));
                socket.Listen(MaxConnectionsPerBehaviour);
            }
            WriteReadyFile(listeners);
            var acceptLoops = listeners.Select(l => AcceptLoopAsync(l.Name, l.Socket, stop)).ToList();
            _log.WriteLine($"listening: {string.Join(", ", listeners.Select(l => $"{l.Name}={((IPEndPoint)l.Socket.LocalEndPoint!).Port}"))}");
            await Task.WhenAll(acceptLoops).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (_, socket) in listeners)
            {
                socket.Dispose();
            }
            // The connections saw the same cancellation; give them a moment to close their sockets.
            await Task.WhenAny(Task.WhenAll(_connections.Keys), Task.Delay(TimeSpan.FromSeconds(3))).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync(string name, Socket listener, CancellationToken stop)
    {
        var behaviour = Behaviours.All[name];
        // Not disposed: connections may still release it after the loop ends, and without a wait
        // handle a SemaphoreSlim holds nothing that needs disposing.
        var slots = new SemaphoreSlim(MaxConnectionsPerBehaviour);
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (!slots.Wait(0))
            {
                client.Dispose();
                continue;
            }
            var connection = ServeAsync(name, behaviour, client, slots, stop);
            _connections[connection] = true;
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(
        string name,
        Func<SmtpSession, CancellationToken, Task> behaviour,
        Socket client,
        SemaphoreSlim slots,
        CancellationToken stop)
    {
        using var session = new SmtpSession(client);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
        lifetime.CancelAfter(_options.ConnectionLifetime);
        try
        {
            _log.WriteLine($"{name}: connection from {session.RemoteEndPoint}");
            // Leave the accept loop at once, even if the behaviour's first steps complete synchronously.
            await Task.Yield();
            await behaviour(session, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Timed out, stopped or the client went away: all normal ends of a hostile connection.
        }
        catch (Exception e)
        {
            _log.WriteLine($"{name}: {e}");
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// Writes the ports to a temporary file and renames it into place, so a reader polling for the
    /// file never sees it half written.
    /// </summary>
    private void WriteReadyFile(IEnumerable<(string Name, Socket Socket)> listeners)
    {
        if (_options.ReadyFile is null)
        {
            return;
        }
        // The certificate of the TLS-speaking behaviours, for clients to trust (RequireTlsBehaviours).
        TlsIdentity.Export(Path.Combine(Path.GetDirectoryName(_options.ReadyFile)!, "tls-certificate.pem"));
        var temporary = _options.ReadyFile + ".tmp";
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("ProcessId", Environment.ProcessId);
            json.WriteStartObject("Behaviours");
            foreach (var (name, socket) in listeners)
            {
                var endPoint = (IPEndPoint)socket.LocalEndPoint!;
                json.WriteStartObject(name);
                json.WriteString("Address", endPoint.Address.ToString());
                json.WriteNumber("Port", endPoint.Port);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        File.Move(temporary, _options.ReadyFile, overwrite: true);
    }
}
