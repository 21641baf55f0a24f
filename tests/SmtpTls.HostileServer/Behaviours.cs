using System.Text;

namespace SmtpTls.HostileServer;

/// <summary>
/// The scripted misbehaviours, one per listening port. Each runs for one connection and returns
/// when the connection should be closed; the caller closes it.
/// </summary>
internal static class Behaviours
{
    /// <summary>The host name the scripted servers greet with.</summary>
    public const string HostName = "hostile.smtptls.test";

    /// <summary>The exact reply of <c>starttls-454</c>, the same text Postfix sends when its certificate cannot be loaded.</summary>
    public const string TlsNotAvailableReply = "454 4.7.0 TLS not available due to local problem";

    /// <summary>The reply of the 421 behaviours.</summary>
    public const string ServiceNotAvailableReply = "421 4.3.2 Service not available, closing transmission channel";

    /// <summary>How many lines the <c>ehlo-flood</c> EHLO reply has.</summary>
    public const int EhloFloodLines = 10_000;

    /// <summary>How many 'x' follow <c>220 </c> in the <c>long-line</c> banner.</summary>
    public const int LongLineLength = 1 << 20;

    private static readonly byte[] EhloFlood = BuildEhloFlood();
    private static readonly byte[] LongLine = BuildLongLine();
    private static readonly byte[] Garbage = BuildGarbage();

    /// <summary>Every behaviour by the name used on the command line, in the ready-file and in the test bed descriptor.</summary>
    public static IReadOnlyDictionary<string, Func<SmtpSession, CancellationToken, Task>> All { get; } =
        new Dictionary<string, Func<SmtpSession, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            // Accepts and never says anything: a client must give up on its own banner timeout.
            ["tarpit"] = (session, ct) => session.DrainUntilClosedAsync(ct),
            ["close-after-banner"] = async (session, ct) =>
            {
                await session.WriteLineAsync(Banner("close-after-banner"), ct);
                await session.CloseGracefullyAsync(ct);
            },
            // Agrees to STARTTLS, takes the ClientHello and hangs up without a ServerHello.
            ["close-in-handshake"] = (session, ct) => RunDialogueAsync(session, "close-in-handshake", onStartTls: async () =>
            {
                await session.WriteLineAsync("220 2.0.0 Ready to start TLS", ct);
                await session.ReadTlsRecordAsync(ct);
                return false;
            }, cancellationToken: ct),
            ["garbage-banner"] = async (session, ct) =>
            {
                await session.WriteAsync(Garbage, ct);
                await session.DrainUntilClosedAsync(ct);
            },
            // Like a real HTTP server: silent until it has a request line, then 400 and close.
            ["http"] = async (session, ct) =>
            {
                if (await session.ReadLineAsync(ct) is null)
                {
                    return;
                }
                await session.WriteAsync(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n", ct);
                await session.CloseGracefullyAsync(ct);
            },
            // A banner line that never ends: 220, a space and 1 MiB of 'x', then silence.
            ["long-line"] = async (session, ct) =>
            {
                await session.WriteAsync(LongLine, ct);
                await session.DrainUntilClosedAsync(ct);
            },
            ["ehlo-flood"] = (session, ct) => RunDialogueAsync(session, "ehlo-flood", onEhlo: async () =>
            {
                await session.WriteAsync(EhloFlood, ct);
                return true;
            }, cancellationToken: ct),
            ["banner-421"] = async (session, ct) =>
            {
                await session.WriteLineAsync(ServiceNotAvailableReply, ct);
                await session.CloseGracefullyAsync(ct);
            },
            ["ehlo-421"] = (session, ct) => RunDialogueAsync(session, "ehlo-421", onEhlo: () => CloseWithAsync(session, ServiceNotAvailableReply, ct), cancellationToken: ct),
            ["starttls-421"] = (session, ct) => RunDialogueAsync(session, "starttls-421", onStartTls: () => CloseWithAsync(session, ServiceNotAvailableReply, ct), cancellationToken: ct),
            // Says 220 to STARTTLS and then neither starts TLS nor says anything else.
            ["starttls-silent"] = (session, ct) => RunDialogueAsync(session, "starttls-silent", onStartTls: async () =>
            {
                await session.WriteLineAsync("220 2.0.0 Ready to start TLS", ct);
                await session.DrainUntilClosedAsync(ct);
                return false;
            }, cancellationToken: ct),
            // Refuses STARTTLS the way Postfix does with a broken certificate and carries on in plaintext.
            ["starttls-454"] = (session, ct) => RunDialogueAsync(session, "starttls-454", onStartTls: async () =>
            {
                await session.WriteLineAsync(TlsNotAvailableReply, ct);
                return true;
            }, cancellationToken: ct),
        }.Concat(AttackBehaviours.All).Concat(RequireTlsBehaviours.All).Concat(TlsBehaviours.All).Concat(EnforcementBehaviours.All).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string Banner(string behaviour) => $"220 {HostName} ESMTP SmtpTls hostile server ({behaviour})";

