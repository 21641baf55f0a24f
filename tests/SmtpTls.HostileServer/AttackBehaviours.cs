using System.Text;

namespace SmtpTls.HostileServer;

/// <summary>
/// The servers of a deliberate attacker (issue 15): floods without end, a trickle, echoed credentials,
/// terminal escape sequences, host names built to break out of a suggested command, and bytes after
/// "220 Ready to start TLS". Each runs until the client gives up or the connection's lifetime ends.
/// </summary>
internal static class AttackBehaviours
{
    /// <summary>The host name in <c>hostile-hostname</c>'s replies: a quote of every kind PowerShell knows, then code.</summary>
    public const string HostileHostName = "a\u2019;ni(\u2019/tmp/PWNED\u2019);#'\u2018\u201a\u201b$(x)`";

    /// <summary>The escape sequences <c>escape-sequences</c> puts into its replies: window title (OSC), clear screen, cursor home (CSI), 8-bit CSI.</summary>
    public static readonly byte[] EscapeSequences = Encoding.Latin1.GetBytes("\u001b]0;PWNED\u0007\u001b[2J\u001b[H\u009b31m");

    private static readonly byte[] Chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
    private static readonly byte[] ContinuationChunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("220-" + Behaviours.HostName + " still greeting\r\n", 2048)));

    /// <summary>The attack behaviours by name.</summary>
    public static IReadOnlyDictionary<string, Func<SmtpSession, CancellationToken, Task>> All { get; } =
        new Dictionary<string, Func<SmtpSession, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            // "220 xxxx..." without end: one greeting line as long as the client keeps reading.
            ["endless-greeting"] = async (session, ct) =>
            {
                await session.WriteAsync("220 ", ct);
                while (!ct.IsCancellationRequested)
                {
                    await session.WriteAsync(Chunk, ct);
                }
            },
            // "220-..." continuation lines without end.
            ["endless-continuation"] = async (session, ct) =>
            {
                while (!ct.IsCancellationRequested)
                {
                    await session.WriteAsync(ContinuationChunk, ct);
                }
            },
            // A greeting line one byte per second, never finished: each read returns quickly, the step never ends.
            ["trickle"] = async (session, ct) =>
            {
                var greeting = "220-" + Behaviours.HostName + " ESMTP trickling";
                for (var i = 0; !ct.IsCancellationRequested; i++)
                {
                    await session.WriteAsync(i < greeting.Length ? greeting[i].ToString() : "x", ct);
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            },
            // Answers AUTH by quoting the credentials back, decoded and as they came (base64).
            ["echo-password"] = (session, ct) => AuthDialogueAsync(session, "echo-password", echoLine: false, ct),
            // Answers the AUTH line itself with 500 and the whole line, as Sendmail does with a command it does not know.
            ["echo-auth-line"] = (session, ct) => AuthDialogueAsync(session, "echo-auth-line", echoLine: true, ct),
            // ESC/CSI/OSC in the greeting, the EHLO answer and the refusal of STARTTLS.
            ["escape-sequences"] = async (session, ct) =>
            {
                await session.WriteAsync(Line("220 ", EscapeSequences, " All checks PASSED " + Behaviours.HostName + " ESMTP"), ct);
                await DialogueAsync(session, ct, startTls: async () =>
                {
                    await session.WriteAsync(Line("454 4.7.0 TLS not available ", EscapeSequences, " due to local problem"), ct);
                    return true;
                }, ehloExtra: Line("250-X-", EscapeSequences, string.Empty));
            },
            // Refuses STARTTLS the Postfix way, naming a host that is code in disguise.
            ["hostile-hostname"] = async (session, ct) =>
            {
                await session.WriteLineAsync("220 " + Behaviours.HostName + " ESMTP", ct);
                await DialogueAsync(session, ct, startTls: async () =>
                {
                    await session.WriteAsync(Encoding.UTF8.GetBytes("454 4.7.0 TLS not available: host unknown[" + HostileHostName + "] said: no certificate\r\n"), ct);
                    return true;
                });
            },
            // "220 Ready to start TLS" with a forged reply glued behind it and half a line, then no TLS.
            ["data-after-starttls"] = async (session, ct) =>
            {
                await session.WriteLineAsync("220 " + Behaviours.HostName + " ESMTP", ct);
                await DialogueAsync(session, ct, startTls: async () =>
                {
                    await session.WriteAsync("220 2.0.0 Ready to start TLS\r\n250-INJECTED\r\n250 AUTH PLAIN\r\n250 partial", ct);
                    await session.ReadTlsRecordAsync(ct);
                    return false;
                });
            },
        };

    private static byte[] Line(string head, byte[] middle, string tail) =>
        [.. Encoding.ASCII.GetBytes(head), .. middle, .. Encoding.ASCII.GetBytes(tail + "\r\n")];

    private static async Task AuthDialogueAsync(SmtpSession session, string behaviour, bool echoLine, CancellationToken ct)
    {
        await session.WriteLineAsync("220 " + Behaviours.HostName + " ESMTP SmtpTls hostile server (" + behaviour + ")", ct);
        while (await session.ReadLineAsync(ct) is { } line)
        {
            var words = line.Split(' ');
            var verb = words[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await session.WriteAsync("250-" + Behaviours.HostName + "\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n", ct);
                    break;
                case "AUTH" when echoLine:
                    await session.WriteLineAsync("500 5.5.1 Command unrecognized: \"" + line + "\"", ct);
                    break;
                case "AUTH" when words.Length > 1 && words[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase):
                    await session.WriteLineAsync("334 VXNlcm5hbWU6", ct);
                    var user = await session.ReadLineAsync(ct);
                    await session.WriteLineAsync("334 UGFzc3dvcmQ6", ct);
                    var pass = await session.ReadLineAsync(ct);
                    if (user is null || pass is null)
                    {
                        return;
                    }

                    await session.WriteAsync(Encoding.UTF8.GetBytes("535-5.7.8 Authentication failed for " + Decode(user) + " (" + user + ")\r\n535 5.7.8 Password " + Decode(pass) + " (" + pass + ") is wrong\r\n"), ct);
                    break;
                case "AUTH":
                    var response = words.Length > 2 ? words[2] : null;
                    if (response is null)
                    {
                        await session.WriteLineAsync("334 ", ct);
                        response = await session.ReadLineAsync(ct);
                        if (response is null)
                        {
                            return;
                        }
                    }

                    var parts = Decode(response).Split('\0');
                    var password = parts.Length > 2 ? parts[2] : Decode(response);
                    await session.WriteAsync(Encoding.UTF8.GetBytes("535 5.7.8 Authentication failed: password " + password + " rejected (" + response + ")\r\n"), ct);
                    break;
                case "QUIT":
                    await session.WriteLineAsync("221 2.0.0 Bye", ct);
                    await session.CloseGracefullyAsync(ct);
                    return;
                case "MAIL":
                    await session.WriteLineAsync("530 5.7.0 Authentication required", ct);
                    break;
                default:
                    await session.WriteLineAsync("250 2.0.0 Ok", ct);
                    break;
            }
        }
    }

    private static async Task DialogueAsync(SmtpSession session, CancellationToken ct, Func<Task<bool>> startTls, byte[]? ehloExtra = null)
    {
        while (await session.ReadLineAsync(ct) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await session.WriteAsync("250-" + Behaviours.HostName + "\r\n", ct);
                    if (ehloExtra is not null)
                    {
                        await session.WriteAsync(ehloExtra, ct);
                    }

                    await session.WriteAsync("250-STARTTLS\r\n250 8BITMIME\r\n", ct);
                    break;
                case "STARTTLS":
                    if (!await startTls())
                    {
                        return;
                    }

                    break;
                case "QUIT":
                    await session.WriteLineAsync("221 2.0.0 Bye", ct);
                    await session.CloseGracefullyAsync(ct);
                    return;
                case "DATA":
                    await session.WriteLineAsync("554 5.3.0 This hostile test server accepts no messages", ct);
                    break;
                default:
                    await session.WriteLineAsync("250 2.0.0 Ok", ct);
                    break;
            }
        }
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            return base64;
        }
    }
}
