using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Dns;

/// <summary>
/// A scripted UDP DNS responder on 127.0.0.1 for the cases dnsmasq cannot produce on demand:
/// an AD bit set, a chosen response code, garbage, or silence. It answers every query the same way.
/// </summary>
internal sealed class FakeDnsServer : IDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _queries;

    private FakeDnsServer(Func<byte[], int, byte[]?> respond)
    {
        _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
        _loop = Task.Run(() => LoopAsync(respond));
    }

    public int Port { get; }

    public string Endpoint => "127.0.0.1:" + Port;

    /// <summary>How many queries arrived.</summary>
    public int QueryCount => Volatile.Read(ref _queries);

    /// <summary>Answers every query with <paramref name="responseCode"/>, the AD bit as told, and an A record 127.0.0.7 for A questions.</summary>
    public static FakeDnsServer Answering(int responseCode, bool authenticData) =>
        new((query, length) =>
        {
            var question = RawDnsMessage.Question(query, length);
            if (question is null)
            {
                return null;
            }

            var answers = new List<(ushort, byte[])>();
            if (responseCode == 0 && RawDnsMessage.QuestionType(question) == 1)
            {
                answers.Add((1, new byte[] { 127, 0, 0, 7 }));
            }

            return RawDnsMessage.Response(query, length, authenticData ? RawDnsMessage.FlagAuthenticData : (ushort)0, responseCode, answers);
        });

    /// <summary>Reads queries and never answers.</summary>
    public static FakeDnsServer Silent() => new((_, _) => null);

    /// <summary>Answers with bytes that are not a DNS message but carry the query's id.</summary>
    public static FakeDnsServer Garbage() => new((query, _) => new byte[] { query[0], query[1], 0x81, 0x80, 0x00, 0x01, 0x00, 0x05, 0xFF });

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The loop ends with an exception when its socket is closed under it.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(Func<byte[], int, byte[]?> respond)
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Interlocked.Increment(ref _queries);
            var reply = respond(received.Buffer, received.Buffer.Length);
            if (reply is not null)
            {
                await _socket.SendAsync(reply, reply.Length, received.RemoteEndPoint).ConfigureAwait(false);
            }
        }
    }
}
