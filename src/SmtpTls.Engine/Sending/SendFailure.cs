using System;

namespace SmtpTls.Sending;

/// <summary>Why a send stopped: the error ID, the message, and the server reply behind it (if any).</summary>
internal sealed class SendFailure : Exception
{
    public SendFailure(string errorId, string message, string? reply, string? resolveText, Exception? cause)
        : base(message, cause)
    {
        ErrorId = errorId;
        Reply = reply;
        ResolveText = resolveText;
    }

    /// <summary>A <see cref="SmtpSendErrorIds"/> member.</summary>
    public string ErrorId { get; }

    /// <summary>The server's reply that stopped the send, verbatim; null when no reply did (policy, certificate, network).</summary>
    public string? Reply { get; }

    /// <summary>What the reply knowledge is asked about: the reply, or a canonical client error text; null to ask about <see cref="Exception.InnerException"/>.</summary>
    public string? ResolveText { get; }
}
