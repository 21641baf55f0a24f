using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// Passes everything through and keeps a copy of the first bytes read, so that after a failed
/// handshake we can tell what the peer really spoke: an SMTP banner means the port expects
/// STARTTLS, "HTTP/" means it is a web server. SslStream itself only says "invalid frame".
/// </summary>
internal sealed class FirstBytesRecordingStream : Stream
{
    private const int Capacity = 256;
    private readonly Stream _inner;
    private readonly byte[] _first = new byte[Capacity];
    private int _recorded;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public FirstBytesRecordingStream(Stream inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    /// <summary>A copy of the first bytes received.</summary>
    public byte[] FirstBytes
    {
        get
        {
            var copy = new byte[_recorded];
            Buffer.BlockCopy(_first, 0, copy, 0, _recorded);
            return copy;
        }
    }

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Record(buffer, offset, _inner.Read(buffer, offset, count));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Record(buffer, offset, await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

#if NET8_0_OR_GREATER
    // Once the first bytes are kept (the handshake's first read usually fills them), reads go straight through.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _recorded >= Capacity ? _inner.ReadAsync(buffer, cancellationToken) : RecordingReadAsync(buffer, cancellationToken);

    private async ValueTask<int> RecordingReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var take = Math.Min(read, Capacity - _recorded);
        if (take > 0)
        {
            buffer.Span.Slice(0, take).CopyTo(_first.AsSpan(_recorded));
            _recorded += take;
        }

        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
#endif

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Record(byte[] buffer, int offset, int read)
    {
        var take = Math.Min(read, Capacity - _recorded);
        if (take > 0)
        {
            Buffer.BlockCopy(buffer, offset, _first, _recorded, take);
            _recorded += take;
        }

        return read;
    }
}
