namespace SmtpTls.Sending;

/// <summary>One unusable input of a send, found before anything is contacted.</summary>
public sealed class SmtpSendInputError
{
    /// <summary>Creates the error.</summary>
    public SmtpSendInputError(string parameterName, string? value, string message)
    {
        ParameterName = parameterName;
        Value = value;
        Message = message;
    }

    /// <summary>The parameter (From, To, Server, ServerName, HeloName, Port).</summary>
    public string ParameterName { get; }

    /// <summary>The value given.</summary>
    public string? Value { get; }

    /// <summary>What is wrong, localized.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Message;
}
