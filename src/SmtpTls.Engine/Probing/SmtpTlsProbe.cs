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

        return new ProbeRun(options).RunAsync(cancellationToken);
    }
}
