using System;
using SmtpTls.Replies;

namespace SmtpTls.Sending;

/// <summary>Why a send stopped: the error ID, the message, the server reply behind it (if any) and the failure as a typed value.</summary>
internal sealed class SendFailure : Exception
{
    /// <param name="errorId">Why the send stopped.</param>
    /// <param name="message">The localized message.</param>
    /// <param name="reply">The server's reply that stopped the send, verbatim; null when no reply did.</param>
    /// <param name="cause">The exception behind it, or null.</param>
    /// <param name="failure">
    /// What the reply knowledge is asked about; null for the default: the <paramref name="reply"/> read like a
    /// pasted one, else the <paramref name="cause"/>'s messages, else nothing.
    /// </param>
    public SendFailure(SmtpSendErrorId errorId, string message, string? reply, Exception? cause, SmtpFailure? failure = null)
        : base(message, cause)
    {
        ErrorId = errorId;
        Reply = reply;
        Failure = failure
            ?? (!string.IsNullOrEmpty(reply) ? SmtpFailure.Said(errorId, reply!)
            : cause is not null ? SmtpFailure.Raised(errorId, cause)
            : null);
    }

    /// <summary>Why the send stopped.</summary>
    public SmtpSendErrorId ErrorId { get; }

    /// <summary>The server's reply that stopped the send, verbatim; null when no reply did (policy, certificate, network).</summary>
    public string? Reply { get; }

    /// <summary>The failure as the reply knowledge reads it (by id, by the server's reply, or by the exception); null when there is nothing to read.</summary>
    public SmtpFailure? Failure { get; }
}
