using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using SmtpTls.Replies;
using Xunit;
using Xunit.Abstractions;

namespace SmtpTls.Tests.Replies;

/// <summary>Runs alone, after the parallel tests, so that heap and time measure only the resolver.</summary>
[CollectionDefinition(nameof(ResolverPerformanceTests), DisableParallelization = true)]
public sealed class ResolverPerformanceCollection
{
}

/// <summary>A mail log of 100,000 lines resolved line by line, in-process: the time and the memory it costs.</summary>
[Collection(nameof(ResolverPerformanceTests))]
[Trait("Against", "Unit")]
public class ResolverPerformanceTests
{
    private const int LineCount = 100_000;
    private readonly ITestOutputHelper _output;

    public ResolverPerformanceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>A realistic Postfix log: mostly connects, queue lines and deliveries, some TLS trouble.</summary>
    public static IEnumerable<string> PostfixLog(int count)
    {
        string[] templates =
        {
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtpd[{2}]: connect from unknown[198.51.100.{3}]",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtpd[{2}]: {4:X10}: client=unknown[198.51.100.{3}]",
            "Nov 29 10:{0:00}:{1:00} mail postfix/cleanup[{2}]: {4:X10}: message-id=<{4}@example.org>",
            "Nov 29 10:{0:00}:{1:00} mail postfix/qmgr[{2}]: {4:X10}: from=<sender{3}@example.org>, size={2}, nrcpt=1 (queue active)",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtp[{2}]: {4:X10}: to=<rcpt{3}@example.net>, relay=mx{3}.example.net[192.0.2.{3}]:25, delay=0.{3}, delays=0.1/0/0.2/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {4:X8})",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtpd[{2}]: disconnect from unknown[198.51.100.{3}] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtp[{2}]: Untrusted TLS connection established to mx{3}.example.net[192.0.2.{3}]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtp[{2}]: {4:X10}: to=<rcpt{3}@example.net>, relay=mx{3}.example.net[192.0.2.{3}]:25, delay=1.2, delays=0.1/0/1/0, dsn=4.7.0, status=deferred (TLS is required, but host mx{3}.example.net[192.0.2.{3}] refused to start TLS: 454 4.7.0 TLS not available due to local problem)",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtp[{2}]: {4:X10}: to=<rcpt{3}@example.net>, relay=mx{3}.example.net[192.0.2.{3}]:25, delay=2.1, delays=0.1/0/2/0, dsn=4.7.5, status=deferred (Cannot start TLS: handshake failure)",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtp[{2}]: certificate verification failed for mx{3}.example.net[192.0.2.{3}]:25: untrusted issuer /C=US/O=Example/CN=Example CA",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtpd[{2}]: NOQUEUE: reject: RCPT from unknown[198.51.100.{3}]: 554 5.7.1 <x{3}@example.com>: Relay access denied; from=<a@example.org> to=<x{3}@example.com> proto=ESMTP helo=<client>",
            "Nov 29 10:{0:00}:{1:00} mail postfix/smtpd[{2}]: warning: TLS library problem: error:0A000102:SSL routines::unsupported protocol:../ssl/statem/statem_srvr.c:1657:",
        };

        for (var i = 0; i < count; i++)
        {
            yield return string.Format(CultureInfo.InvariantCulture, templates[i % templates.Length], i / 60 % 60, i % 60, 1000 + (i % 9000), i % 250, i);
        }
    }

    [Fact]
    public void HundredThousandLogLines_ResolveInSeconds_WithFlatMemory()
    {
        var english = CultureInfo.GetCultureInfo("en-US");
        foreach (var line in PostfixLog(1000))
        {
            SmtpErrorResolver.Resolve(line, english); // Warm-up: knowledge load and regex compilation.
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var peak = before;
        var categories = new Dictionary<SmtpErrorCategory, int>();
        var watch = Stopwatch.StartNew();
        var n = 0;
        foreach (var line in PostfixLog(LineCount))
        {
            var r = SmtpErrorResolver.Resolve(line, english);
            categories[r.Category] = categories.TryGetValue(r.Category, out var c) ? c + 1 : 1;
            if (++n % 10_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
            }
        }

        watch.Stop();
        var after = GC.GetTotalMemory(true);
        var growthMb = (after - before) / 1024.0 / 1024.0;
        var peakMb = (peak - before) / 1024.0 / 1024.0;

        _output.WriteLine(FormattableString.Invariant($"{LineCount} lines in {watch.Elapsed.TotalSeconds:F2} s ({LineCount / watch.Elapsed.TotalSeconds:F0} lines/s); managed heap growth after GC {growthMb:F1} MB, peak {peakMb:F1} MB"));
        foreach (var pair in categories)
        {
            _output.WriteLine($"  {pair.Key}: {pair.Value}");
        }

        Assert.Equal(LineCount, n);
        // Not a speed target (those belong in build.ps1 -Task Bench, not in tests, which must pass on a busy
        // machine): a bound that only a hang or a runaway pattern can exceed.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(180), $"took {watch.Elapsed}");
        Assert.True(growthMb < 20, $"heap grew by {growthMb:F1} MB");
        Assert.True(categories[SmtpErrorCategory.TlsNotAvailable] > 0 && categories[SmtpErrorCategory.CertificateUntrusted] > 0);
    }
}
