using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Diagnostics;

namespace SmtpTls.Smtp;

/// <summary>
/// Reads SMTP replies from a plaintext stream with hard limits, so a hostile or broken peer (a
/// 1 MiB line, a 10,000-line EHLO answer, binary garbage) ends in a <see cref="SmtpProtocolException"/>
/// instead of unbounded memory or time.
/// </summary>
internal sealed class SmtpReplyReader
{
    /// <summary>Looks at what has arrived without taking it (see the constructor's <c>peek</c>); returns how many bytes were copied.</summary>
#if NET8_0_OR_GREATER
    public delegate ValueTask<int> PeekFunction(byte[] buffer, int offset, int count, CancellationToken cancellationToken);
#else
    public delegate Task<int> PeekFunction(byte[] buffer, int offset, int count, CancellationToken cancellationToken);
#endif

    /// <summary>See <see cref="SmtpReadLimits.MaxLineLength"/>.</summary>
    public const int DefaultMaxLineLength = SmtpReadLimits.MaxLineLength;

    /// <summary>See <see cref="SmtpReadLimits.MaxReplyLines"/>.</summary>
    public const int DefaultMaxLines = SmtpReadLimits.MaxReplyLines;

    private readonly Stream _stream;
    private readonly PeekFunction? _peek;
    private byte[] _buffer;
    private readonly int _maxLineLength;
    private readonly int _maxLines;
    private int _start;
    private int _end;

