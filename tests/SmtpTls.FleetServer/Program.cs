using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SmtpTls.FleetServer;

/// <summary>
/// A STARTTLS server whose every reply can wait a fixed delay (what a server across the internet costs a
/// client in round trips), that refuses connections beyond a concurrency limit the way Postfix's anvil
/// does ("421 4.7.0 ... Error: too many connections from ..."), and that records what a test wants to
/// know about its clients: connections, the most at once, refusals and the client addresses.
/// </summary>
internal static class Program
{
    private const string HostName = "fleet.smtptls.test";

    private const string Usage = """
        Usage: SmtpTls.FleetServer --cert PEM --key PEM [options]   (--cert: the certificate, then its chain)
          --address IP          loopback address to listen on (default 127.0.0.1)
          --port N              port (default: a free one)
          --listeners N         listen on N ports (the first --port, the others free ones), counted together (default 1)
          --delay-ms N          wait N ms before every reply (default 0)
          --max-connections N   answer connections beyond N at once with 421 too many connections (default: no limit)
          --throttle-first N    answer the first N connections with 421 too many connections (default 0)
          --ready-file PATH     write {"ProcessId","Address","Port","Ports"} here once listening
          --stats-file PATH     keep {"Connections","PeakConcurrent","Refused","Sources"} here, rewritten as connections end
          --max-seconds N       stop after N seconds whatever happens (default 3600)
        """;

    private static readonly ConcurrentDictionary<string, int> Sources = new(StringComparer.Ordinal);
    private static int _concurrent;
    private static int _peak;
    private static int _connections;
    private static int _refused;
    private static int _statsDirty;

    public static async Task<int> Main(string[] args)
    {
        string? certFile = null, keyFile = null, readyFile = null, statsFile = null;
        var address = IPAddress.Loopback;
        int port = 0, delayMs = 0, maxConnections = 0, throttleFirst = 0, maxSeconds = 3600, listenerCount = 1;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--cert": certFile = Value(); break;
                    case "--key": keyFile = Value(); break;
                    case "--address":
                        address = IPAddress.Parse(Value());
                        if (!IPAddress.IsLoopback(address))
                        {
                            throw new ArgumentException("--address must be a loopback address.");
                        }

                        break;
                    case "--port": port = Number(); break;
                    case "--listeners": listenerCount = Math.Max(1, Number()); break;
                    case "--delay-ms": delayMs = Number(); break;
                    case "--max-connections": maxConnections = Number(); break;
                    case "--throttle-first": throttleFirst = Number(); break;
                    case "--ready-file": readyFile = Path.GetFullPath(Value()); break;
                    case "--stats-file": statsFile = Path.GetFullPath(Value()); break;
                    case "--max-seconds": maxSeconds = Number(); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }

            if (certFile is null || keyFile is null)
            {
                throw new ArgumentException("--cert and --key are required.");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // The first certificate of --cert is the server's; any further ones are its chain, sent along.
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        var leaf = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certFile);
        var intermediates = new X509Certificate2Collection(chain.Cast<X509Certificate2>().Skip(1).ToArray());
        var certificate = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

        var listeners = new List<TcpListener>();
        for (var i = 0; i < listenerCount; i++)
        {
            var listener = new TcpListener(address, i == 0 ? port : 0);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start(4096);
            listeners.Add(listener);
        }

        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        if (readyFile is not null)
        {
            WriteAtomically(readyFile, JsonSerializer.Serialize(new { ProcessId = Environment.ProcessId, Address = address.ToString(), Port = ports[0], Ports = ports }));
        }

        Console.WriteLine($"listening on {address} port(s) {string.Join(", ", ports)}");
        var statsWriter = statsFile is null ? Task.CompletedTask : WriteStatsAsync(statsFile, stop.Token);
        var delay = TimeSpan.FromMilliseconds(delayMs);
        await Task.WhenAll(listeners.Select(listener => AcceptAsync(listener, certificate, delay, throttleFirst, maxConnections, stop.Token)));
        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        Interlocked.Exchange(ref _statsDirty, 1);
        await statsWriter;
        if (statsFile is not null)
        {
            WriteStats(statsFile);
        }

