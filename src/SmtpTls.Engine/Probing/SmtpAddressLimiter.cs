using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// Keeps a fleet run polite to each mail server: at most <see cref="MaxPerAddress"/> checks in flight
/// per IP address, and new connections to one address at least <see cref="Spacing"/> apart. Share one
/// instance between all checks of a run (<see cref="SmtpTlsProbeOptions.AddressLimiter"/>); checks of
/// different domains whose MX hosts share an address then share its limit.
/// </summary>
/// <remarks>
/// <para>
/// The key is the address alone, not address and port: a provider's server at one address answering on
/// 25, 465 and 587 is one host, and its connection limits (Postfix anvil, Exim smtp_accept_max_per_host,
/// Exchange's per-source limits) count connections from the client's address, whatever the port.
/// Sending MTAs count the same way: Postfix starts with 5 concurrent deliveries per destination
/// (<c>default_destination_concurrency_limit</c>/<c>initial_destination_concurrency</c>).
/// </para>
/// <para>
/// An address that answered with a rate limit (<see cref="ReportThrottled"/>) is held to one check at a
/// time for the rest of the run, as Postfix lowers a destination's concurrency after a failure.
/// Waiters are served in arrival order. Idle addresses are forgotten, so memory stays bounded however
/// many addresses a run visits.
/// </para>
/// </remarks>
public sealed class SmtpAddressLimiter
{
    // Idle addresses still inside their spacing stay known until this many are; then the idle ones are dropped.
    private const int SweepThreshold = 1024;