    private static async Task<bool> CloseWithAsync(SmtpSession session, string reply, CancellationToken cancellationToken)
    {
        await session.WriteLineAsync(reply, cancellationToken);
        await session.CloseGracefullyAsync(cancellationToken);
        return false;
    }

    /// <summary>
    /// A minimal SMTP dialogue that lets a behaviour take over EHLO or STARTTLS. The hooks
    /// return false to end the connection. STARTTLS is advertised only when there is a hook for it.
    /// It never accepts a message: DATA is refused, so nothing a client sends is stored.
    /// </summary>
    private static async Task RunDialogueAsync(
        SmtpSession session,
        string behaviour,
        Func<Task<bool>>? onEhlo = null,
        Func<Task<bool>>? onStartTls = null,
        CancellationToken cancellationToken = default)
    {
        await session.WriteLineAsync(Banner(behaviour), cancellationToken);
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            var carryOn = verb switch
            {
                "EHLO" when onEhlo is not null => await onEhlo(),
                "EHLO" => await ReplyAsync(session, onStartTls is null
                    ? $"250-{HostName}\r\n250-PIPELINING\r\n250 8BITMIME"
                    : $"250-{HostName}\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME", cancellationToken),
                "HELO" => await ReplyAsync(session, $"250 {HostName}", cancellationToken),
                "STARTTLS" when onStartTls is not null => await onStartTls(),
                "NOOP" or "RSET" => await ReplyAsync(session, "250 2.0.0 Ok", cancellationToken),
                "MAIL" => await ReplyAsync(session, "250 2.1.0 Ok", cancellationToken),
                "RCPT" => await ReplyAsync(session, "250 2.1.5 Ok", cancellationToken),
                "DATA" => await ReplyAsync(session, "554 5.3.0 This hostile test server accepts no messages", cancellationToken),
                "QUIT" => await CloseWithAsync(session, "221 2.0.0 Bye", cancellationToken),
                _ => await ReplyAsync(session, "502 5.5.2 Error: command not recognized", cancellationToken),
            };
            if (!carryOn)
            {
                return;
            }
        }
    }

    private static async Task<bool> ReplyAsync(SmtpSession session, string reply, CancellationToken cancellationToken)
    {
        await session.WriteLineAsync(reply, cancellationToken);
        return true;
    }

    private static byte[] BuildEhloFlood()
    {
        var text = new StringBuilder();
        text.Append("250-").Append(HostName).Append("\r\n");
        for (var i = 2; i < EhloFloodLines; i++)
        {
            text.Append("250-X-FLOOD-").Append(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }
        text.Append("250 8BITMIME\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] BuildLongLine()
    {
        var line = new byte[4 + LongLineLength];
        "220 "u8.CopyTo(line);
        line.AsSpan(4).Fill((byte)'x');
        return line;
    }

    /// <summary>
    /// 512 fixed pseudo-random bytes without CR or LF, then CRLF: binary noise where the banner
    /// should be, ending like a line so that a line-reading client sees it at once instead of timing out.
    /// </summary>
    private static byte[] BuildGarbage()
    {
        var random = new Random(20261129);
        var garbage = new byte[514];
        for (var i = 0; i < 512; i++)
        {
            byte b;
            do
            {
                b = (byte)random.Next(256);
            }
            while (b is (byte)'\r' or (byte)'\n');
            garbage[i] = b;
        }
        garbage[512] = (byte)'\r';
        garbage[513] = (byte)'\n';
        return garbage;
    }
}
