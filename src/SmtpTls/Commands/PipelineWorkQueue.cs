using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Commands;

/// <summary>
/// Runs asynchronous checks for a cmdlet, a bounded number at once, and hands their output back to
/// the pipeline thread: PowerShell allows WriteObject/WriteVerbose/WriteError only from the thread
/// that called ProcessRecord/EndProcessing, while the checks complete on thread-pool threads.
/// </summary>
internal sealed class PipelineWorkQueue : IDisposable
{
    private readonly BlockingCollection<PipelineItem> _items = new();
    private readonly SemaphoreSlim _throttle;
    private readonly CancellationTokenSource _stop = new();
    private int _pending;

    public PipelineWorkQueue(int throttleLimit)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit));
        }

        _throttle = new SemaphoreSlim(throttleLimit, throttleLimit);
    }

    /// <summary>Cancelled by <see cref="Stop"/> (Ctrl+C): every running check ends at once.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Starts <paramref name="work"/> as soon as a slot is free; its result is written as output.</summary>
    /// <param name="work">The check; receives the stop token.</param>
    /// <param name="onError">Turns an unexpected exception into an error record.</param>
    public void Start(Func<CancellationToken, Task<object?>> work, Func<Exception, ErrorRecord> onError)
    {
        Interlocked.Increment(ref _pending);
        _ = Task.Run(async () =>
        {
            var entered = false;
            try
            {
                await _throttle.WaitAsync(_stop.Token).ConfigureAwait(false);
                entered = true;
                var output = await work(_stop.Token).ConfigureAwait(false);
                if (output is not null)
                {
                    TryAdd(PipelineItem.Output(output));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped by the user: PowerShell discards the pipeline anyway.
            }
            catch (Exception ex)
            {
                TryAdd(PipelineItem.Error(onError(ex)));
            }
            finally
            {
                if (entered)
                {
                    _throttle.Release();
                }

                // After the Add above, so that the pipeline thread never sees zero pending while output is missing;
                // the wake-up item ends its wait at once instead of at the next poll.
                Interlocked.Decrement(ref _pending);
                TryAdd(PipelineItem.Wake);
            }
        });
    }

    /// <summary>Queues a verbose line from any thread.</summary>
    public void Verbose(string line) => TryAdd(PipelineItem.Verbose(line));

    /// <summary>Writes what has arrived so far without waiting (from ProcessRecord, so results stream while input still arrives).</summary>
    public void Drain(Cmdlet cmdlet)
    {
        while (_items.TryTake(out var item))
        {
            item.WriteTo(cmdlet);
        }
    }

    /// <summary>Writes everything until every started check has finished (from EndProcessing).</summary>
    public void DrainToEnd(Cmdlet cmdlet)
    {
        try
        {
            while (Volatile.Read(ref _pending) > 0 || _items.Count > 0)
            {
                if (_items.TryTake(out var item, 100, _stop.Token))
                {
                    item.WriteTo(cmdlet);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Cancels every check; called from StopProcessing on another thread.</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        _items.CompleteAdding();
    }

    private void TryAdd(PipelineItem item)
    {
        try
        {
            _items.Add(item);
        }
        catch (InvalidOperationException)
        {
            // The pipeline has ended (Ctrl+C): nobody reads any more.
        }
    }

    private sealed class PipelineItem
    {
        /// <summary>Writes nothing; only wakes the pipeline thread.</summary>
        public static readonly PipelineItem Wake = new();

        private object? _output;
        private string? _verbose;
        private ErrorRecord? _error;

        public static PipelineItem Output(object value) => new() { _output = value };

        public static PipelineItem Verbose(string line) => new() { _verbose = line };

        public static PipelineItem Error(ErrorRecord record) => new() { _error = record };

        public void WriteTo(Cmdlet cmdlet)
        {
            if (_output is not null)
            {
                cmdlet.WriteObject(_output);
            }
            else if (_verbose is not null)
            {
                cmdlet.WriteVerbose(_verbose);
            }
            else if (_error is not null)
            {
                cmdlet.WriteError(_error);
            }
        }
    }
}
