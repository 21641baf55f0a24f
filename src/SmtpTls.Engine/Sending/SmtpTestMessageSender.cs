using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Sending;

/// <summary>
/// Sends one test message through MailKit's SmtpClient under an explicit TLS policy, never
/// downgrading silently: <see cref="SmtpSendTlsMode.Auto"/> and <see cref="SmtpSendTlsMode.StartTls"/>
/// send nothing to a server without working STARTTLS, an invalid certificate stops the send before
/// MAIL FROM, and credentials never cross an unencrypted session unless explicitly allowed.
/// </summary>
public static class SmtpTestMessageSender
{
    /// <summary>Checks the inputs without contacting anything (addresses, server, names, port).</summary>
    /// <returns>The problems found; empty when the options can be sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static IReadOnlyList<SmtpSendInputError> Validate(SmtpTestMessageOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var errors = new List<SmtpSendInputError>();
        SendRequest.TryCreate(options, errors);
        return errors;
    }

    /// <summary>
    /// Sends the test message. Server-side and policy failures do not throw: the result says
    /// <see cref="SmtpSendResult.Accepted"/> = false with <see cref="SmtpSendResult.ErrorId"/>,
    /// <see cref="SmtpSendResult.ErrorMessage"/>, <see cref="SmtpSendResult.Resolution"/> and the transcript.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An input is unusable (see <see cref="Validate"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the connection is dropped without completing the message.</exception>
    public static Task<SmtpSendResult> SendAsync(SmtpTestMessageOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var errors = new List<SmtpSendInputError>();
        var request = SendRequest.TryCreate(options, errors);
        if (request is null)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => e.Message)), errors.FirstOrDefault()?.ParameterName ?? nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new SendRun(request).RunAsync(cancellationToken);
    }
}
