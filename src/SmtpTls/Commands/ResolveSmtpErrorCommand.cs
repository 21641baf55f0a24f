using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using SmtpTls.Localization;
using SmtpTls.Replies;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Explains SMTP replies, mail-log lines and errors: what they mean, whether they are transient, and what to do.</para>
/// <para type="description">Turns replies such as "454 4.7.0 TLS not available due to local problem", Postfix, Exim,
/// Sendmail and Exchange log lines, NDR texts, client error messages, exceptions and error records into
/// SmtpErrorResolution objects: codes, category, transient or not, likely causes and remediation steps for senders,
/// administrators and developers, in English or German. Works offline.</para>
/// </summary>
/// <remarks>
/// Thin: the meaning of replies lives in the engine (<see cref="SmtpErrorResolver"/> and its knowledge files). This
/// class only unwraps what PowerShell hands over (PSObject wrappers, error records, deserialized objects, arrays of
/// lines) and turns unusable input into non-terminating errors, so a long pipeline never stops on one bad item.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Resolve, "SmtpError")]
[OutputType(typeof(SmtpErrorResolution))]
public sealed class ResolveSmtpErrorCommand : SmtpCommandBase
{
    // Deeper nesting than this (a property holding an object holding ...) is not followed.
    private const int MaxDepth = 3;

    // The most items of one array that are read; the engine caps the text again.
    private const int MaxItems = 1000;

    // Property names that hold reply text, most specific first; the engine uses the same order for .NET objects.
    private static readonly string[] ReplyProperties = { "Resolution", "StartTlsReply", "Reply", "Message", "Line", "Exception", "ErrorRecord" };

    /// <summary>
    /// A reply, log line, message, exception, error record, or an object with a reply-like property
    /// (Resolution, StartTlsReply, Reply, Message, Line). An array given to -InputObject is read as the lines of one reply.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [Alias("Reply", "Line", "ErrorRecord", "Exception")]
    public object? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var culture = EffectiveCulture;
        SmtpErrorResolution? resolution;
        try
        {
            resolution = Resolve(InputObject, culture, 0);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or StackOverflowException or PipelineStoppedException))
        {
            // The resolver is built never to throw for any input; this only guards against a broken installation.
            WriteError(new ErrorRecord(ex, "ResolveFailed", ErrorCategory.NotSpecified, InputObject));
            return;
        }

        if (resolution is not null)
        {
            WriteObject(resolution);
        }
    }

    private SmtpErrorResolution? Resolve(object? value, CultureInfo culture, int depth)
    {
        value = Unwrap(value, out var wrapper);
        switch (value)
        {
            case null:
                return Empty(culture);
            case string text:
                return string.IsNullOrWhiteSpace(text) ? Empty(culture) : SmtpErrorResolver.Resolve(text, culture);
            case SmtpErrorResolution attached:
                return SmtpErrorResolver.Relocalize(attached, culture);
            case ErrorRecord record:
                return SmtpErrorResolver.ResolveError(record.Exception, record.ErrorDetails?.Message, culture);
            case Exception exception:
                return SmtpErrorResolver.Resolve(exception, culture);
            case IConvertible convertible when value is not IEnumerable:
                // A bare number such as 454 is a reply code.
                return SmtpErrorResolver.Resolve(convertible.ToString(CultureInfo.InvariantCulture), culture);
        }

        if (wrapper is not null && depth < MaxDepth && FromProperties(wrapper, culture, depth) is { } fromProperties)
        {
            return fromProperties;
        }

        if (value is IEnumerable sequence && value is not IDictionary)
        {
            var items = new List<object>();
            foreach (var item in sequence)
            {
                if (items.Count >= MaxItems)
                {
                    break;
                }

                if (Unwrap(item, out _) is { } unwrapped)
                {
                    items.Add(unwrapped);
                }
            }

            if (items.Count == 0 || items.TrueForAll(i => i is string s && string.IsNullOrWhiteSpace(s)))
            {
                return Empty(culture);
            }

            value = items;
        }

        var resolved = SmtpErrorResolver.ResolveObject(value, culture);
        if (resolved is null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException(LocalizedText.Format("Resolve.Error.NoText", culture, wrapper?.TypeNames.Count > 0 ? wrapper.TypeNames[0] : value.GetType().FullName)),
                "NoReplyText",
                ErrorCategory.InvalidArgument,
                InputObject));
        }

        return resolved;
    }

    /// <summary>
    /// Reads reply-like properties of a PowerShell object (PSCustomObject, deserialized objects after
    /// Import-Clixml or from remoting), which reflection in the engine cannot see.
    /// </summary>
    private SmtpErrorResolution? FromProperties(PSObject wrapper, CultureInfo culture, int depth)
    {
        // A deserialized resolution keeps its Input: resolve that text again, in the requested language.
        foreach (var typeName in wrapper.TypeNames)
        {
            if (typeName.EndsWith("SmtpTls.SmtpErrorResolution", StringComparison.Ordinal)
                && wrapper.Properties["Input"]?.Value is { } input
                && Unwrap(input, out _) is string text
                && !string.IsNullOrWhiteSpace(text))
            {
                return SmtpErrorResolver.Resolve(text, culture);
            }
        }

        foreach (var name in ReplyProperties)
        {
            object? value;
            try
            {
                value = wrapper.Properties[name]?.Value;
            }
            catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException)
            {
                continue;
            }

            if (value is null || (Unwrap(value, out _) is string s && string.IsNullOrWhiteSpace(s)))
            {
                continue;
            }

            var inner = Unwrap(value, out var innerWrapper);
            if (inner is string or ErrorRecord or Exception or SmtpErrorResolution || innerWrapper is not null)
            {
                return Resolve(value, culture, depth + 1);
            }
        }

        return null;
    }

    private SmtpErrorResolution? Empty(CultureInfo culture)
    {
        WriteError(new ErrorRecord(
            new ArgumentException(LocalizedText.Get("Error.EmptyInput", culture)),
            "EmptyInput",
            ErrorCategory.InvalidArgument,
            InputObject));
        return null;
    }

    private static object? Unwrap(object? value, out PSObject? wrapper)
    {
        wrapper = null;
        if (value is PSObject psObject)
        {
            // A PSCustomObject has no base object of its own: keep the wrapper to read its properties.
            wrapper = psObject;
            value = psObject.BaseObject is PSCustomObject ? null : psObject.BaseObject;
            if (value is null)
            {
                return psObject;
            }
        }

        return value;
    }
}
