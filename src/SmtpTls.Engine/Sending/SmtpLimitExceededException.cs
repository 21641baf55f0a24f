using System;
using System.IO;

namespace SmtpTls.Sending;

/// <summary>
/// The server exceeded one of the session's caps (<see cref="SmtpTls.Smtp.SmtpReadLimits"/>): a
/// line, a reply or the session too long, or a step or the whole call too slow. Thrown from the
/// bounded stream or the protocol logger, inside MailKit's read, so the session ends there.
/// </summary>
/// <remarks>An <see cref="IOException"/>, because that is what a stream read may throw without surprising its caller.</remarks>
internal sealed class SmtpLimitExceededException : IOException
{
    /// <summary>Names the cap that was exceeded.</summary>
    /// <param name="errorId">The send error id the result reports (ReplyTooLong, ReplyTooSlow, Timeout, ...).</param>
    /// <param name="message">What was exceeded, for the transcript.</param>
    public SmtpLimitExceededException(SmtpSendErrorId errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    /// <summary>The <see cref="SmtpSendErrorId"/> that names what the server did.</summary>
    public SmtpSendErrorId ErrorId { get; }

    /// <summary>The first <see cref="SmtpLimitExceededException"/> in the chain of <paramref name="exception"/>, else null.</summary>
    public static SmtpLimitExceededException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SmtpLimitExceededException limit)
            {
                return limit;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                return Find(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }
}
