using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// An HTTPS server on a free 127.0.0.1 port that plays the MTA-STS policy hosts of the test zone:
/// it picks the certificate by SNI and the answer by Host header, so one server stands for every
/// <c>mta-sts.&lt;domain&gt;</c> of the tests. It counts requests per host, so a test can prove
/// that a redirect was not followed.
/// </summary>
internal sealed class PolicyHttpsServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Site> _sites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.OrdinalIgnoreCase);
    private readonly SslStreamCertificateContext _defaultCertificate;
    private readonly Task _accept;

    public PolicyHttpsServer(SslStreamCertificateContext defaultCertificate)
    {
        _defaultCertificate = defaultCertificate;
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Serves <paramref name="response"/> (raw HTTP, written as is) for <paramref name="host"/>.</summary>
    public void Serve(string host, byte[] response, SslStreamCertificateContext? certificate = null) =>
        _sites[host] = new Site(response, certificate, Hang: false);

    /// <summary>Completes the TLS handshake for <paramref name="host"/>, reads the request and never answers.</summary>
    public void Hang(string host) => _sites[host] = new Site(Array.Empty<byte>(), null, Hang: true);

    /// <summary>How many requests arrived for <paramref name="host"/> (by Host header, port stripped).</summary>
    public int Requests(string host) => _requests.TryGetValue(host, out var count) ? count : 0;

    /// <summary>A complete response with a Content-Length.</summary>
    public static byte[] Response(int status, string reason, string contentType, string body, string extraHeaders = "")
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        return Concat(Encoding.ASCII.GetBytes(head), content);
    }

    /// <summary>A 200 text/plain response whose body is sent chunked, in chunks of 4 KiB.</summary>
    public static byte[] Chunked(string body)
    {
        var output = new MemoryStream();
        var head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        output.Write(head);
        var content = Encoding.UTF8.GetBytes(body);
        for (var offset = 0; offset < content.Length; offset += 4096)
        {
            var size = Math.Min(4096, content.Length - offset);
            output.Write(Encoding.ASCII.GetBytes(size.ToString("x") + "\r\n"));
            output.Write(content, offset, size);
            output.Write("\r\n"u8);
        }

        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accept.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var tls = new SslStream(client.GetStream());
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await tls.AuthenticateAsServerAsync(
                    (_, hello, _, _) => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = hello.ServerName is { } sni && _sites.TryGetValue(sni, out var site) && site.Certificate is not null ? site.Certificate : _defaultCertificate,
                    }),
                    null,
                    timeout.Token);
                var host = await ReadHostAsync(tls, timeout.Token);
                if (host is null)
                {
                    return;
                }

                _requests.AddOrUpdate(host, 1, (_, n) => n + 1);
                if (!_sites.TryGetValue(host, out var answer))
                {
                    await tls.WriteAsync(Response(404, "Not Found", "text/plain", "no such site"), timeout.Token);
                    return;
                }

                if (answer.Hang)
                {
                    await Task.Delay(Timeout.Infinite, timeout.Token);
                }

                await tls.WriteAsync(answer.Response, timeout.Token);
                await tls.FlushAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException or SocketException)
            {
                // The client gave up (certificate refused, bound reached, timeout): that is what some tests want.
            }
        }
    }

    /// <summary>Reads the request head and returns its Host header without the port.</summary>
    private static async Task<string?> ReadHostAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 8192)
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                return null;
            }

            head.Append((char)buffer[0]);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        foreach (var line in head.ToString().Split("\r\n"))
        {
            if (line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
            {
                var value = line.Substring(5).Trim();
                var colon = value.LastIndexOf(':');
                return colon > 0 ? value.Substring(0, colon) : value;
            }
        }

        return null;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }

    private sealed record Site(byte[] Response, SslStreamCertificateContext? Certificate, bool Hang);
}
