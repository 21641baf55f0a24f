using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class BoundedSmtpStreamTests
{
    [Fact]
    public async Task Read_EndsATrickledStep_AtTheStepDeadline_NotPerRead()
    {
        using var trickle = new TrickleStream(TimeSpan.FromMilliseconds(100));
        var deadline = new SessionDeadline(TimeSpan.FromSeconds(1));
        using var stream = new BoundedSmtpStream(trickle, deadline, trickle.Close);
        var clock = Stopwatch.StartNew();
        var buffer = new byte[16];
        var error = await Assert.ThrowsAsync<SmtpLimitExceededException>(async () =>
        {
            while (true)
            {
                await stream.ReadAsync(buffer, 0, buffer.Length);
            }
        });
        Assert.Equal(SmtpSendErrorId.ReplyTooSlow, error.ErrorId);

        // Outcome first; the bound is generous so a busy machine stays green (each read alone takes 0.1 s).
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);
    }

    [Fact]
    public async Task Read_StopsAtTheSessionByteCap()
    {
        using var source = new MemoryStream(new byte[10_000]);
        var deadline = new SessionDeadline(TimeSpan.FromSeconds(30));
        using var stream = new BoundedSmtpStream(source, deadline, () => { }, maxBytes: 5_000);
        var buffer = new byte[1024];
        var error = await Assert.ThrowsAsync<SmtpLimitExceededException>(async () =>
        {
            while (await stream.ReadAsync(buffer, 0, buffer.Length) > 0)
            {
            }
        });
        Assert.Equal(SmtpSendErrorId.TranscriptLimit, error.ErrorId);
    }

    [Fact]
    public void SessionDeadline_CallIsFourSteps()
    {
        var deadline = new SessionDeadline(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(20), deadline.Call);
        Assert.True(deadline.Remaining <= TimeSpan.FromSeconds(5));
    }

    /// <summary>Hands out one byte per interval, forever, like a server that trickles.</summary>
    private sealed class TrickleStream : Stream
    {
        private readonly TimeSpan _interval;
        private readonly CancellationTokenSource _closed = new();

        public TrickleStream(TimeSpan interval) => _interval = interval;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            await Task.Delay(_interval, linked.Token);
            buffer[offset] = (byte)'x';
            return 1;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Close() { _closed.Cancel(); base.Close(); }
    }
}
