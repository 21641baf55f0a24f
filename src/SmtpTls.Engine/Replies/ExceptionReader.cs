using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>
/// Turns an exception chain into text the reply parser understands, without a compile-time
/// reference to the exception types: a <c>StatusCode</c> property of an SMTP type (MailKit's
/// SmtpCommandException, System.Net.Mail's SmtpException; any copy of MailKit, found by name) is
/// put in front of the message as a reply line; every exception in the chain
/// (<see cref="Exception.InnerException"/>, <see cref="AggregateException.InnerExceptions"/>)
/// adds a "Type: Message" line. Bounded in depth, count and length; cycles are cut.
/// </summary>
internal static partial class ExceptionReader
{
    /// <summary>The most exceptions of one chain that are read.</summary>
    public const int MaxExceptions = 32;

    /// <summary>Ends a message that was cut at the input limit.</summary>
    public const string CutMarker = " [...cut]";

    private const string ServerResponsePattern = @"(?:server response was|server replied|response was|Serverantwort war|Serverantwort lautete)[:\s]+(?<rest>.+)$";
    private const RegexOptions ServerResponseOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.ExplicitCapture;
    private const int ServerResponseTimeoutMilliseconds = 250;

    // Read for every failed check that ended in an exception: on .NET 8+ source-generated, so that the regex
    // interpreter is not JIT-compiled and tiered up for this one pattern.
#if NET8_0_OR_GREATER
    private static Regex ServerResponse => ServerResponseRegex();

    [GeneratedRegex(ServerResponsePattern, ServerResponseOptions, ServerResponseTimeoutMilliseconds)]
    private static partial Regex ServerResponseRegex();
#else
    private static readonly Regex ServerResponse = new(ServerResponsePattern, ServerResponseOptions, TimeSpan.FromMilliseconds(ServerResponseTimeoutMilliseconds));
#endif

    /// <summary>
    /// Reads <paramref name="exception"/>: a resolution already attached in
    /// <c>Data["SmtpTls.Resolution"]</c> (the first found, outermost first), and the text.
    /// </summary>
    /// <returns>
    /// The text; the attached resolution; whether the chain had more than <see cref="MaxExceptions"/>
    /// exceptions (the rest unread); whether the messages were longer than
    /// <see cref="SmtpErrorResolver.MaxInputChars"/> (cut there, with <see cref="CutMarker"/>, never dropped).
    /// </returns>
    public static (string Text, SmtpErrorResolution? Attached, bool ChainCut, bool TextCut) Read(Exception exception)
    {
        var lines = new List<string>();
        var seen = new HashSet<Exception>(IdentityComparer.Instance);
        var queue = new Queue<(Exception Ex, int Depth)>();
        queue.Enqueue((exception, 0));
        SmtpErrorResolution? attached = null;
        string? reply = null;
        var length = 0;
        var truncated = false;
        var textCut = false;

        while (queue.Count > 0)
        {
            var (ex, depth) = queue.Dequeue();
            if (!seen.Add(ex))
            {
                continue;
            }

            if (seen.Count > MaxExceptions)
            {
                truncated = true;
                break;
            }

            attached ??= AttachedResolution(ex);
            var message = SafeMessage(ex);
            if (reply is null && StatusCode(ex) is int code)
            {
                var response = ServerResponse.Match(message);
                var text = response.Success ? response.Groups["rest"].Value : message;
                reply = code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Flatten(text);
            }

            var line = ex.GetType().FullName + ": " + message;
            var room = SmtpErrorResolver.MaxInputChars - length;
            if (line.Length > room)
            {
                // Cut, with a marker, rather than dropped: the start of a huge message is what explains it.
                textCut = true;
                var keep = room - CutMarker.Length;
                if (keep > 0)
                {
                    if (char.IsHighSurrogate(line[keep - 1]))
                    {
                        keep--;
                    }

                    lines.Add(line.Substring(0, keep) + CutMarker);
                }

                // The chain is cut here too; it counts as too long only if it really has more than the limit.
                var known = seen.Count + queue.Count + (ex is AggregateException wide ? wide.InnerExceptions.Count : ex.InnerException is null ? 0 : 1);
                truncated = known > MaxExceptions;
                queue.Clear();
                break;
            }

            lines.Add(line);
            length += line.Length + 1;

            if (ex is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (inner is not null && queue.Count < MaxExceptions)
                    {
                        queue.Enqueue((inner, depth + 1));
                    }
                }
            }
            else if (ex.InnerException is not null)
            {
                queue.Enqueue((ex.InnerException, depth + 1));
            }
        }

        if (queue.Count > 0)
        {
            truncated = true;
        }

        if (reply is not null)
        {
            lines.Insert(0, reply);
        }

        return (string.Join("\n", lines), attached, truncated, textCut);
    }

    private static SmtpErrorResolution? AttachedResolution(Exception ex)
    {
        try
        {
            IDictionary data = ex.Data;
            return data is not null && data.Contains(SmtpErrorResolver.ResolutionDataKey)
                ? data[SmtpErrorResolver.ResolutionDataKey] as SmtpErrorResolution
                : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static string SafeMessage(Exception ex)
    {
        try
        {
            return ex.Message ?? string.Empty;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return string.Empty;
        }
    }

    /// <summary>The reply code of an SMTP exception, by duck typing: a StatusCode property whose type or owner is SMTP-specific.</summary>
    private static int? StatusCode(Exception ex)
    {
        try
        {
            var property = ex.GetType().GetProperty("StatusCode", BindingFlags.Public | BindingFlags.Instance);
            if (property is null || property.GetIndexParameters().Length > 0)
            {
                return null;
            }

            var smtp = property.PropertyType.Name.IndexOf("Smtp", StringComparison.OrdinalIgnoreCase) >= 0
                || ex.GetType().Name.IndexOf("Smtp", StringComparison.OrdinalIgnoreCase) >= 0;
            if (!smtp)
            {
                return null;
            }

            var value = property.GetValue(ex);
            if (value is null)
            {
                return null;
            }

            var code = value is Enum ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : value is int i ? i : (int?)null;
            return code is >= 200 and <= 559 ? code : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static string Flatten(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 4096));
        foreach (var c in text)
        {
            if (builder.Length >= 4096)
            {
                break;
            }

            builder.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    private sealed class IdentityComparer : IEqualityComparer<Exception>
    {
        /// <summary>The one instance; the comparer has no state.</summary>
        public static readonly IdentityComparer Instance = new();

        /// <summary>Same object, not equal messages: a chain that holds one exception twice is a cycle to cut.</summary>
        public bool Equals(Exception? x, Exception? y) => ReferenceEquals(x, y);

        /// <summary>The object's identity hash, whatever the exception type overrides.</summary>
        public int GetHashCode(Exception obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
