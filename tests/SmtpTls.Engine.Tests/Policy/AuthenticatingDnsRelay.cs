using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// A UDP relay on 127.0.0.1 in front of the test dnsmasq that sets the AD bit on every answer, as a
/// DNSSEC-validating resolver does for a signed zone. dnsmasq cannot sign local data, so without
/// this the "DNSSEC validated" path of DANE could not be reached against a real DNS server. All
/// answers still come from dnsmasq; only the one flag changes.
/// </summary>
internal sealed class AuthenticatingDnsRelay : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AuthenticatingDnsRelay(IPAddress upstreamAddress, int upstreamPort)
    {
        _upstream = new IPEndPoint(upstreamAddress, upstreamPort);
        _loop = Task.Run(LoopAsync);
    }

    public string Endpoint => "127.0.0.1:" + ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query;
            try
            {
                query = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(query.Buffer, query.RemoteEndPoint));
        }
    }

    private async Task RelayAsync(byte[] query, IPEndPoint client)
    {
        try
        {
            using var upstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await upstream.SendAsync(query, query.Length, _upstream);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var answer = (await upstream.ReceiveAsync(timeout.Token)).Buffer;
            if (answer.Length >= 4)
            {
                answer[3] |= 0x20; // AD, RFC 4035 section 3.2.3
            }

            await _socket.SendAsync(answer, answer.Length, client);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped, or dnsmasq did not answer: the client's own timeout reports it.
        }
    }
}
