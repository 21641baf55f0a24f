using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Tests.Probing;

/// <summary>
/// Passes everything through and keeps a copy of the first bytes read (up to a limit): what the
/// peer sent first, e.g. the TLS ClientHello after STARTTLS.
/// </summary>
internal sealed class RecordingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly MemoryStream _recorded = new();
    private readonly int _limit;

    public RecordingReadStream(Stream inner, int limit = 16 * 1024)
    {
        _inner = inner;
        _limit = limit;
    }

    /// <summary>The bytes read so far, up to the limit.</summary>
    public byte[] Recorded
    {
        get
        {
            lock (_recorded)
            {
                return _recorded.ToArray();
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, _inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        return Record(buffer.Span.Slice(0, read));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

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

    private int Record(ReadOnlySpan<byte> bytes)
    {
        lock (_recorded)
        {
            var room = _limit - (int)_recorded.Length;
            if (room > 0)
            {
                _recorded.Write(bytes.Slice(0, Math.Min(room, bytes.Length)));
            }
        }

        return bytes.Length;
    }
}
