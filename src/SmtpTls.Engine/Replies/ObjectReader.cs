using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace SmtpTls.Replies;

/// <summary>
/// Finds the reply text in an arbitrary object: a string, an exception, an <see cref="SmtpErrorResolution"/>, a
/// dictionary or an object with a reply-like property (<see cref="ReplyProperties"/>, most specific first), or a
/// sequence of lines (joined as one multi-line reply). The one reader behind
/// <see cref="SmtpErrorResolver.ResolveObject(object?, CultureInfo?)"/> and Resolve-SmtpError's object input.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="MaxDepth"/> levels of nesting (so a self-reference ends), <see cref="MaxItems"/> items of
/// one sequence and <see cref="SmtpErrorResolver.MaxInputChars"/> characters of lines. A property getter that throws is
/// skipped. Objects that reflection cannot see (PowerShell's property bags) are read through an adapter that turns
/// them into something this reader knows, typically a dictionary of their <see cref="ReplyProperties"/>.
/// </remarks>
public static class ObjectReader
{
    /// <summary>How deep nested objects are followed (a property holding an object holding ...).</summary>
    public const int MaxDepth = 3;

    /// <summary>The most items of one sequence that are read.</summary>
    public const int MaxItems = 1000;

    /// <summary>
    /// The names of properties (or dictionary keys, case-insensitive) that hold reply text, most specific first: a
    /// <c>Resolution</c> already made wins, then the reply to STARTTLS, the reply, a message, a log line, an exception
    /// and a PowerShell error record.
    /// </summary>
    public static IReadOnlyList<string> ReplyProperties { get; } = new[] { "Resolution", "StartTlsReply", "Reply", "Message", "Line", "Exception", "ErrorRecord" };

    /// <summary>Reads <paramref name="input"/>.</summary>
    /// <param name="input">Anything; null is empty input.</param>
    /// <param name="adapter">
    /// Called with every non-null value before it is read (the input and every property value and item met on the
    /// way); returns the value to read instead, or the value itself. Null: every value is read as it is.
    /// </param>
    /// <returns>What was found, or why nothing was. A bare number at the top is read as a reply code.</returns>
    public static ObjectReading Read(object? input, Func<object, object?>? adapter = null)
    {
        return Read(input, adapter, 0);
    }

    private static ObjectReading Read(object? value, Func<object, object?>? adapter, int depth) =>
        ReadAdapted(Adapt(value, adapter), adapter, depth);

    private static object? Adapt(object? value, Func<object, object?>? adapter) =>
        value is not null && adapter is not null ? adapter(value) : value;

    /// <summary>Reads a value the adapter has seen already.</summary>
    private static ObjectReading ReadAdapted(object? value, Func<object, object?>? adapter, int depth)
    {
        switch (value)
        {
            case null:
                return ObjectReading.Empty;
            case string text:
                return string.IsNullOrWhiteSpace(text) ? ObjectReading.Empty : ObjectReading.OfText(text);
            case SmtpErrorResolution resolution:
                return ObjectReading.OfResolution(resolution);
            case Exception exception:
                return ObjectReading.OfException(exception);
            case IConvertible convertible when depth == 0 && value is not IEnumerable:
                // A bare number such as 454 is a reply code; deeper down a number is more likely a line number or a count.
                return ObjectReading.OfText(convertible.ToString(CultureInfo.InvariantCulture));
        }

        if (depth >= MaxDepth)
        {
            return ObjectReading.NoText;
        }

        if (value is IDictionary dictionary)
        {
            return ReadDictionary(dictionary, adapter, depth);
        }

        if (value is IEnumerable sequence)
        {
            return ReadSequence(sequence, adapter, depth);
        }

        return ReadProperties(value, adapter, depth);
    }

    private static ObjectReading ReadDictionary(IDictionary dictionary, Func<object, object?>? adapter, int depth)
    {
        foreach (var name in ReplyProperties)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    var found = Read(entry.Value, adapter, depth + 1);
                    if (found.Found)
                    {
                        return found;
                    }
                }
            }
        }

        return ObjectReading.NoText;
    }

    /// <summary>Lines are joined into one reply; the first other item with something to say wins.</summary>
    private static ObjectReading ReadSequence(IEnumerable sequence, Func<object, object?>? adapter, int depth)
    {
        var lines = new StringBuilder();
        var count = 0;
        var empty = true;
        foreach (var raw in sequence)
        {
            if (++count > MaxItems || lines.Length > SmtpErrorResolver.MaxInputChars)
            {
                break;
            }

            var item = Adapt(raw, adapter);
            if (item is string line)
            {
                lines.Append(line).Append('\n');
                empty &= string.IsNullOrWhiteSpace(line);
            }
            else if (item is not null)
            {
                empty = false;
                var found = ReadAdapted(item, adapter, depth + 1);
                if (found.Found)
                {
                    return found;
                }
            }
        }

        var joined = lines.ToString();
        if (!string.IsNullOrWhiteSpace(joined))
        {
            return ObjectReading.OfText(joined);
        }

        return empty ? ObjectReading.Empty : ObjectReading.NoText;
    }

    private static ObjectReading ReadProperties(object value, Func<object, object?>? adapter, int depth)
    {
        foreach (var name in ReplyProperties)
        {
            object? property;
            try
            {
                var info = value.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (info is null || info.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                property = info.GetValue(value);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                continue;
            }

            var found = Read(property, adapter, depth + 1);
            if (found.Found)
            {
                return found;
            }
        }

        return ObjectReading.NoText;
    }
}