        return 0;
    }

    private static async Task AcceptAsync(TcpListener listener, SslStreamCertificateContext certificate, TimeSpan delay, int throttleFirst, int maxConnections, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptSocketAsync(stop);
                var number = Interlocked.Increment(ref _connections);
                var concurrent = Interlocked.Increment(ref _concurrent);
                UpdatePeak(concurrent);
                var source = ((IPEndPoint)client.RemoteEndPoint!).Address.ToString();
                Sources.AddOrUpdate(source, 1, (_, n) => n + 1);
                var refuse = number <= throttleFirst || (maxConnections > 0 && concurrent > maxConnections);
                _ = ServeAsync(client, certificate, delay, refuse, source, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void UpdatePeak(int concurrent)
    {
        int peak;
        while (concurrent > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, concurrent, peak) != peak)
        {
        }
    }

    private static async Task ServeAsync(Socket client, SslStreamCertificateContext certificate, TimeSpan delay, bool refuse, string source, CancellationToken stop)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
        lifetime.CancelAfter(TimeSpan.FromSeconds(60));
        var token = lifetime.Token;
        Stream stream = new NetworkStream(client, ownsSocket: true);
        var counted = true;
        void EndOfSession()
        {
            // A session ends for the count when the client says QUIT, before the 221 goes out: the client
            // may start its next connection as soon as it has the 221, while this side is still closing.
            if (counted)
            {
                counted = false;
                Interlocked.Decrement(ref _concurrent);
                Interlocked.Exchange(ref _statsDirty, 1);
            }
        }

        try
        {
            client.NoDelay = true;
            if (refuse)
            {
                Interlocked.Increment(ref _refused);
                await ReplyAsync(stream, $"421 4.7.0 {HostName} Error: too many connections from {source}", delay, token);
                return;
            }

            await ReplyAsync(stream, $"220 {HostName} ESMTP SmtpTls fleet server", delay, token);
            var reader = new LineReader(stream);
            var tls = false;
            while (await reader.ReadLineAsync(token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await ReplyAsync(stream, tls ? $"250-{HostName}\r\n250-PIPELINING\r\n250 8BITMIME" : $"250-{HostName}\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME", delay, token);
                        break;
                    case "HELO":
                        await ReplyAsync(stream, $"250 {HostName}", delay, token);
                        break;
                    case "STARTTLS" when !tls:
                        await ReplyAsync(stream, "220 2.0.0 Ready to start TLS", delay, token);
                        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = certificate }, token);
                        stream = ssl;
                        reader = new LineReader(stream);
                        tls = true;
                        break;
                    case "QUIT":
                        EndOfSession();
                        await ReplyAsync(stream, "221 2.0.0 Bye", delay, token);
                        return;
                    case "NOOP":
                    case "RSET":
                        await ReplyAsync(stream, "250 2.0.0 Ok", delay, token);
                        break;
                    case "MAIL":
                        await ReplyAsync(stream, tls ? "250 2.1.0 Ok" : "530 5.7.0 Must issue a STARTTLS command first", delay, token);
                        break;
                    default:
                        await ReplyAsync(stream, "502 5.5.2 Error: command not recognized", delay, token);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // A client that goes away mid-dialogue is normal for a test server.
        }
        finally
        {
            EndOfSession();
            await stream.DisposeAsync();
        }
    }

    private static async Task ReplyAsync(Stream stream, string reply, TimeSpan delay, CancellationToken token)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, token);
        }

        var bytes = Encoding.ASCII.GetBytes(reply + "\r\n");
        await stream.WriteAsync(bytes, token);
        await stream.FlushAsync(token);
    }

    private static async Task WriteStatsAsync(string path, CancellationToken stop)
    {
        WriteStats(path);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(50, stop);
                if (Interlocked.Exchange(ref _statsDirty, 0) == 1)
                {
                    WriteStats(path);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void WriteStats(string path) =>
        WriteAtomically(path, JsonSerializer.Serialize(new
        {
            Connections = Volatile.Read(ref _connections),
            Concurrent = Volatile.Read(ref _concurrent),
            PeakConcurrent = Volatile.Read(ref _peak),
            Refused = Volatile.Read(ref _refused),
            Sources = Sources.ToDictionary(p => p.Key, p => p.Value),
        }));

    private static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads CRLF lines, at most 4 KiB each, from a stream that may switch to TLS between lines.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken token)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    // One byte at a time before TLS would be exact; a client never pipelines past STARTTLS here,
                    // and the probe waits for the 220 before its ClientHello.
                    _end = await stream.ReadAsync(_buffer, token);
                    if (_end == 0)
                    {
                        return null;
                    }
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = newline < 0 ? _end : newline;
                line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
                if (line.Length > 4096)
                {
                    throw new IOException("line too long");
                }

                if (newline < 0)
                {
                    _start = _end;
                    continue;
                }

                _start = newline + 1;
                return line.ToString().TrimEnd('\r');
            }
        }
    }
}
