using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// Checks each MX endpoint once per run, however many domains point at it: a provider that hosts
/// thousands of domains on a few MX hosts gets a few connections, not thousands. The first domain's check
/// runs; every other domain with the same endpoint gets a copy of its result for its own MX entry, with
/// <see cref="SmtpTlsResult.ReusedFrom"/> naming the domain whose check it was.
/// </summary>
/// <remarks>
/// The endpoint is the address, port, TLS mode and the name checked against the certificate (SNI): two MX
/// names at one address may be served different certificates, so they are checked apart. Results are kept
/// for the whole run (one per distinct endpoint). Thread-safe.
/// </remarks>
public sealed class SharedEndpointChecks
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SmtpTlsResult>>> _checks = new(StringComparer.Ordinal);

    /// <summary>How many distinct endpoints were checked (or are being checked).</summary>
    public int Count => _checks.Count;

    /// <summary>
    /// Runs <see cref="SmtpTlsProbe.ProbeAsync"/> for <paramref name="options"/>, or, when a check of the same
    /// endpoint ran or runs already in this run, waits for it and returns a copy marked as reused. Options
    /// without <see cref="SmtpTlsProbeOptions.MailTarget"/> are always checked on their own.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The check (the first one of the endpoint) was cancelled.</exception>
    public Task<SmtpTlsResult> ProbeAsync(SmtpTlsProbeOptions options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.MailTarget is not { } target)
        {
            return SmtpTlsProbe.ProbeAsync(options, cancellationToken);
        }

        var key = string.Join(
            "|",
            options.Server,
            (options.Port ?? 0).ToString(CultureInfo.InvariantCulture),
            options.TlsMode.ToString(),
            (options.ServerName ?? string.Empty).Trim().TrimEnd('.').ToLowerInvariant());
        var mine = new Lazy<Task<SmtpTlsResult>>(() => SmtpTlsProbe.ProbeAsync(options, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
        var shared = _checks.GetOrAdd(key, mine);
        return ReferenceEquals(shared, mine) ? mine.Value : ReuseAsync(shared.Value, target);
    }

    private static async Task<SmtpTlsResult> ReuseAsync(Task<SmtpTlsResult> check, SmtpMailTarget target)
    {
        var result = await check.ConfigureAwait(false);
        return result.ReuseFor(target);
    }
}
