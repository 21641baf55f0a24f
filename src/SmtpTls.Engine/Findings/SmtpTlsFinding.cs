using System;

namespace SmtpTls;

/// <summary>One observation of a TLS check, with a stable id for scripts and a localized message for people.</summary>
public sealed class SmtpTlsFinding
{
    /// <summary>Creates a finding.</summary>
    /// <param name="id">A stable identifier, the name of a <see cref="SmtpTlsFindingId"/> value.</param>
    /// <param name="severity">How much it weighs.</param>
    /// <param name="message">The localized explanation.</param>
    public SmtpTlsFinding(string id, SmtpTlsFindingSeverity severity, string message)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("A finding needs an id.", nameof(id));
        }

        Id = id;
        Level = severity;
        Severity = EnumNames.Of(severity);
        Message = message ?? string.Empty;
    }

    /// <summary>Creates a finding with the id <paramref name="id"/>.</summary>
    /// <param name="id">What was found.</param>
    /// <param name="severity">How much it weighs.</param>
    /// <param name="message">The localized explanation.</param>
    public SmtpTlsFinding(SmtpTlsFindingId id, SmtpTlsFindingSeverity severity, string message)
        : this(EnumNames.Of(id), severity, message)
    {
    }

    /// <summary>The stable identifier, the name of a <see cref="SmtpTlsFindingId"/> value; never localized.</summary>
    public string Id { get; }

    /// <summary>How much the finding weighs: Info, Warning or Error (a <see cref="SmtpTlsFindingSeverity"/> name, which survives Import-Clixml).</summary>
    public string Severity { get; }

    /// <summary>The severity as a value, for ordering.</summary>
    public SmtpTlsFindingSeverity Level { get; }

    /// <summary>What was found and what to do, in the requested language.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Id + ": " + Message;
}
