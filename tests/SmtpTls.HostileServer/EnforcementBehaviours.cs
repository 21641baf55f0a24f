using System.Text;

namespace SmtpTls.HostileServer;

/// <summary>
/// Refusals of the -CheckEnforcement questions that no server family of the bed gives as configured:
/// a temporary refusal at RCPT (greylisting), which says nothing about TLS either way.
/// </summary>
internal static class EnforcementBehaviours
{
    /// <summary>The behaviours by name, merged into <see cref="Behaviours.All"/>.</summary>
    public static IEnumerable<KeyValuePair<string, Func<SmtpSession, CancellationToken, Task>>> All { get; } =
        new Dictionary<string, Func<SmtpSession, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            ["greylist-rcpt"] = GreylistAsync,
        };

    /// <summary>Postgrey's wording: MAIL accepted, every RCPT deferred with 450 4.2.0.</summary>
    private static async Task GreylistAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        await session.WriteLineAsync($"220 {Behaviours.HostName} ESMTP greylist-rcpt", cancellationToken);
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            var reply = line.Split(' ', 2)[0].ToUpperInvariant() switch
            {
                "EHLO" => $"250-{Behaviours.HostName}\r\n250-PIPELINING\r\n250 STARTTLS",
                "MAIL" or "RSET" or "NOOP" => "250 2.1.0 Ok",
                "RCPT" => "450 4.2.0 Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/smtptls.test.html",
                "STARTTLS" => "454 4.7.0 TLS not available due to local problem",
                "QUIT" => "221 2.0.0 Bye",
                _ => "502 5.5.2 Error: command not recognized",
            };
            await session.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cancellationToken);
            if (reply.StartsWith("221", StringComparison.Ordinal))
            {
                await session.CloseGracefullyAsync(cancellationToken);
                return;
            }
        }
    }
}