    private readonly object _lock = new();
    private readonly Dictionary<IPAddress, AddressState> _states = new();
    private readonly HashSet<IPAddress> _throttled = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Creates a limiter.</summary>
    /// <param name="maxPerAddress">Checks in flight per address; 0 means no limit.</param>
    /// <param name="spacing">The least time between two new connections to one address; zero for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public SmtpAddressLimiter(int maxPerAddress, TimeSpan spacing)
    {
        if (maxPerAddress < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerAddress), maxPerAddress, "The limit cannot be negative.");
        }

        if (spacing < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "The spacing cannot be negative.");
        }

        MaxPerAddress = maxPerAddress;
        Spacing = spacing;
    }

    /// <summary>Checks in flight per address; 0: no limit.</summary>
    public int MaxPerAddress { get; }

    /// <summary>The least time between two new connections to one address.</summary>
    public TimeSpan Spacing { get; }

    /// <summary>Whether this limiter lets everything through at once (no limit, no spacing).</summary>
    public bool IsUnlimited => MaxPerAddress == 0 && Spacing == TimeSpan.Zero;

    /// <summary>
    /// Waits until a check may connect to <paramref name="address"/>; dispose the returned lease when the
    /// check no longer holds a connection there.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async Task<IDisposable> AcquireAsync(IPAddress address, CancellationToken cancellationToken)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (IsUnlimited)
        {
            return NoLease.Instance;
        }

        var key = Normalize(address);
        TaskCompletionSource<TimeSpan>? waiter = null;
        var delay = TimeSpan.Zero;
        lock (_lock)
        {
            if (!_states.TryGetValue(key, out var state))
            {
                if (_states.Count >= SweepThreshold)
                {
                    Sweep();
                }

                state = new AddressState(_throttled.Contains(key) ? 1 : MaxPerAddress);
                _states[key] = state;
            }

            if ((state.Limit == 0 || state.InFlight < state.Limit) && state.Waiters.Count == 0)
            {
                state.InFlight++;
                delay = Reserve(state);
            }
            else
            {
                waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
                state.Waiters.AddLast(waiter);
            }
        }

        if (waiter is not null)
        {
            using (cancellationToken.Register(() => Abandon(key, waiter)))
            {
                delay = await waiter.Task.ConfigureAwait(false);
            }
        }

        var lease = new Lease(this, key);
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        return lease;
    }

    /// <summary>
    /// Records that <paramref name="address"/> refused a check with a rate limit: from now on it gets one
    /// check at a time (checks already running finish).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    public void ReportThrottled(IPAddress address)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        if (IsUnlimited)
        {
            return;
        }

        var key = Normalize(address);
        lock (_lock)
        {
            _throttled.Add(key);
            if (_states.TryGetValue(key, out var state))
            {
                state.Limit = 1;
            }
        }
    }

    /// <summary>How many addresses the limiter keeps: checks in flight or waiting, or a next connection still to be spaced (for tests and diagnostics).</summary>
    public int ActiveAddresses
    {
        get
        {
            lock (_lock)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>
    /// Drops the state of an address with nothing in flight or waiting, unless its next connection is still to
    /// be spaced (then a later <see cref="Sweep"/> drops it). Under the lock.
    /// </summary>
    private void ForgetIfIdle(IPAddress key, AddressState state)
    {
        if (state.InFlight <= 0 && state.Waiters.Count == 0 && state.NextStart <= _clock.Elapsed)
        {
            _states.Remove(key);
        }
    }

    /// <summary>Drops every idle address whose spacing has passed, so that a long run keeps only busy ones. Under the lock.</summary>
    private void Sweep()
    {
        var now = _clock.Elapsed;
        var idle = new List<IPAddress>();
        foreach (var pair in _states)
        {
            if (pair.Value.InFlight <= 0 && pair.Value.Waiters.Count == 0 && pair.Value.NextStart <= now)
            {
                idle.Add(pair.Key);
            }
        }

        foreach (var key in idle)
        {
            _states.Remove(key);
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Books the next connection start of <paramref name="state"/> and returns how long to wait for it. Under the lock.</summary>
    private TimeSpan Reserve(AddressState state)
    {
        if (Spacing == TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var now = _clock.Elapsed;
        var start = state.NextStart > now ? state.NextStart : now;
        state.NextStart = start + Spacing;
        return start - now;
    }

    private void Release(IPAddress key)
    {
        while (true)
        {
            TaskCompletionSource<TimeSpan>? next = null;
            var delay = TimeSpan.Zero;
            lock (_lock)
            {
                if (!_states.TryGetValue(key, out var state))
                {
                    return;
                }

                if (state.Waiters.First is { } first && (state.Limit == 0 || state.InFlight <= state.Limit))
                {
                    // The slot passes straight to the longest waiter.
                    next = first.Value;
                    state.Waiters.RemoveFirst();
                    delay = Reserve(state);
                }
                else
                {
                    state.InFlight--;
                    ForgetIfIdle(key, state);
                }
            }

            if (next is null || next.TrySetResult(delay))
            {
                return;
            }

            // That waiter was cancelled between leaving the queue and now: offer the slot to the next one.
        }
    }

    private void Abandon(IPAddress key, TaskCompletionSource<TimeSpan> waiter)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(key, out var state) && state.Waiters.Remove(waiter))
            {
                ForgetIfIdle(key, state);
            }
            else
            {
                // Already handed a slot: the awaiting code releases it after seeing the cancellation.
                return;
            }
        }

        waiter.TrySetCanceled();
    }

    private sealed class AddressState
    {
        /// <summary>The state of an address seen for the first time.</summary>
        public AddressState(int limit)
        {
            Limit = limit;
        }

        /// <summary>Checks allowed in flight (0: no limit); drops to 1 once the address has throttled us.</summary>
        public int Limit { get; set; }

        /// <summary>Checks of this address running now.</summary>
        public int InFlight { get; set; }

        /// <summary>The earliest time (on the limiter's clock) the next connection may start.</summary>
        public TimeSpan NextStart { get; set; }

        /// <summary>Checks waiting for their turn, first come first served.</summary>
        public LinkedList<TaskCompletionSource<TimeSpan>> Waiters { get; } = new();
    }

    private sealed class Lease : IDisposable
    {
        private SmtpAddressLimiter? _owner;
        private readonly IPAddress _key;

        /// <summary>A lease on <paramref name="key"/>, given back to <paramref name="owner"/>.</summary>
        public Lease(SmtpAddressLimiter owner, IPAddress key)
        {
            _owner = owner;
            _key = key;
        }

        /// <summary>Gives the lease back; a second call does nothing.</summary>
        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_key);
    }

    private sealed class NoLease : IDisposable
    {
        /// <summary>The one instance.</summary>
        public static readonly NoLease Instance = new();

        /// <summary>Nothing to give back.</summary>
        public void Dispose()
        {
        }
    }
}
