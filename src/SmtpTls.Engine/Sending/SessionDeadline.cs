using System;
using System.Diagnostics;
using SmtpTls.Probing;
using SmtpTls.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// The two deadlines of one send: each step (connecting, one reply, one TLS flight) gets
/// -TimeoutSeconds from its start, however the server spreads its bytes over it, and the whole call
/// gets <see cref="SmtpReadLimits.StepsPerCall"/> times that. A step starts when the client writes.
/// </summary>
internal sealed class SessionDeadline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _sync = new();
    private TimeSpan _stepStart;

    /// <param name="step">The deadline of one step (-TimeoutSeconds).</param>
    public SessionDeadline(TimeSpan step)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step));
        }

        Step = step;
        Call = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(6).Ticks, step.Ticks * SmtpReadLimits.StepsPerCall));
    }

    /// <summary>The deadline of one step.</summary>
    public TimeSpan Step { get; }

    /// <summary>The deadline of the whole call.</summary>
    public TimeSpan Call { get; }

    /// <summary>Time since the call began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>What is left of the call.</summary>
    public TimeSpan CallRemaining => Call - _clock.Elapsed;

    /// <summary>What is left until the nearer of the two deadlines.</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_sync)
            {
                var now = _clock.Elapsed;
                var step = _stepStart + Step - now;
                var call = Call - now;
                return step < call ? step : call;
            }
        }
    }

    /// <summary>Whether the call deadline (rather than the step's) is the one that ran out or runs out first.</summary>
    public bool CallIsBinding
    {
        get
        {
            lock (_sync)
            {
                return Call <= _stepStart + Step;
            }
        }
    }

    /// <summary>Starts a new step: the client has just written, the next answer gets a full step's time.</summary>
    public void StartStep()
    {
        lock (_sync)
        {
            _stepStart = _clock.Elapsed;
        }
    }
}
