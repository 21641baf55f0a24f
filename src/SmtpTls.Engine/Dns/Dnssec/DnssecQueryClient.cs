using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// Asks one resolver for the records DNSSEC validation needs: RD=1 with EDNS0 DO=1 (RFC 3225) so
/// that RRSIG, NSEC and NSEC3 records come with the answer, and CD=1 (RFC 4035 section 3.2.2) so
/// that a validating resolver hands over data it judges bogus instead of SERVFAIL: the module judges
/// it itself. UDP first, TCP when the answer is truncated. Each attempt is bounded by the timeout.
/// </summary>
internal sealed class DnssecQueryClient
{
    /// <summary>The EDNS0 UDP payload size advertised (the DNS flag day 2020 value).</summary>
    public const int UdpPayloadSize = 1232;

    private readonly IPEndPoint _server;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;

    /// <summary>A client for one server.</summary>
    /// <param name="server">The DNS server to ask.</param>
    /// <param name="timeout">The bound on each attempt.</param>
    /// <param name="retries">How often a lost UDP answer is asked again.</param>
    public DnssecQueryClient(IPEndPoint server, TimeSpan timeout, int retries)
    {
        _server = server;
        _timeout = timeout;
        _attempts = Math.Max(1, retries + 1);
    }

    /// <summary>The server asked, <c>ip:port</c>.</summary>
    public string ServerText => new DnsServerEndpoint(_server.Address, _server.Port).ToString();

    /// <summary>How many queries went out (UDP and TCP attempts together).</summary>
    public int QueriesSent => Volatile.Read(ref _sent);

    private int _sent;

    /// <summary>Sends one question; the answer, or a null message and an English error when no usable answer came.</summary>
    public async Task<(WireMessage? Message, string? Error)> QueryAsync(WireName name, ushort type, CancellationToken cancellationToken)
    {
        string? error = null;
        for (var attempt = 0; attempt < _attempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (message, attemptError) = await UdpAsync(name, type, cancellationToken).ConfigureAwait(false);
            if (message is not null && message.Truncated)
            {
                (message, attemptError) = await TcpAsync(name, type, cancellationToken).ConfigureAwait(false);
            }

            if (message is not null)
            {
                return (message, null);
            }

            error = attemptError;
        }

        return (null, error);
    }

    private byte[] BuildQuery(WireName name, ushort type, out ushort id)
    {
        var random = new byte[2];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(random);
        }

        id = (ushort)((random[0] << 8) | random[1]);
        var query = new List<byte>(64)
        {
            random[0], random[1],
            0x01, // RD
            0x10, // CD
            0, 1, 0, 0, 0, 0, 0, 1,
        };
        query.AddRange(name.ToWire(canonical: false));
        query.Add((byte)(type >> 8));
        query.Add((byte)type);
        query.Add(0);
        query.Add(1);

        // OPT (RFC 6891): root owner, type 41, class = payload size, TTL = ext-rcode 0, version 0, DO flag.
        query.AddRange(new byte[] { 0, 0, 41, UdpPayloadSize >> 8, UdpPayloadSize & 0xFF, 0, 0, 0x80, 0, 0, 0 });
        return query.ToArray();
    }

    private bool Matches(WireMessage message, ushort id, WireName name, ushort type) =>
        message.Id == id && message.IsResponse && message.QuestionType == type && name.Equals(message.QuestionName);

    private async Task<(WireMessage?, string?)> UdpAsync(WireName name, ushort type, CancellationToken cancellationToken)
    {
        var query = BuildQuery(name, type, out var id);
        using var socket = new UdpClient(_server.AddressFamily);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var registration = timeout.Token.Register(() => socket.Dispose());
        try
        {
            socket.Connect(_server);
            Interlocked.Increment(ref _sent);
            await socket.SendAsync(query, query.Length).ConfigureAwait(false);

            // Datagrams that do not answer this question (stray, spoofed) are skipped, not believed.
            while (true)
            {
                var received = await socket.ReceiveAsync().ConfigureAwait(false);
                WireMessage message;
                try
                {
                    message = WireMessage.Parse(received.Buffer, received.Buffer.Length);
                }
                catch (FormatException)
                {
                    continue;
                }

                if (Matches(message, id, name, type))
                {
                    return (message, null);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return (null, ex is SocketException s ? "network error talking to " + ServerText + ": " + s.SocketErrorCode : "no answer from " + ServerText + " within " + _timeout.TotalSeconds + " s");
        }
    }

    private async Task<(WireMessage?, string?)> TcpAsync(WireName name, ushort type, CancellationToken cancellationToken)
    {
        var query = BuildQuery(name, type, out var id);
        using var client = new TcpClient(_server.AddressFamily);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var registration = timeout.Token.Register(() => client.Dispose());
        try
        {
            await client.ConnectAsync(_server.Address, _server.Port).ConfigureAwait(false);
            var stream = client.GetStream();
            var framed = new byte[query.Length + 2];
            framed[0] = (byte)(query.Length >> 8);
            framed[1] = (byte)query.Length;
            Buffer.BlockCopy(query, 0, framed, 2, query.Length);
            Interlocked.Increment(ref _sent);
            await stream.WriteAsync(framed, 0, framed.Length, timeout.Token).ConfigureAwait(false);
            var header = await ReadExactlyAsync(stream, 2, timeout.Token).ConfigureAwait(false);
            var length = (header[0] << 8) | header[1];
            var body = await ReadExactlyAsync(stream, length, timeout.Token).ConfigureAwait(false);
            var message = WireMessage.Parse(body, body.Length);
            return Matches(message, id, name, type) ? (message, null) : (null, "the TCP answer from " + ServerText + " did not match the question");
        }
        catch (FormatException ex)
        {
            return (null, "the answer from " + ServerText + " could not be read: " + ex.Message);
        }
        catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException || ex is System.IO.IOException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return (null, "no TCP answer from " + ServerText + " within " + _timeout.TotalSeconds + " s");
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await stream.ReadAsync(buffer, read, count - read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new System.IO.IOException("The connection closed early.");
            }

            read += n;
        }

        return buffer;
    }
}
