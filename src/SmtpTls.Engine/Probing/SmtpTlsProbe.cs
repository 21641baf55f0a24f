using System;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// Checks one SMTP endpoint's TLS: the plaintext dialogue, STARTTLS or implicit TLS, the handshake
/// and the presented certificate, optionally the accepted protocol versions and TLS enforcement.
/// The one TLS connection path of the module: <c>Test-SmtpTls</c>, <c>Get-SmtpCertificate</c> and
/// fleet checks all call <see cref="ProbeAsync"/>.
/// </summary>
/// <remarks>
/// Fully asynchronous (no thread is blocked while waiting for a server), so hundreds of probes can
/// run at once from one caller. Every network step is bounded by <see cref="SmtpTlsProbeOptions.Timeout"/>.
/// </remarks>
public static class SmtpTlsProbe
{
    /// <summary>
    /// Runs the check. Never throws for what the server or the network does (refusals, timeouts,
    /// garbage, bad input): those end up in the result's findings and status.
    /// </summary>
    /// <param name="options">What to check.</param>
    /// <param name="cancellationToken">Ends the check at once (Ctrl+C).</param>
    /// <returns>The verdict, with the presented chain in <see cref="SmtpTlsResult.PresentedChain"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<SmtpTlsResult> ProbeAsync(SmtpTlsProbeOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The timeout must be positive.");
        }

        if (options.ThrottledRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The number of retries cannot be negative.");
        }

        return options.ThrottledRetries == 0 ? new ProbeRun(options).RunAsync(cancellationToken) : RunWithRetriesAsync(options, cancellationToken);
    }

    /// <summary>
    /// Runs the check, and again after a back-off while the server throttles it and retries are left
    /// (the delay doubles each time, with up to 20 % jitter so that many throttled checks do not return at
    /// once). The result of the last try is returned, with the number of tries in Attempts.
    /// </summary>
    private static async Task<SmtpTlsResult> RunWithRetriesAsync(SmtpTlsProbeOptions options, CancellationToken cancellationToken)
    {
        // Made only for a retry: nearly every check ends at its first try.
        Random? random = null;
        var delay = options.ThrottledRetryDelay > TimeSpan.Zero ? options.ThrottledRetryDelay : TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            var result = await new ProbeRun(options).RunAsync(cancellationToken).ConfigureAwait(false);
            result.Attempts = attempt;
            if (result.Status != nameof(SmtpTlsStatus.Throttled) || attempt > options.ThrottledRetries)
            {
                return result;
            }

            random ??= new Random(unchecked(Environment.TickCount * 31 + options.Server.GetHashCode()));
            var wait = TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (1 + (random.NextDouble() * 0.2)));
            options.Transcript?.Invoke("* " + Localization.LocalizedText.Format("Probe.ThrottledRetry", options.Culture, wait.TotalSeconds, attempt + 1, options.ThrottledRetries + 1));
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromHours(1).Ticks));
        }
    }
}
