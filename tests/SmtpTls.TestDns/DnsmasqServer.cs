using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// The tests' one dnsmasq launcher (xunit uses it directly, Pester through tests/Dns/DnsTestServer.psm1).
/// A real dnsmasq on a loopback address and a free port, serving only a <see cref="DnsTestZone"/>:
/// no upstream, no /etc/hosts, no /etc/resolv.conf, no system configuration file. Names outside
/// the zone's top-level domains are REFUSED, so nothing can be resolved through it by accident.
/// </summary>
/// <remarks>
/// SERVFAIL is real: names of a <see cref="DnsTestZone.ServFail"/> domain are forwarded to a second
/// dnsmasq on loopback while the first one validates DNSSEC against a made-up trust anchor, so the
/// unsigned answer is bogus and the client gets SERVFAIL, as from a validating resolver.
/// </remarks>
public sealed class DnsmasqServer : IDisposable
{
    /// <summary>The dnsmasq binary: <c>SMTPTLS_DNSMASQ</c> when set (to try the skip path, or another build), else Debian's.</summary>
    public static readonly string Executable = Environment.GetEnvironmentVariable("SMTPTLS_DNSMASQ") is { Length: > 0 } path ? path : "/usr/sbin/dnsmasq";

    // A trust anchor no real key matches: every answer under it fails validation.
    private const string BogusDigest = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";

    private static readonly ConcurrentDictionary<DnsmasqServer, byte> Live = new();
    private readonly List<Process> _processes = new();
    private readonly List<UdpClient> _blackholes = new();
    private int _disposed;

    static DnsmasqServer()
    {
        // A crashed or aborted test run must not leave dnsmasq behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                server.Dispose();
            }
        };
    }

    private DnsmasqServer(string directory)
    {
        Directory = directory;
    }

    /// <summary>Why dnsmasq tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => File.Exists(Executable)
        ? null
        : $"dnsmasq is not installed ({Executable} is missing): install the Debian package dnsmasq-base to run the DNS integration tests.";

    public IPAddress Address { get; private set; } = IPAddress.Loopback;

    public int Port { get; private set; }

    /// <summary>The server as <c>ip:port</c> / <c>[ip]:port</c>, ready for SmtpDnsResolver.</summary>
    public string Endpoint => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    public int ProcessId => _processes.Last().Id;

    /// <summary>Every dnsmasq process of this server: the SERVFAIL helper (if any) first, the main one last.</summary>
    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.Id).ToArray();

    public string Directory { get; }

    public string LogPath => Path.Combine(Directory, "main.log");

    /// <summary>The query log of the main instance (<c>--log-queries=extra</c>).</summary>
    public IReadOnlyList<string> ReadLog()
    {
        // dnsmasq keeps the file open; share it for reading.
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n').Where(l => l.Length > 0).ToArray();
    }

    /// <summary>Starts dnsmasq for <paramref name="zone"/> on <paramref name="listenAddress"/> (loopback only) and <paramref name="port"/> (0: a free one).</summary>
    public static DnsmasqServer Start(DnsTestZone zone, IPAddress? listenAddress = null, int port = 0)
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        if (listenAddress is not null && !IPAddress.IsLoopback(listenAddress))
        {
            throw new ArgumentException($"A test DNS server listens on loopback only, not on {listenAddress}.", nameof(listenAddress));
        }

        var server = new DnsmasqServer(Path.Combine(Path.GetTempPath(), "smtptls-dns-" + Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(server.Directory);
        Live[server] = 0;
        try
        {
            server.Address = listenAddress ?? IPAddress.Loopback;
            var options = zone.ToDnsmasqOptions().ToList();
            if (zone.ServFailDomains.Count > 0)
            {
                var helperOptions = zone.ServFailDomains.Select(d => "local=/" + d + "/").ToList();
                var helperPort = server.Launch("servfail-upstream", helperOptions, IPAddress.Loopback);
                options.Add("dnssec");
                options.Add("trust-anchor=.,12345,8,2," + BogusDigest);
                foreach (var domain in zone.ServFailDomains)
                {
                    options.Add($"server=/{domain}/127.0.0.1#{helperPort}");
                    options.Add($"trust-anchor={domain},12345,8,2,{BogusDigest}");
                }
            }

            foreach (var domain in zone.SilentDomains)
            {
                // A bound socket that is never read: queries vanish without even an ICMP error.
                var blackhole = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                server._blackholes.Add(blackhole);
                options.Add($"server=/{domain}/127.0.0.1#{((IPEndPoint)blackhole.Client.LocalEndPoint!).Port}");
            }

            server.Port = server.Launch("main", options, server.Address, port);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Live.TryRemove(this, out _);
        foreach (var process in _processes)
        {
            Stop(process);
        }

        foreach (var blackhole in _blackholes)
        {
            blackhole.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Leaving a temp folder behind is harmless; failing a test over it is not.
        }
    }

    private int Launch(string name, IReadOnlyList<string> options, IPAddress address, int fixedPort = 0)
    {
        var conf = Path.Combine(Directory, name + ".conf");
        File.WriteAllLines(conf, options);
        var errors = new StringBuilder();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var port = fixedPort > 0 ? fixedPort : FreePort(address);
            var info = new ProcessStartInfo(Executable)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var argument in Arguments(conf, name, port, address))
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start.");
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (stderr)
                    {
                        stderr.AppendLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            _processes.Add(process);
            if (WaitUntilAnswering(process, address, port))
            {
                return port;
            }

            Stop(process);
            _processes.Remove(process);
            lock (stderr)
            {
                errors.AppendLine($"attempt {attempt} on port {port}: {stderr}".Trim());
                if (fixedPort > 0 || !stderr.ToString().Contains("in use", StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }
            }
        }

        throw new InvalidOperationException($"dnsmasq ({name}) did not come up: {errors}");
    }

    private IEnumerable<string> Arguments(string conf, string name, int port, IPAddress address)
    {
        yield return "--keep-in-foreground";
        yield return "--conf-file=" + conf;
        yield return "--no-resolv";
        yield return "--no-hosts";
        yield return "--no-poll";
        yield return "--port=" + port;
        yield return "--listen-address=" + address;
        yield return "--bind-interfaces";
        yield return "--pid-file=" + Path.Combine(Directory, name + ".pid");
        yield return "--log-queries=extra";
        yield return "--log-facility=" + Path.Combine(Directory, name + ".log");
        if (Environment.UserName == "root")
        {
            // Otherwise dnsmasq drops to 'nobody', which cannot write the log in our private folder.
            yield return "--user=root";
        }
    }

    /// <summary>Asks a throw-away question until dnsmasq answers anything, or it exits, or 10 s pass.</summary>
    private static bool WaitUntilAnswering(Process process, IPAddress address, int port)
    {
        using var client = new UdpClient(address.AddressFamily);
        client.Client.ReceiveTimeout = 100;
        var endpoint = new IPEndPoint(address, port);
        var query = RawDnsMessage.Query(0x5151, "ready.invalid", 1);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                return false;
            }

            try
            {
                client.Send(query, query.Length, endpoint);
                IPEndPoint? from = null;
                var reply = client.Receive(ref from);
                if (reply.Length >= 12 && reply[0] == 0x51 && reply[1] == 0x51)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }

    private static int FreePort(IPAddress address)
    {
        // dnsmasq binds UDP and TCP on the port: both must be free.
        for (var i = 0; i < 20; i++)
        {
            using var udp = new UdpClient(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(address, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No free loopback port found for dnsmasq.");
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }
}
