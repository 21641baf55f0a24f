// The plainest .NET STARTTLS check, as a floor for tools/Bench.ps1: what any .NET client pays on this machine for
// the conversation one Test-SmtpTls check has with a server (banner, EHLO, STARTTLS, handshake with chain
// validation against the given CA, EHLO, QUIT), and nothing more: no findings, no transcript, no result objects.
//
// Usage: SmtpTls.BareClient <targets-file> <server-name> <ca-pem> <parallel> <warmup-checks> <rounds>
// The targets file holds one address:port per line (IPv4 literal). Prints one JSON object per measured round:
// {"Checks":..,"Seconds":..,"CpuMs":..,"Verified":..,"Failed":..}.
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: SmtpTls.BareClient <targets-file> <server-name> <ca-pem> <parallel> <warmup-checks> <rounds>");
    return 2;
}

var targets = File.ReadAllLines(args[0]).Where(line => line.Length > 0).Select(IPEndPoint.Parse).ToArray();
var serverName = args[1];
var anchors = new X509Certificate2Collection();
anchors.ImportFromPemFile(args[2]);
var parallel = int.Parse(args[3]);
var warmup = int.Parse(args[4]);
var rounds = int.Parse(args[5]);
if (targets.Length == 0 || parallel < 1 || rounds < 1)
{
    Console.Error.WriteLine("no targets, or parallel/rounds below 1");
    return 2;
}

await RunAsync(Enumerable.Range(0, warmup).Select(i => targets[i % targets.Length]).ToArray());
var process = Process.GetCurrentProcess();
for (var round = 0; round < rounds; round++)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var (verified, failed) = await RunAsync(targets);
    clock.Stop();
    process.Refresh();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        Checks = targets.Length,
        Seconds = clock.Elapsed.TotalSeconds,
        CpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds,
        Verified = verified,
        Failed = failed,
    }));
}
return 0;

// Up to `parallel` checks at once over the list; counts handshakes whose chain validated and checks that failed.
async Task<(int Verified, int Failed)> RunAsync(IPEndPoint[] list)
{
    var next = -1;
    var verified = 0;
    var failed = 0;
    var workers = Enumerable.Range(0, Math.Min(parallel, Math.Max(1, list.Length))).Select(async _ =>
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < list.Length)
        {
            bool? valid;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                valid = await CheckAsync(list[index], timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or InvalidDataException)
            {
                valid = null;
            }

            if (valid == true) Interlocked.Increment(ref verified);
            if (valid is null) Interlocked.Increment(ref failed);
        }
    }).ToArray();
    await Task.WhenAll(workers).ConfigureAwait(false);
    return (verified, failed);
}

// One check: null when the conversation broke off, else whether the chain validated.
async Task<bool?> CheckAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
{
    using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
    await using var network = new NetworkStream(socket, ownsSocket: false);
    var buffer = new byte[4096];
    if (await ReplyAsync(network, buffer, cancellationToken).ConfigureAwait(false) is not ['2', ..])
    {
        return null;
    }

    var ehlo = await CommandAsync(network, "EHLO bench.invalid", buffer, cancellationToken).ConfigureAwait(false);
    if (!ehlo.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase)
        || await CommandAsync(network, "STARTTLS", buffer, cancellationToken).ConfigureAwait(false) is not ['2', ..])
    {
        await CommandAsync(network, "QUIT", buffer, cancellationToken).ConfigureAwait(false);
        return null;
    }

    var valid = false;
    var policy = new X509ChainPolicy
    {
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
        TrustMode = X509ChainTrustMode.CustomRootTrust,
    };
    policy.CustomTrustStore.AddRange(anchors);
    await using var tls = new SslStream(network, leaveInnerStreamOpen: true, (_, _, _, errors) =>
    {
        valid = errors == SslPolicyErrors.None;
        return true;
    });
    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
    {
        TargetHost = serverName,
        // As a probe must: every connection a full handshake that shows the server's chain.
        AllowTlsResume = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = policy,
    }, cancellationToken).ConfigureAwait(false);
    await CommandAsync(tls, "EHLO bench.invalid", buffer, cancellationToken).ConfigureAwait(false);
    await CommandAsync(tls, "QUIT", buffer, cancellationToken).ConfigureAwait(false);
    return valid;
}

static async Task<string> CommandAsync(Stream stream, string command, byte[] buffer, CancellationToken cancellationToken)
{
    await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken).ConfigureAwait(false);
    return await ReplyAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
}

// Reads one whole reply (up to a line whose fourth character is a space); at most 64 KiB.
static async Task<string> ReplyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
{
    var text = new StringBuilder();
    while (text.Length < 65536)
    {
        var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        if (text.Length >= 2 && text[^1] == '\n' && text[^2] == '\r')
        {
            var body = text.ToString(0, text.Length - 2);
            var lastLine = body[(body.LastIndexOf('\n') + 1)..];
            if (lastLine.Length < 4 || lastLine[3] == ' ')
            {
                return body;
            }
        }
    }

    throw new InvalidDataException("reply longer than 64 KiB");
}