    /// <param name="stream">The stream the replies come from.</param>
    /// <param name="maxLineLength">The longest line accepted.</param>
    /// <param name="maxLines">The most lines of one reply accepted.</param>
    /// <param name="peek">
    /// Looks at what has arrived on the socket under <paramref name="stream"/> without taking it (MSG_PEEK),
    /// waiting until something has. With it, an exact read takes a whole line in two system calls instead
    /// of one per byte; without it, exact reads go byte by byte.
    /// </param>
    /// <param name="buffer">The receive buffer to use (at least 4096 bytes), e.g. one taken from the reader before; null: a new one.</param>
    public SmtpReplyReader(Stream stream, int maxLineLength = DefaultMaxLineLength, int maxLines = DefaultMaxLines, PeekFunction? peek = null, byte[]? buffer = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _buffer = buffer is { Length: >= 4096 } ? buffer : new byte[4096];
        _peek = peek;
        if (maxLineLength < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineLength));
        }

        if (maxLines < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLines));
        }

        _maxLineLength = maxLineLength;
        _maxLines = maxLines;
    }

    /// <summary>Bytes received but not yet consumed as part of a reply.</summary>
    public int Buffered => _end - _start;

    /// <summary>
    /// Hands the receive buffer over to a reader that continues on another stream (the TLS layer) when nothing is
    /// buffered; this reader must not be used afterwards.
    /// </summary>
    public byte[] TakeBuffer()
    {
        if (Buffered != 0)
        {
            throw new InvalidOperationException("The reader still holds received bytes.");
        }

        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        return buffer;
    }

    /// <summary>Reads one complete reply; the line callback sees each line as it arrives (for -Verbose).</summary>
    /// <param name="exact">
    /// Read byte by byte so that nothing after the reply leaves the socket: used for the reply to
    /// STARTTLS, after which the bytes belong to the TLS layer.
    /// </param>
    /// <param name="onLine">Called with each received line.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="EndOfStreamException">The peer closed the connection before a complete reply.</exception>
    /// <exception cref="SmtpProtocolException">The data is not an SMTP reply or exceeds the limits.</exception>
    public async Task<SmtpReply> ReadReplyAsync(bool exact, Action<string>? onLine, CancellationToken cancellationToken)
    {
        // One async method per reply: lines are taken from the buffer without awaiting, and only a refill awaits
        // (a multi-line EHLO answer usually arrives in one read).
        var lines = new List<string>();
        var code = -1;
        MemoryStream? partial = null;
        while (true)
        {
            if (_start == _end)
            {
                int read;
                if (exact && _peek is not null)
                {
                    // What has arrived, up to and including the first line feed, and nothing after it: peek first, then
                    // read exactly that many bytes (which are there already).
                    var available = await _peek(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
                    read = 0;
                    if (available > 0)
                    {
                        var newline = Array.IndexOf(_buffer, (byte)'\n', 0, available);
                        var wanted = newline < 0 ? available : newline + 1;
                        while (read < wanted)
                        {
                            var taken = await ReadAsync(read, wanted - read, cancellationToken).ConfigureAwait(false);
                            if (taken == 0)
                            {
                                break;
                            }

                            read += taken;
                        }
                    }
                }
                else
                {
                    read = await ReadAsync(0, exact ? 1 : _buffer.Length, cancellationToken).ConfigureAwait(false);
                }

                if (read == 0)
                {
                    var excerpt = partial is { Length: > 0 } ? Printable(Encoding.ASCII.GetString(partial.ToArray())) : null;
                    throw new EndOfStreamException(excerpt is null ? "The server closed the connection." : "The server closed the connection in the middle of a line: " + excerpt);
                }

                _start = 0;
                _end = read;
            }

            var line = TakeLine(ref partial);
            if (line is null)
            {
                continue;
            }

            onLine?.Invoke(line);
            if (!IsReplyLine(line))
            {
                throw new SmtpProtocolException("Probe.NotSmtp.NotReply", 0, Printable(line, 60));
            }

            var lineCode = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            if (code < 0)
            {
                code = lineCode;
            }
            else if (lineCode != code)
            {
                throw new SmtpProtocolException("Probe.NotSmtp.MixedCodes", 0, Printable(line));
            }

            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ')
            {
                return new SmtpReply(code, lines);
            }

            if (lines.Count >= _maxLines)
            {
                throw new SmtpProtocolException("Probe.NotSmtp.TooManyLines", _maxLines, Printable(line));
            }
        }
    }

    /// <summary>Reads into the buffer at <paramref name="offset"/> (on .NET 8 without a Task per read).</summary>
#if NET8_0_OR_GREATER
    private ValueTask<int> ReadAsync(int offset, int count, CancellationToken cancellationToken) =>
        _stream.ReadAsync(new Memory<byte>(_buffer, offset, count), cancellationToken);
#else
    private Task<int> ReadAsync(int offset, int count, CancellationToken cancellationToken) =>
        _stream.ReadAsync(_buffer, offset, count, cancellationToken);
#endif

    /// <summary>
    /// Takes the next line out of the buffer: the escaped line without its CR LF, or null when the buffer ends
    /// before the line does (what there is goes into <paramref name="partial"/>, only a line that spans reads is
    /// assembled there; a line inside the buffer is decoded in place).
    /// </summary>
    private string? TakeLine(ref MemoryStream? partial)
    {
        var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
        var take = (newline < 0 ? _end : newline) - _start;
        if ((partial?.Length ?? 0) + take > _maxLineLength)
        {
            partial ??= new MemoryStream();
            partial.Write(_buffer, _start, Math.Min(take, 80));
            throw new SmtpProtocolException("Probe.NotSmtp.LineTooLong", _maxLineLength, Printable(Encoding.ASCII.GetString(partial.ToArray()), 60));
        }

        if (newline < 0)
        {
            partial ??= new MemoryStream();
            partial.Write(_buffer, _start, take);
            _start = _end;
            return null;
        }

        string text;
        if (partial is null)
        {
            var length = take > 0 && _buffer[_start + take - 1] == '\r' ? take - 1 : take;
            text = Latin1(_buffer, _start, length);
        }
        else
        {
            partial.Write(_buffer, _start, take);
            var bytes = partial.ToArray();
            text = Latin1(bytes, 0, bytes.Length > 0 && bytes[bytes.Length - 1] == '\r' ? bytes.Length - 1 : bytes.Length);
            partial = null;
        }

        _start = newline + 1;

        // Latin-1 keeps every byte as one char, so binary garbage stays visible and never throws;
        // control characters (ESC, the 8-bit CSI and OSC) are escaped before the line is kept anywhere.
        return VisibleText.Escape(text)!;
    }

    internal static bool IsReplyLine(string line)
    {
        if (line.Length < 3 || line[0] < '2' || line[0] > '5' || !char.IsDigit(line[1]) || !char.IsDigit(line[2]))
        {
            return false;
        }

        return line.Length == 3 || line[3] == ' ' || line[3] == '-';
    }

    /// <summary>Shortens and escapes received text for messages and transcripts.</summary>
    internal static string Printable(string text, int max = 120)
    {
        // Nearly every line is printable ASCII and short enough: it is its own printable form.
        var plain = text.Length <= max;
        for (var i = 0; plain && i < text.Length; i++)
        {
            plain = text[i] is >= ' ' and < (char)127;
        }

        if (plain)
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, max) + 3);
        foreach (var c in text)
        {
            if (builder.Length >= max)
            {
                builder.Append("...");
                break;
            }

            builder.Append(c is >= ' ' and < (char)127 ? c : '.');
        }

        return builder.ToString();
    }

    private static string Latin1(byte[] bytes, int offset, int length)
    {
#if NET8_0_OR_GREATER
        return Encoding.Latin1.GetString(bytes, offset, length);
#else
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)bytes[offset + i];
        }

        return new string(chars);
#endif
    }
}
