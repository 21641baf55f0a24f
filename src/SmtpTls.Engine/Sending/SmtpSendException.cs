using System;

namespace SmtpTls;

/// <summary>
/// A test message was not sent. Carries the full <see cref="SmtpSendResult"/> (transcript included)
/// and, in <c>Data["SmtpTls.Resolution"]</c>, the reply knowledge's explanation, so that
/// <c>-ErrorVariable e; $e | Resolve-SmtpError</c> works without parsing the message.
/// </summary>
public sealed class SmtpSendException : Exception
{
    /// <summary>The key under which <see cref="Exception.Data"/> holds the <see cref="SmtpErrorResolution"/>.</summary>
    public const string ResolutionKey = "SmtpTls.Resolution";

    /// <summary>Creates the exception for a failed <paramref name="result"/>; the message is its <see cref="SmtpSendResult.ErrorMessage"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public SmtpSendException(SmtpSendResult result)
        : base(MessageOf(result))
    {
        Result = result;
        if (result.Resolution is not null)
        {
            try
            {
                Data[ResolutionKey] = result.Resolution;
            }
            catch (ArgumentException)
            {
                // .NET Framework takes only [Serializable] values in Exception.Data; the message still
                // holds the server's reply, from which Resolve-SmtpError can work the cause out again.
            }
        }
    }

    /// <summary>The result of the attempt: the failure, the server's reply, the transcript.</summary>
    public SmtpSendResult Result { get; }

    /// <summary>The stable identifier of the cause (see <see cref="SmtpSendResult.ErrorId"/>).</summary>
    public string ErrorId => Result.ErrorId ?? "SendFailed";

    private static string MessageOf(SmtpSendResult result)
    {
        if (result is null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        return string.IsNullOrEmpty(result.ErrorMessage) ? "The test message was not sent." : result.ErrorMessage!;
    }
}
