using System;
using System.Collections.Generic;

namespace SmtpTls.Policy;

/// <summary>One HTTP/1.x response as <see cref="HttpResponseReader"/> read it, within its bounds.</summary>
internal sealed class HttpResponse
{
    /// <summary>A response head as read.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="reasonPhrase">The reason phrase, as the server wrote it.</param>
    /// <param name="headers">The header fields by name.</param>
    public HttpResponse(int statusCode, string reasonPhrase, Dictionary<string, string> headers)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
    }

    /// <summary>The status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, as the server wrote it.</summary>
    public string ReasonPhrase { get; }

    /// <summary>Header fields by name (case-insensitive); repeated fields joined with ", " as HTTP allows.</summary>
    public Dictionary<string, string> Headers { get; }

    /// <summary>The body; null when it was not read (not asked for, too large, or incomplete).</summary>
    public byte[]? Body { get; set; }

    /// <summary>Whether the body is larger than the bound; reading stopped at the bound (or did not start, given a Content-Length).</summary>
    public bool BodyTooLarge { get; set; }

    /// <summary>Whether the connection closed before the announced body was complete.</summary>
    public bool BodyIncomplete { get; set; }

    /// <summary>How many body bytes were taken from the connection (chunk framing not counted).</summary>
    public long BodyBytesRead { get; set; }

    /// <summary>The announced Content-Length, when there was a valid one.</summary>
    public long? ContentLength { get; set; }

    /// <summary>A header field's value, or null when the response has none of that name.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A 3xx status: RFC 8461 §3.3 says senders must not follow it.</summary>
    public bool IsRedirect => StatusCode >= 300 && StatusCode < 400;
}
