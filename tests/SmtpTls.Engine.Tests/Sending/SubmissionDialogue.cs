using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Tests.Probing;

namespace SmtpTls.Tests.Sending;

/// <summary>
/// A scripted SMTP server dialogue for <see cref="ScriptedSmtpServer"/> that takes mail: STARTTLS,
/// AUTH PLAIN/LOGIN, the envelope, DATA. It records every line it receives, exactly as it crossed
/// the wire, so tests can prove what did and did not leave the client.
/// </summary>
internal sealed class SubmissionDialogue
{
    public bool OfferStartTls { get; init; } = true;

    public string StartTlsReply { get; init; } = "220 2.0.0 Ready to start TLS";

    /// <summary>The AUTH mechanisms offered (e.g. "PLAIN LOGIN"); null offers none.</summary>
    public string? AuthMechanisms { get; init; }

    /// <summary>Whether AUTH is offered before TLS too (a plaintext-only server).</summary>
    public bool AuthBeforeTls { get; init; }

    public Func<string, string> RcptReply { get; init; } = _ => "250 2.1.5 Ok";

    /// <summary>EHLO keywords offered inside TLS only (e.g. "REQUIRETLS").</summary>
    public string[] ExtensionsAfterTls { get; init; } = Array.Empty<string>();

    /// <summary>
    /// For AUTH OAUTHBEARER and XOAUTH2: given the bearer token, the JSON error the server sends in a
    /// 334 challenge before its 535, or null to accept the token.
    /// </summary>
    public Func<string, string?> OAuthError { get; init; } = _ => null;

    /// <summary>The bearer tokens the server received, in order.</summary>
    public ConcurrentQueue<string> BearerTokens { get; } = new();

    public string FinalReply { get; init; } = "250 2.0.0 Ok: queued as 4Y7Q1f2abc";

    /// <summary>Called when RCPT arrives, before the reply (e.g. to cancel the client at that point).</summary>
    public Action? OnRcpt { get; init; }

    /// <summary>How long to wait before answering RCPT.</summary>
    public TimeSpan RcptDelay { get; init; }

    /// <summary>After the message's final dot, say nothing (the client must time out).</summary>
    public bool SilentAfterData { get; init; }

    public ConcurrentQueue<string> Received { get; } = new();

    public int MessagesCompleted => _messagesCompleted;

    public List<string> CompletedMessages { get; } = new();

    private int _messagesCompleted;

    public Func<ScriptedSession, CancellationToken, Task> Script => RunAsync;

    public bool ReceivedCommand(string verb) => Received.Any(l => l.StartsWith(verb, StringComparison.OrdinalIgnoreCase));

    private async Task RunAsync(ScriptedSession session, CancellationToken ct)
    {
        await session.WriteLineAsync("220 mx.test.example ESMTP submission script", ct);
        while (await session.ReadLineAsync(ct) is { } line)
        {
            Received.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var lines = new List<string> { "mx.test.example", "PIPELINING", "8BITMIME" };
                    if (OfferStartTls && !session.IsTls)
                    {
                        lines.Add("STARTTLS");
                    }

                    if (session.IsTls)
                    {
                        lines.AddRange(ExtensionsAfterTls);
                    }

                    if (AuthMechanisms is not null && (session.IsTls || AuthBeforeTls))
                    {
                        lines.Add("AUTH " + AuthMechanisms);
                    }

                    await session.WriteLineAsync(string.Join("\r\n", lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l)), ct);
                    break;

                case "STARTTLS":
                    await session.WriteLineAsync(StartTlsReply, ct);
                    if (StartTlsReply.StartsWith("220", StringComparison.Ordinal))
                    {
                        await session.StartTlsAsync(ct);
                    }

                    break;

                case "AUTH":
                    await AuthenticateAsync(session, line, ct);
                    break;

                case "MAIL":
                    // RFC 8689 §4: REQUIRETLS is an unknown MAIL parameter to a server that does not offer it.
                    var requireTls = line.EndsWith(" REQUIRETLS", StringComparison.OrdinalIgnoreCase);
                    await session.WriteLineAsync(requireTls && !ExtensionsAfterTls.Contains("REQUIRETLS") ? "555 5.5.4 Unsupported option: REQUIRETLS" : "250 2.1.0 Ok", ct);
                    break;

                case "RCPT":
                    OnRcpt?.Invoke();
                    if (RcptDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(RcptDelay, ct);
                    }

                    await session.WriteLineAsync(RcptReply(line), ct);
                    break;

                case "DATA":
                    await session.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>", ct);
                    var message = new StringBuilder();
                    while (await session.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                    {
                        message.Append(dataLine).Append('\n');
                    }

                    lock (CompletedMessages)
                    {
                        CompletedMessages.Add(message.ToString());
                    }

                    Interlocked.Increment(ref _messagesCompleted);
                    if (SilentAfterData)
                    {
                        await session.SilentAsync(ct);
                        return;
                    }

                    await session.WriteLineAsync(FinalReply, ct);
                    break;

                case "RSET" or "NOOP":
                    await session.WriteLineAsync("250 2.0.0 Ok", ct);
                    break;

                case "QUIT":
                    await session.WriteLineAsync("221 2.0.0 Bye", ct);
                    return;

                default:
                    await session.WriteLineAsync("502 5.5.2 Error: command not recognized", ct);
                    break;
            }
        }
    }

    private async Task AuthenticateAsync(ScriptedSession session, string line, CancellationToken ct)
    {
        var parts = line.Split(' ');
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : string.Empty;
        if (mechanism is "OAUTHBEARER" or "XOAUTH2")
        {
            var initial = parts.Length > 2 ? parts[2] : null;
            if (initial is null)
            {
                await session.WriteLineAsync("334 ", ct);
                initial = await session.ReadLineAsync(ct) ?? string.Empty;
                Received.Enqueue(initial);
            }

            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(initial));
            var start = decoded.IndexOf("auth=Bearer ", StringComparison.Ordinal) + "auth=Bearer ".Length;
            var token = decoded.Substring(start, decoded.IndexOf('\x01', start) - start);
            BearerTokens.Enqueue(token);
            if (OAuthError(token) is { } error)
            {
                // RFC 7628 §3.2.2: the error as a challenge, the client's dummy response, then the failure.
                await session.WriteLineAsync("334 " + Convert.ToBase64String(Encoding.UTF8.GetBytes(error)), ct);
                Received.Enqueue(await session.ReadLineAsync(ct) ?? string.Empty);
                await session.WriteLineAsync("535 5.7.8 Authentication credentials invalid", ct);
                return;
            }
        }
        else if (mechanism == "PLAIN" && parts.Length < 3)
        {
            await session.WriteLineAsync("334 ", ct);
            Received.Enqueue(await session.ReadLineAsync(ct) ?? string.Empty);
        }
        else if (mechanism == "LOGIN")
        {
            await session.WriteLineAsync("334 VXNlcm5hbWU6", ct);
            Received.Enqueue(await session.ReadLineAsync(ct) ?? string.Empty);
            await session.WriteLineAsync("334 UGFzc3dvcmQ6", ct);
            Received.Enqueue(await session.ReadLineAsync(ct) ?? string.Empty);
        }

        await session.WriteLineAsync("235 2.7.0 Authentication successful", ct);
    }
}
