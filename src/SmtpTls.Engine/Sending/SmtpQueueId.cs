using System;
using System.Text.RegularExpressions;

namespace SmtpTls.Sending;

/// <summary>
/// Finds the queue ID in a server's reply to the end of data, the handle an administrator looks up
/// in the mail log or message trace. Each server family words it differently; an unknown wording
/// gives null rather than a guess.
/// </summary>
public static class SmtpQueueId
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    // Order matters only where wordings could overlap; each pattern is anchored on words its server uses.
    private static readonly Regex[] Patterns =
    {
        // Postfix: "250 2.0.0 Ok: queued as 4Y7Q1f2abc" (short hex and long base-52 IDs).
        new(@"\bqueued as ([0-9A-Za-z]+)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),

        // Exchange / Exchange Online: "250 2.6.0 <id@host> [InternalId=12345678901234, Hostname=EX01] Queued mail for delivery":
        // the InternalId is what message tracking (Get-MessageTrackingLog -InternalMessageId) takes.
        new(@"\[InternalId=(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),

        // Exim: "250 OK id=1rAbCd-000123-AB" (4.97+: "id=1rAbCd-000000-00AB").
        new(@"\bid=([0-9A-Za-z]+(?:-[0-9A-Za-z]+)+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),

        // Gmail: "250 2.0.0 OK  1700000000 x12-20020a170902c94c00b001dd6f5e2f8bsi1234567plh.123 - gsmtp".
        new(@"\bOK\s+\d{9,11}\s+(\S+?)\s+-\s+gsmtp\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),

        // Sendmail: "250 2.0.0 4A1LxYp3012345 Message accepted for delivery".
        new(@"^(?:2\d\d[ -])?(?:\d\.\d{1,3}\.\d{1,3}\s+)?([0-9A-Za-z]{12,20})\s+Message accepted for delivery", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),

        // qmail: "250 ok 1700000000 qp 12345".
        new(@"\bqp (\d+)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),
    };

    /// <summary>The queue ID in <paramref name="reply"/>, or null when the reply carries none this parser knows.</summary>
    /// <param name="reply">A server reply with or without its code, one or more lines.</param>
    public static string? Parse(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        // Only a positive completion reply names a queued message; "554 ... id=..." would be misleading.
        var text = reply!.Trim();
        if (text.Length >= 3 && char.IsDigit(text[0]) && text[0] != '2')
        {
            return null;
        }

        foreach (var line in text.Split('\n'))
        {
            foreach (var pattern in Patterns)
            {
                try
                {
                    var match = pattern.Match(line.Trim());
                    if (match.Success)
                    {
                        return match.Groups[1].Value;
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    // A pathological reply is not worth more than "no queue ID".
                }
            }
        }

        return null;
    }
}
