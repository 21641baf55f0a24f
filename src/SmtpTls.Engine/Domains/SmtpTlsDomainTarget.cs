using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Probing;

namespace SmtpTls.Domains;

/// <summary>
/// One entry of a prepared domain check, in the order a sender tries the hosts: an MX address to check
/// (<see cref="Options"/>), or a result that is final already because DNS left nothing to connect to
/// (<see cref="Result"/>).
/// </summary>
public sealed class SmtpTlsDomainTarget
{
    private readonly SharedEndpointChecks? _shared;

    internal SmtpTlsDomainTarget(SmtpMailTarget? mailTarget, SmtpTlsProbeOptions? options, SmtpTlsResult? result, SharedEndpointChecks? shared)
    {
        MailTarget = mailTarget;
        Options = options;
        Result = result;
        _shared = shared;
    }

    /// <summary>The domain, MX host and address to check; null when <see cref="Result"/> is set.</summary>
    public SmtpMailTarget? MailTarget { get; }

    /// <summary>
    /// The check's options, made from the template for this MX address; null when <see cref="Result"/> is set.
    /// A caller may still set <see cref="SmtpTlsProbeOptions.Transcript"/> here before the check runs.
    /// </summary>
    public SmtpTlsProbeOptions? Options { get; }

    /// <summary>The final result (Status Error with a DNS finding) when there is nothing to connect to; otherwise null.</summary>
    public SmtpTlsResult? Result { get; }

    /// <summary>
    /// Checks this MX address (once per endpoint when the options share <see cref="SmtpTlsDomainCheckOptions.SharedEndpoints"/>),
    /// or returns <see cref="Result"/>. Never throws for what the server or the network does (see <see cref="SmtpTlsProbe.ProbeAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result of the check, without a policy verdict (<see cref="SmtpTlsDomainCheck.RunAsync"/> attaches that).</returns>
    /// <exception cref="System.OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SmtpTlsResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        if (Result is { } ready)
        {
            return Task.FromResult(ready);
        }

        return _shared is null ? SmtpTlsProbe.ProbeAsync(Options!, cancellationToken) : _shared.ProbeAsync(Options!, cancellationToken);
    }
}
