using System;

namespace SmtpTls.Replies;

/// <summary>
/// What <see cref="ObjectReader"/> found in an object: the reply text, the exception or the resolution to explain, or
/// why there is nothing (the input was empty, or it holds no reply-like text).
/// </summary>
/// <remarks>
/// Empty and "no text" are kept apart so that a caller can tell its user which it was: a blank line or an empty array
/// is a mistake of a different kind than an object that never held an SMTP reply.
/// </remarks>
public sealed class ObjectReading
{
    private ObjectReading(bool isEmpty, string? text, Exception? exception, SmtpErrorResolution? resolution)
    {
        IsEmpty = isEmpty;
        Text = text;
        Exception = exception;
        Resolution = resolution;
    }

    /// <summary>True when the input was null, blank text, or a sequence of nothing but those.</summary>
    public bool IsEmpty { get; }

    /// <summary>The reply, log line or message text found (several lines of a sequence joined by line feeds); else null.</summary>
    public string? Text { get; }

    /// <summary>The exception found (its whole chain is read when it is resolved); else null.</summary>
    public Exception? Exception { get; }

    /// <summary>A resolution found ready (it is only translated when it is resolved); else null.</summary>
    public SmtpErrorResolution? Resolution { get; }

    /// <summary>True when there is something to resolve: <see cref="Text"/>, <see cref="Exception"/> or <see cref="Resolution"/>.</summary>
    public bool Found => Text is not null || Exception is not null || Resolution is not null;

    /// <summary>The reading of empty input.</summary>
    internal static ObjectReading Empty { get; } = new(true, null, null, null);

    /// <summary>The reading of input without reply-like text.</summary>
    internal static ObjectReading NoText { get; } = new(false, null, null, null);

    /// <summary>A reading that found text.</summary>
    /// <param name="text">The text, not blank.</param>
    /// <returns>The reading.</returns>
    internal static ObjectReading OfText(string text) => new(false, text, null, null);

    /// <summary>A reading that found an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The reading.</returns>
    internal static ObjectReading OfException(Exception exception) => new(false, null, exception, null);

    /// <summary>A reading that found a resolution.</summary>
    /// <param name="resolution">The resolution.</param>
    /// <returns>The reading.</returns>
    internal static ObjectReading OfResolution(SmtpErrorResolution resolution) => new(false, null, null, resolution);
}
