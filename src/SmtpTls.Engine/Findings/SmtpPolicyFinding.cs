using System;

namespace SmtpTls;

/// <summary>
/// One observation of the domain policy check (MTA-STS, DANE, TLS-RPT): a stable id for scripts,
/// a localized message saying what is wrong, and a localized remediation saying what to publish or change.
/// </summary>
/// <remarks>Every member is a string (or a value with a string twin) so that findings survive Export-Clixml and JSON.</remarks>
public sealed class SmtpPolicyFinding
{
    /// <summary>Creates a finding.</summary>
    /// <param name="kind">What the finding is about.</param>
    /// <param name="severity">How much it weighs.</param>
    /// <param name="target">What it concerns: the domain, an MX host, or <c>host [address]</c>.</param>
    /// <param name="message">The localized explanation.</param>
    /// <param name="remediation">The localized fix, including the record to publish where there is one.</param>
    /// <exception cref="ArgumentException"><paramref name="target"/> is null or empty.</exception>
    public SmtpPolicyFinding(SmtpPolicyFindingId kind, SmtpTlsFindingSeverity severity, string target, string message, string remediation)
    {
        if (string.IsNullOrEmpty(target))
        {
            throw new ArgumentException("A finding needs a target.", nameof(target));
        }

        Kind = kind;
        Id = kind.ToString();
        Level = severity;
        Severity = severity.ToString();
        Target = target;
        Message = message ?? string.Empty;
        Remediation = remediation ?? string.Empty;
    }

    /// <summary>The stable identifier, the name of a <see cref="SmtpPolicyFindingId"/> value; never localized.</summary>
    public string Id { get; }

    /// <summary>The identifier as a value, for code.</summary>
    public SmtpPolicyFindingId Kind { get; }

    /// <summary>How much the finding weighs: Info, Warning or Error (a <see cref="SmtpTlsFindingSeverity"/> name).</summary>
    public string Severity { get; }

    /// <summary>The severity as a value, for ordering.</summary>
    public SmtpTlsFindingSeverity Level { get; }

    /// <summary>What the finding concerns: the domain, an MX host, or an MX host with the address it was reached at.</summary>
    public string Target { get; }

    /// <summary>What was found, in the requested language.</summary>
    public string Message { get; }

    /// <summary>What to do about it, in the requested language, with the DNS record or policy text to publish where there is one.</summary>
    public string Remediation { get; }

    /// <inheritdoc />
    public override string ToString() => Id + " (" + Target + "): " + Message;
}
