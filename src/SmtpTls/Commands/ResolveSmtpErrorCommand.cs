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
/// Thin: the meaning of replies lives in the engine (<see cref="SmtpErrorResolver"/> and its knowledge files), and so
/// does the reading of objects (<see cref="ObjectReader"/>). This class only turns what PowerShell hands over (PSObject
/// wrappers, property bags of deserialized objects, error records) into values the engine reads, and unusable input
/// into non-terminating errors, so a long pipeline never stops on one bad item.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Resolve, "SmtpError")]
[OutputType(typeof(SmtpErrorResolution))]
public sealed class ResolveSmtpErrorCommand : SmtpCommandBase
{
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
        ObjectReading reading;
        SmtpErrorResolution? resolution;
        try
        {
            reading = ObjectReader.Read(InputObject, value => Adapt(value, culture));
            resolution = SmtpErrorResolver.Resolve(reading, culture);
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
        else if (reading.IsEmpty)
        {
            WriteError(new ErrorRecord(
                new ArgumentException(LocalizedText.Get("Error.EmptyInput", culture)),
                "EmptyInput",
                ErrorCategory.InvalidArgument,
                InputObject));
        }
        else
        {
            var typeName = InputObject is PSObject { TypeNames.Count: > 0 } wrapped ? wrapped.TypeNames[0] : InputObject?.GetType().FullName;
            WriteError(new ErrorRecord(
                new ArgumentException(LocalizedText.Format("Resolve.Error.NoText", culture, typeName)),
                "NoReplyText",
                ErrorCategory.InvalidArgument,
                InputObject));
        }
    }

    /// <summary>
    /// Turns a value PowerShell hands over into one the engine's <see cref="ObjectReader"/> reads: a wrapped .NET object
    /// into itself, an error record into its resolution (its ErrorDetails text before its exception), and a property bag
    /// (PSCustomObject, a deserialized object after Import-Clixml or remoting, or a .NET object with added note
    /// properties), which reflection cannot see, into a dictionary of its reply-like properties.
    /// </summary>
    /// <param name="value">A value met while reading the input.</param>
    /// <param name="culture">The language of a resolution made here.</param>
    /// <returns>The value to read.</returns>
    private static object? Adapt(object value, CultureInfo culture)
    {
        if (value is PSObject wrapped)
        {
            if (wrapped.BaseObject is PSCustomObject || (!IsReadAsItself(wrapped.BaseObject) && HasNoteProperties(wrapped)))
            {
                return PropertyBag(wrapped);
            }

            value = wrapped.BaseObject;
        }

        return value is ErrorRecord record ? SmtpErrorResolver.ResolveError(record.Exception, record.ErrorDetails?.Message, culture) : value;
    }

    /// <summary>Values whose meaning is the value itself, not properties added to it.</summary>
    private static bool IsReadAsItself(object value) =>
        value is string or Exception or ErrorRecord or SmtpErrorResolution or IConvertible or IEnumerable;

    private static bool HasNoteProperties(PSObject wrapped)
    {
        foreach (var _ in wrapped.Properties.Match("*", PSMemberTypes.NoteProperty))
        {
            return true;
        }

        return false;
    }

    /// <summary>The reply-like properties of a property bag; a deserialized resolution becomes its Input text, resolved again.</summary>
    private static object? PropertyBag(PSObject wrapped)
    {
        foreach (var typeName in wrapped.TypeNames)
        {
            if (typeName.EndsWith("SmtpTls.SmtpErrorResolution", StringComparison.Ordinal)
                && Value(wrapped, "Input") is { } input
                && (input is PSObject inner ? inner.BaseObject : input) is string text
                && !string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
        }

        var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ObjectReader.ReplyProperties)
        {
            if (Value(wrapped, name) is { } value)
            {
                properties[name] = value;
            }
        }

        return properties;
    }

    private static object? Value(PSObject wrapped, string name)
    {
        try
        {
            return wrapped.Properties[name]?.Value;
        }
        catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException)
        {
            return null;
        }
    }
}
