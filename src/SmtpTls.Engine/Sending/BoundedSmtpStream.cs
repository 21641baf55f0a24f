using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Probing;
using SmtpTls.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// The network stream MailKit's SmtpClient reads from, with the session's caps on it: the total
/// bytes a session may receive (TLS records included) and the step and call deadlines of
/// <see cref="SessionDeadline"/>, measured from the start of the step rather than per read, so a
/// server that trickles a byte a second cannot hold the client. A cap hit throws
/// <see cref="SmtpLimitExceededException"/> and closes the connection.
/// </summary>
/// <remarks>
/// Line and reply caps cannot be judged here: after STARTTLS this stream carries ciphertext. They
/// are held where the plaintext is seen, in <see cref="RedactingProtocolLogger.LogServer"/>.
/// </remarks>
internal sealed class BoundedSmtpStream : Stream
{
    private readonly Stream _inner;
    private readonly SessionDeadline _deadline;
    private readonly Action _abort;
    private readonly long _maxBytes;
    private long _received;
    private long _receivedInStep;

    /// <param name="inner">The connected network stream; owned from now on.</param>
    /// <param name="deadline">The step and call deadlines.</param>
    /// <param name="abort">Closes the connection (the socket), so that a read blocked below ends at once.</param>
    /// <param name="maxBytes">The most bytes the session may receive.</param>
    public BoundedSmtpStream(Stream inner, SessionDeadline deadline, Action abort, long maxBytes = SmtpReadLimits.MaxSessionBytes)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _deadline = deadline ?? throw new ArgumentNullException(nameof(deadline));
        _abort = abort ?? throw new ArgumentNullException(nameof(abort));
        if (maxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes));
        }

        _maxBytes = maxBytes;
    }

    /// <summary>Bytes received in this session so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <inheritdoc />
    public override bool CanRead => _inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public override bool CanTimeout => _inner.CanTimeout;

    /// <inheritdoc />
    public override int ReadTimeout
    {
        get => _inner.ReadTimeout;
        set => _inner.ReadTimeout = value;
    }

    /// <inheritdoc />
    public override int WriteTimeout
    {
        get => _inner.WriteTimeout;
        set => _inner.WriteTimeout = value;
    }

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        using var watch = Watch(CancellationToken.None);
        try
        {
            return Count(_inner.Read(buffer, offset, count));
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }

    /// <inheritdoc />
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        using var watch = Watch(cancellationToken);
        try
        {
            return Count(await _inner.ReadAsync(buffer, offset, count, watch.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }

#if NET8_0_OR_GREATER
    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var watch = Watch(cancellationToken);
        try
        {
            return Count(await _inner.ReadAsync(buffer, watch.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        StartStep();
        using var watch = Watch(cancellationToken);
        try
        {
            await _inner.WriteAsync(buffer, watch.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }
#endif

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        StartStep();
        using var watch = Watch(CancellationToken.None);
        try
        {
            _inner.Write(buffer, offset, count);
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }

    /// <inheritdoc />
    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        StartStep();
        using var watch = Watch(cancellationToken);
        try
        {
            await _inner.WriteAsync(buffer, offset, count, watch.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (watch.Fired && ex is not SmtpLimitExceededException)
        {
            throw Expired();
        }
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void StartStep()
    {
        _deadline.StartStep();
        Interlocked.Exchange(ref _receivedInStep, 0);
    }

    private int Count(int read)
    {
        if (read <= 0)
        {
            return read;
        }

        Interlocked.Add(ref _receivedInStep, read);
        if (Interlocked.Add(ref _received, read) > _maxBytes)
        {
            _abort();
            throw new SmtpLimitExceededException(
                SmtpSendErrorId.TranscriptLimit,
                "The server sent more than " + _maxBytes + " bytes in one session.");
        }

        return read;
    }

    private Watchdog Watch(CancellationToken cancellationToken)
    {
        var remaining = _deadline.Remaining;
        if (remaining <= TimeSpan.Zero)
        {
            _abort();
            throw Expired();
        }

        return new Watchdog(remaining, _abort, cancellationToken);
    }

    private SmtpLimitExceededException Expired()
    {
        if (_deadline.CallIsBinding && _deadline.CallRemaining <= TimeSpan.FromMilliseconds(50))
        {
            return new SmtpLimitExceededException(SmtpSendErrorId.CallTimeout, "The call did not end within " + _deadline.Call.TotalSeconds + " s.");
        }

        return Interlocked.Read(ref _receivedInStep) > 0
            ? new SmtpLimitExceededException(SmtpSendErrorId.ReplyTooSlow, "The server kept sending but did not complete its answer within " + _deadline.Step.TotalSeconds + " s.")
            : new SmtpLimitExceededException(SmtpSendErrorId.Timeout, "The server did not answer within " + _deadline.Step.TotalSeconds + " s.");
    }

    /// <summary>Cancels the operation and closes the connection when the deadline passes.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;
        private readonly CancellationTokenRegistration _registration;

        /// <summary>Starts the clock.</summary>
        /// <param name="remaining">The time the operation has.</param>
        /// <param name="abort">Closes the connection when the time is up.</param>
        /// <param name="cancellationToken">The caller's token, linked into <see cref="Token"/>.</param>
        public Watchdog(TimeSpan remaining, Action abort, CancellationToken cancellationToken)
        {
            _timer = new CancellationTokenSource(remaining);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);

            // .NET Framework's NetworkStream ignores the token: closing the socket ends the operation there too.
            _registration = _timer.Token.Register(abort);
        }

        /// <summary>Cancelled by the caller or when the time is up.</summary>
        public CancellationToken Token => _linked.Token;

        /// <summary>Whether the time ran out (rather than the caller cancelling).</summary>
        public bool Fired => _timer.IsCancellationRequested;

        /// <summary>Stops the clock and unlinks it from the caller's token.</summary>
        public void Dispose()
        {
            _registration.Dispose();
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
