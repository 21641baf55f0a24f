using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Probing;
using Xunit;

namespace SmtpTls.Tests.Probing;

/// <summary>
/// The per-address limit of fleet checks, driven without a network: counts of holders, never how fast.
/// </summary>
[Trait("Against", "Unit")]
public class SmtpAddressLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    [Fact]
    public async Task NeverMoreHoldersOfOneAddressThanTheLimit_AndEveryoneGetsATurn()
    {
        var limiter = new SmtpAddressLimiter(3, TimeSpan.Zero);
        var inFlight = 0;
        var peak = 0;
        var done = 0;
        var tasks = Enumerable.Range(0, 40).Select(async _ =>
        {
            using (await limiter.AcquireAsync(A, CancellationToken.None))
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await Task.Delay(5);
                Interlocked.Decrement(ref inFlight);
            }

            Interlocked.Increment(ref done);
        }).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(40, done);
        Assert.InRange(peak, 1, 3);
        Assert.Equal(0, limiter.ActiveAddresses);
    }

    [Fact]
    public async Task OtherAddressesAreNotHeldUpByABusyOne()
    {
        var limiter = new SmtpAddressLimiter(1, TimeSpan.Zero);
        using var first = await limiter.AcquireAsync(A, CancellationToken.None);
        var waiting = limiter.AcquireAsync(A, CancellationToken.None);
        var other = limiter.AcquireAsync(B, CancellationToken.None);

        Assert.True(other.IsCompleted, "another address gets its turn at once");
        Assert.False(waiting.IsCompleted, "the second check of a full address waits");
        first.Dispose();
        (await waiting).Dispose();
        (await other).Dispose();
        Assert.Equal(0, limiter.ActiveAddresses);
    }

    [Fact]
    public async Task AThrottledAddressGetsOneCheckAtATime()
    {
        var limiter = new SmtpAddressLimiter(5, TimeSpan.Zero);
        var leases = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(await limiter.AcquireAsync(A, CancellationToken.None));
        }

        limiter.ReportThrottled(A);
        var next = limiter.AcquireAsync(A, CancellationToken.None);
        leases[0].Dispose();
        leases[1].Dispose();
        Assert.False(next.IsCompleted, "one check is still running, and one at a time is the limit now");
        leases[2].Dispose();
        var second = await next;
        var after = limiter.AcquireAsync(A, CancellationToken.None);
        Assert.False(after.IsCompleted, "still one at a time after the throttled check's turn");
        second.Dispose();
        (await after).Dispose();
        Assert.Equal(0, limiter.ActiveAddresses);
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheQueueAndTakesNoSlot()
    {
        var limiter = new SmtpAddressLimiter(1, TimeSpan.Zero);
        var holder = await limiter.AcquireAsync(A, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(A, cancel.Token);
        var patient = limiter.AcquireAsync(A, CancellationToken.None);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        holder.Dispose();
        (await patient).Dispose();
        Assert.Equal(0, limiter.ActiveAddresses);
    }

    [Fact]
    public async Task SpacingDelaysTheStartOfTheNextConnectionNotTheFirst()
    {
        var limiter = new SmtpAddressLimiter(0, TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (await limiter.AcquireAsync(A, CancellationToken.None)).Dispose();
        (await limiter.AcquireAsync(A, CancellationToken.None)).Dispose();
        (await limiter.AcquireAsync(A, CancellationToken.None)).Dispose();

        // Three starts 300 ms apart: a lower bound only (waiting guarantees it, a busy machine only adds).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(550), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task NoLimitAndNoSpacingLetsEverythingThrough()
    {
        var limiter = new SmtpAddressLimiter(0, TimeSpan.Zero);
        var leases = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => limiter.AcquireAsync(A, CancellationToken.None)));
        Assert.True(limiter.IsUnlimited);
        Assert.Equal(0, limiter.ActiveAddresses);
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public void RejectsNegativeSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpAddressLimiter(-1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpAddressLimiter(1, TimeSpan.FromSeconds(-1)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
