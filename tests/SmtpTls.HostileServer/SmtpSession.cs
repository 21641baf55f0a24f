using System.Net.Sockets;
using System.Text;

namespace SmtpTls.HostileServer;

/// <summary>
/// One accepted connection: bounded line reading, raw writes and the ways a behaviour ends it.
/// Nothing here grows with what the client sends.
/// </summary>
internal sealed class SmtpSession : IDisposable
{
    /// <summary>The longest command line accepted (RFC 5321 allows 512 octets; clients stay well below this).</summary>
    public const int MaxLineLength = 4096;

    private readonly Socket _socket;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineLength];
    private int _start;
    private int _end;

    /// <summary>Wraps an accepted socket; the session owns and disposes it.</summary>
    /// <param name="socket">The connected socket.</param>
    public SmtpSession(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The client's address and port, for the log.</summary>
    public string RemoteEndPoint => _socket.RemoteEndPoint?.ToString() ?? "?";

    /// <summary>Writes ASCII text as it is (the caller supplies any CRLF).</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Ends the write when the connection's time is up.</param>
    public Task WriteAsync(string text, CancellationToken cancellationToken) =>
        WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    /// <summary>Writes raw bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="cancellationToken">Ends the write when the connection's time is up.</param>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes one reply line and its CRLF.</summary>
    /// <param name="line">The reply without CRLF.</param>
    /// <param name="cancellationToken">Ends the write when the connection's time is up.</param>
    public Task WriteLineAsync(string line, CancellationToken cancellationToken) => WriteAsync(line + "\r\n", cancellationToken);

    /// <summary>
    /// Reads one line without its line end. Bytes after the line stay buffered for the next read,
    /// so pipelined commands are not lost.
    /// </summary>
    /// <param name="cancellationToken">Ends the read when the connection's time is up.</param>
    /// <returns>The line; null when the client closed the connection or sent a line longer than <see cref="MaxLineLength"/>.</returns>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start == 0 && _end == _buffer.Length)
            {
                return null;
            }
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Reads one TLS record (normally the ClientHello) and discards it.
    /// </summary>
    /// <param name="cancellationToken">Ends the read when the connection's time is up.</param>
    /// <returns>Whether a complete record with the handshake content type arrived.</returns>
    public async Task<bool> ReadTlsRecordAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (!await ReadExactAsync(header, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        var length = (header[3] << 8) | header[4];
        // A record is at most 2^14 bytes plus expansion; anything larger is not TLS and is not read.
        if (length > (1 << 14) + 2048)
        {
            return false;
        }
        return await ReadExactAsync(new byte[length], cancellationToken).ConfigureAwait(false) && header[0] == 0x16;
    }

    /// <summary>The connection's stream, for a behaviour that starts TLS on it.</summary>
    public Stream Stream => _stream;

    /// <summary>
    /// Takes the bytes the client sent beyond the last line read (a command pipelined behind STARTTLS).
    /// A correct server throws them away when TLS starts; the injection behaviour answers them.
    /// </summary>
    /// <returns>The buffered bytes; the buffer is empty afterwards.</returns>
    public byte[] TakeBuffered()
    {
        var pending = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        return pending;
    }

    /// <summary>Reads one TLS record and returns it whole (header included), or null when none arrives.</summary>
    /// <param name="cancellationToken">Ends the read when the connection's time is up.</param>
    public async Task<byte[]?> ReadTlsRecordBytesAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (!await ReadExactAsync(header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var length = (header[3] << 8) | header[4];
        if (length > (1 << 14) + 2048)
        {
            return null;
        }
        var body = new byte[length];
        return await ReadExactAsync(body, cancellationToken).ConfigureAwait(false) ? [.. header, .. body] : null;
    }

    /// <summary>Reads and discards whatever the client sends until it closes the connection.</summary>
    /// <param name="cancellationToken">Ends the wait when the connection's time is up.</param>
    public async Task DrainUntilClosedAsync(CancellationToken cancellationToken)
    {
        _start = _end = 0;
        while (await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            _start = _end = 0;
        }
    }

    /// <summary>
    /// Ends the connection so that the client reads everything written before its end of file:
    /// sends FIN, then waits briefly for the client to close before closing the socket. Closing at
    /// once while the client's next command is in flight would send a reset, and a reset can make
    /// the client lose the last reply.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait when the connection's time is up.</param>
    public async Task CloseGracefullyAsync(CancellationToken cancellationToken)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromSeconds(2));
            await DrainUntilClosedAsync(linger.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // The client is gone or did not close in time: the socket is closed on dispose either way.
        }
    }

    /// <inheritdoc />
    /// <summary>Whether <see cref="StartTlsAsync"/> has made this a TLS session.</summary>
    public bool IsTls => _stream is System.Net.Security.SslStream;

    /// <summary>
    /// The server side of STARTTLS with <paramref name="certificate"/>; false when the handshake fails. Called
    /// right after "220 Ready to start TLS": whatever the client pipelined before the handshake is dropped.
    /// </summary>
    public async Task<bool> StartTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        _start = _end = 0;
        var tls = new System.Net.Security.SslStream(_stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _stream = tls;
        return true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    private async Task<bool> ReadExactAsync(byte[] target, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            var count = Math.Min(target.Length - filled, _end - _start);
            Array.Copy(_buffer, _start, target, filled, count);
            _start += count;
            filled += count;
        }
        return true;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}
