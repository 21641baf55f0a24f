using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Policy;

/// <summary>
/// Reads one HTTP/1.x response from a stream with hard bounds on header and body size: the policy
/// fetcher's whole HTTP client side. Handles Content-Length, chunked and close-delimited bodies.
/// </summary>
/// <remarks>
/// A hand-written reader instead of HttpClient: it has to stop at 64 KiB whatever the server sends,
/// must never follow a redirect, and must connect to an address from the explicit DNS server with
/// the policy host's name as SNI; the same code then runs on netstandard2.0 and net8.0.
/// </remarks>
internal sealed class HttpResponseReader
{
    private const int MaxChunkLine = 1024;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _position;
    private int _length;

    /// <summary>A reader over <paramref name="stream"/>; read the head first, then (if wanted) the body.</summary>
    public HttpResponseReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Reads the status line and headers, then, when <paramref name="readBody"/>, the body up to <paramref name="maxBodyBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The response is not HTTP/1.x, its headers exceed <paramref name="maxHeaderBytes"/>, or the connection closed inside them.</exception>
    public static async Task<HttpResponse> ReadAsync(Stream stream, int maxHeaderBytes, int maxBodyBytes, bool readBody, CancellationToken cancellationToken)
    {
        var reader = new HttpResponseReader(stream);
        var response = await reader.ReadHeadAsync(maxHeaderBytes, cancellationToken).ConfigureAwait(false);
        if (readBody)
        {
            await reader.ReadBodyAsync(response, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>Reads the status line and the header fields, at most <paramref name="maxHeaderBytes"/>.</summary>
    /// <exception cref="InvalidDataException">Not HTTP/1.x, headers too large, or the connection closed inside them.</exception>
    public async Task<HttpResponse> ReadHeadAsync(int maxHeaderBytes, CancellationToken cancellationToken)
    {
        var budget = maxHeaderBytes;
        var statusLine = await ReadLineAsync(budget, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("the connection closed before the status line");
        budget -= statusLine.Length + 2;

        // HTTP/1.x SP 3DIGIT SP reason-phrase
        var parts = statusLine.Split(new[] { ' ' }, 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[1].Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException("not an HTTP/1.x status line: " + Printable(statusLine));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            if (budget <= 0)
            {
                throw new InvalidDataException($"the response headers exceed {maxHeaderBytes} bytes");
            }

            var line = await ReadLineAsync(budget, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("the connection closed inside the response headers");
            budget -= line.Length + 2;
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new InvalidDataException("not a header line: " + Printable(line));
            }

            var name = line.Substring(0, colon).Trim();
            var value = line.Substring(colon + 1).Trim();
            headers[name] = headers.TryGetValue(name, out var previous) ? previous + ", " + value : value;
        }

        var response = new HttpResponse(status, parts.Length > 2 ? parts[2] : string.Empty, headers);
        if (response.Header("Content-Length") is { } length
            && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var announced))
        {
            response.ContentLength = announced;
        }

        return response;
    }

    /// <summary>Reads the body of <paramref name="response"/> up to <paramref name="maxBodyBytes"/>; the outcome is recorded on the response.</summary>
    /// <exception cref="InvalidDataException">The chunked framing is malformed.</exception>
    public async Task ReadBodyAsync(HttpResponse response, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        var transferEncoding = response.Header("Transfer-Encoding");
        if (transferEncoding is not null && transferEncoding.TrimEnd().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            await ReadChunkedAsync(response, body, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        else if (response.ContentLength is { } length)
        {
            if (length > maxBodyBytes)
            {
                // Announced too large: not one byte of it is needed to say so.
                response.BodyTooLarge = true;
                return;
            }

            var read = await CopyAsync(body, length, cancellationToken).ConfigureAwait(false);
            response.BodyBytesRead = read;
            response.BodyIncomplete = read < length;
        }
        else
        {
            // Close-delimited: read one byte past the bound to know whether there is more.
            var read = await CopyAsync(body, (long)maxBodyBytes + 1, cancellationToken).ConfigureAwait(false);
            response.BodyBytesRead = read;
            response.BodyTooLarge = read > maxBodyBytes;
        }

        if (!response.BodyTooLarge && !response.BodyIncomplete)
        {
            response.Body = body.ToArray();
        }
    }

    private async Task ReadChunkedAsync(HttpResponse response, MemoryStream body, int maxBodyBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                response.BodyIncomplete = true;
                return;
            }

            var extension = line.IndexOf(';');
            var sizeText = (extension >= 0 ? line.Substring(0, extension) : line).Trim();
            if (sizeText.Length == 0 || sizeText.Length > 15
                || !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
            {
                throw new InvalidDataException("not a chunk size: " + Printable(line));
            }

            if (size == 0)
            {
                // Trailer fields until the empty line; their content does not matter here.
                string? trailer;
                var budget = 16;
                do
                {
                    trailer = await ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
                }
                while (!string.IsNullOrEmpty(trailer) && --budget > 0);
                return;
            }

            if (response.BodyBytesRead + size > maxBodyBytes)
            {
                // Take what fits plus one byte, so the read stays bounded and the excess is certain.
                var allowed = maxBodyBytes - response.BodyBytesRead + 1;
                response.BodyBytesRead += await CopyAsync(Stream.Null, allowed, cancellationToken).ConfigureAwait(false);
                response.BodyTooLarge = true;
                return;
            }

            var read = await CopyAsync(body, size, cancellationToken).ConfigureAwait(false);
            response.BodyBytesRead += read;
            if (read < size || await ReadLineAsync(2, cancellationToken).ConfigureAwait(false) is not "")
            {
                response.BodyIncomplete = true;
                return;
            }
        }
    }

    /// <summary>Copies up to <paramref name="count"/> bytes to <paramref name="target"/>; fewer when the connection closes.</summary>
    private async Task<long> CopyAsync(Stream target, long count, CancellationToken cancellationToken)
    {
        long copied = 0;
        while (copied < count)
        {
            if (_position == _length && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            var take = (int)Math.Min(_length - _position, count - copied);
            target.Write(_buffer, _position, take);
            _position += take;
            copied += take;
        }

        return copied;
    }

    /// <summary>One line without its CRLF (a bare LF is accepted), as Latin-1 text; null at end of stream before any byte.</summary>
    private async Task<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_position == _length && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Length == 0 ? null : throw new InvalidDataException("the connection closed inside a line");
            }

            var b = _buffer[_position++];
            if (b == (byte)'\n')
            {
                if (line.Length > 0 && line[line.Length - 1] == '\r')
                {
                    line.Length--;
                }

                return line.ToString();
            }

            if (line.Length >= maxLength)
            {
                throw new InvalidDataException($"a line is longer than {maxLength} bytes");
            }

            line.Append((char)b);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _position = 0;
        _length = await _stream.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
        return _length > 0;
    }

    private static string Printable(string text)
    {
        var shown = text.Length > 80 ? text.Substring(0, 80) + "..." : text;
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            builder.Append(c < 0x20 || c > 0x7E ? '?' : c);
        }

        return builder.ToString();
    }
}
