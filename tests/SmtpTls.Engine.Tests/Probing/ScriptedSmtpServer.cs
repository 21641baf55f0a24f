using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Probing;

/// <summary>
/// An in-process SMTP server on a free loopback port whose every connection runs a script: enough
/// to drive the probe through good dialogues and every fault case without Postfix.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ScriptedSession, CancellationToken, Task> _script;
    private readonly List<Task> _sessions = new();
    private readonly Task _accept;

    public ScriptedSmtpServer(Func<ScriptedSession, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => "127.0.0.1:" + Port;

    public int Connections { get; private set; }

    /// <summary>The first bytes each TLS client sent after STARTTLS (its ClientHello), in order.</summary>
    public ConcurrentQueue<byte[]> ClientHellos { get; } = new();

    /// <summary>A self-signed certificate for mx.test.example, made once per test run.</summary>
    public static X509Certificate2 Certificate { get; } = CreateCertificate("mx.test.example");

    /// <summary>
    /// One certificate context for every session, as a real server has: with it, .NET's server keeps
    /// its TLS state across connections, so a client that asks to resume a session can.
    /// </summary>
    private static SslStreamCertificateContext CertificateContext { get; } = SslStreamCertificateContext.Create(Certificate, null, offline: true);

    internal static SslServerAuthenticationOptions ServerOptions() => new() { ServerCertificateContext = CertificateContext };

    /// <summary>A STARTTLS dialogue with optional twists; the default is a well-behaved server.</summary>
    public static Func<ScriptedSession, CancellationToken, Task> Dialogue(
        string ehloExtras = "250-STARTTLS\r\n",
        string startTlsReply = "220 2.0.0 Ready to start TLS",
        string mailReply = "250 2.1.0 Ok",
        bool tls = true,
        string rcptReply = "250 2.1.5 Ok",
        string ehloAfterTls = "250-mx.test.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME") =>
        async (session, ct) =>
        {
            await session.WriteLineAsync("220 mx.test.example ESMTP scripted", ct);
            while (await session.ReadLineAsync(ct) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await session.WriteLineAsync(session.IsTls ? ehloAfterTls : "250-mx.test.example\r\n" + ehloExtras + "250 8BITMIME", ct);
                        break;
                    case "MAIL":
                        await session.WriteLineAsync(mailReply, ct);
                        break;
                    case "RCPT":
                        await session.WriteLineAsync(rcptReply, ct);
                        break;
                    case "RSET":
                        await session.WriteLineAsync("250 2.0.0 Ok", ct);
                        break;
                    case "STARTTLS":
                        await session.WriteLineAsync(startTlsReply, ct);
                        if (startTlsReply.StartsWith("220", StringComparison.Ordinal))
                        {
                            if (!tls)
                            {
                                // "Ready to start TLS", then not a word: the client's handshake must time out.
                                await session.SilentAsync(ct);
                                return;
                            }

                            await session.StartTlsAsync(ct);
                        }

                        break;
                    case "QUIT":
                        await session.WriteLineAsync("221 2.0.0 Bye", ct);
                        return;
                    default:
                        await session.WriteLineAsync("502 5.5.2 Error: command not recognized", ct);
                        break;
                }
            }
        };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch
        {
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = _sessions.ToArray();
        }

        await Task.WhenAny(Task.WhenAll(sessions), Task.Delay(2000));
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Connections++;
            lock (_sessions)
            {
                _sessions.Add(RunAsync(client));
            }
        }
    }

    private async Task RunAsync(TcpClient client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            // Every scripted connection ends by itself, whatever the probe does.
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var session = new ScriptedSession(client.GetStream(), ClientHellos.Enqueue);
            try
            {
                await _script(session, timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
            {
            }
            finally
            {
                session.Dispose();
            }
        }
    }

    private static X509Certificate2 CreateCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>One connection of <see cref="ScriptedSmtpServer"/>: line I/O, raw bytes, and the switch to TLS.</summary>
internal sealed class ScriptedSession : IDisposable
{
    private readonly Action<byte[]>? _clientHello;
    private Stream _stream;

    public ScriptedSession(Stream stream, Action<byte[]>? clientHello = null)
    {
        _stream = stream;
        _clientHello = clientHello;
    }

    public bool IsTls { get; private set; }

    public Task WriteLineAsync(string text, CancellationToken ct) => WriteAsync(Encoding.ASCII.GetBytes(text + "\r\n"), ct);

    public async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    /// <summary>Reads one line byte by byte (so the TLS layer gets every byte after STARTTLS); null at end of stream.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, ct) == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }

    public async Task<int> ReadSomeAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        return await _stream.ReadAsync(buffer, ct);
    }

    public async Task StartTlsAsync(CancellationToken ct)
    {
        var recorder = new RecordingReadStream(_stream);
        var ssl = new SslStream(recorder, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(ScriptedSmtpServer.ServerOptions(), ct);
        }
        finally
        {
            _clientHello?.Invoke(recorder.Recorded);
        }

        _stream = ssl;
        IsTls = true;
    }

    /// <summary>Keeps the connection open without a word until the client gives up.</summary>
    public async Task SilentAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (await _stream.ReadAsync(buffer, ct) > 0)
        {
        }
    }

    public void Dispose() => _stream.Dispose();
}
