namespace SmtpTls;

/// <summary>One syntax problem of an MTA-STS policy file, with the line it is on.</summary>
public sealed class SmtpMtaStsPolicyError
{
    /// <summary>Creates a policy error.</summary>
    /// <param name="line">The 1-based line number; 0 for a problem of the whole policy (a missing field, an oversized file).</param>
    /// <param name="text">The offending line as published (without the line break); empty for whole-policy problems.</param>
    /// <param name="message">The localized explanation.</param>
    public SmtpMtaStsPolicyError(int line, string? text, string? message)
    {
        Line = line;
        Text = text ?? string.Empty;
        Message = message ?? string.Empty;
    }

    /// <summary>The 1-based line number; 0 when the problem concerns the whole policy.</summary>
    public int Line { get; }

    /// <summary>The offending line as published; empty for whole-policy problems.</summary>
    public string Text { get; }

    /// <summary>What is wrong, in the requested language.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{Line}: {Message}" : Message;
}
