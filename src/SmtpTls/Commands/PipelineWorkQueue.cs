using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Commands;

/// <summary>
/// One piece of work for a <see cref="PipelineWorkQueue"/>: a check that yields one output, a step that
/// yields further jobs in place of itself (a domain that resolves to its MX addresses), or an output
/// that is ready already.
/// </summary>
internal sealed class PipelineJob
{
    private static readonly Func<Task, object?> ObjectResult = task => ((Task<object?>)task).Result;

    private PipelineJob()
    {
    }

    /// <summary>Starts the work; <see cref="Output"/> reads the output from the completed task.</summary>
    internal Func<CancellationToken, Task>? Work { get; private set; }

    /// <summary>The output of the completed (not faulted, not cancelled) task that <see cref="Work"/> returned.</summary>
    internal Func<Task, object?>? Output { get; private set; }

    internal Func<CancellationToken, Task<IReadOnlyList<PipelineJob>>>? Expander { get; private set; }

    internal Func<Exception, ErrorRecord>? OnError { get; private set; }

    internal object? ReadyOutput { get; private set; }

    internal bool IsReady => Work is null && Expander is null;

    /// <summary>Where the job's output goes (set when it is queued).</summary>
    internal PipelineWorkQueue.Slot? Slot { get; set; }

    /// <summary>The queue that runs the job (set when it is queued).</summary>
    internal PipelineWorkQueue? Owner { get; set; }

    /// <summary>A check whose result (null: none) is written as output; an exception becomes an error record.</summary>
    public static PipelineJob Run(Func<CancellationToken, Task<object?>> work, Func<Exception, ErrorRecord> onError) =>
        new() { Work = work ?? throw new ArgumentNullException(nameof(work)), Output = ObjectResult, OnError = onError };

    /// <summary>
    /// A check whose output <paramref name="output"/> reads from the task <paramref name="work"/> returned, once it has
    /// completed: no continuation of its own per check (the engine's task is awaited by the queue itself).
    /// </summary>
    public static PipelineJob Run(Func<CancellationToken, Task> work, Func<Task, object?> output, Func<Exception, ErrorRecord> onError) =>
        new() { Work = work ?? throw new ArgumentNullException(nameof(work)), Output = output ?? throw new ArgumentNullException(nameof(output)), OnError = onError };

    /// <summary>A step whose jobs take its place, in their order (so -Ordered keeps them where the step was).</summary>
    public static PipelineJob Expand(Func<CancellationToken, Task<IReadOnlyList<PipelineJob>>> expander, Func<Exception, ErrorRecord> onError) =>
        new() { Expander = expander ?? throw new ArgumentNullException(nameof(expander)), OnError = onError };

    /// <summary>An output that needs no work.</summary>
    public static PipelineJob Ready(object? output) => new() { ReadyOutput = output };
}

/// <summary>
/// Runs asynchronous checks for a cmdlet, at most a given number at once, and hands their output
/// back to the pipeline thread: PowerShell allows WriteObject/WriteVerbose/WriteError/WriteProgress
/// only from the thread that called ProcessRecord/EndProcessing, while the checks complete on
/// thread-pool threads. No thread waits for a server: the checks are async I/O, started as slots
/// free up (no task per queued check), and a check that completes starts the next.
/// </summary>
/// <remarks>
/// Output goes out as checks complete, or, when ordered, in the order the jobs were added (a job
/// that expands keeps its place for its children). Progress (done/total) is written when
/// <see cref="ProgressActivity"/> is set. <see cref="Stop"/> (Ctrl+C) cancels every running check
/// through <see cref="Token"/> and drops the ones not started.
/// </remarks>
internal sealed class PipelineWorkQueue : IDisposable
{
    private const int ProgressActivityId = 0x534D; // "SM"
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly BlockingCollection<PipelineItem> _items = new();
    private readonly object _lock = new();
    private readonly LinkedList<PipelineJob> _waiting = new();
    private readonly LinkedList<Slot>? _order;
    private readonly int _limit;
    private readonly int _maxOutstanding;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private int _running;
    private int _pending;
    private int _total;
    private int _done;
    private bool _progressShown;

    /// <param name="throttleLimit">How many jobs run at once.</param>
    /// <param name="ordered">Write output in the order the jobs were added.</param>
    /// <param name="maxOutstanding">
    /// How many jobs may be queued and not yet written before <see cref="WaitForRoom"/> holds the input back;
    /// default: four times the throttle limit, at least 256.
    /// </param>
    public PipelineWorkQueue(int throttleLimit, bool ordered = false, int? maxOutstanding = null)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit));
        }

        _limit = throttleLimit;
        _maxOutstanding = Math.Max(throttleLimit, maxOutstanding ?? Math.Max(256, throttleLimit * 4));
        _order = ordered ? new LinkedList<Slot>() : null;
    }

    /// <summary>Cancelled by <see cref="Stop"/> (Ctrl+C): every running check ends at once.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The activity text of Write-Progress; null (default) writes no progress.</summary>
    public string? ProgressActivity { get; set; }

    /// <summary>Formats the progress status from done, total and running.</summary>
    public Func<int, int, int, string>? ProgressStatus { get; set; }

    /// <summary>Starts <paramref name="work"/> as soon as a slot is free; its result is written as output.</summary>
    /// <param name="work">The check; receives the stop token.</param>
    /// <param name="onError">Turns an unexpected exception into an error record.</param>
    public void Start(Func<CancellationToken, Task<object?>> work, Func<Exception, ErrorRecord> onError) => Add(PipelineJob.Run(work, onError));

    /// <summary>Queues <paramref name="job"/> behind the jobs added before it.</summary>
    public void Add(PipelineJob job)
    {
        if (job is null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        var slot = new Slot();
        job.Slot = slot;
        job.Owner = this;
        lock (_lock)
        {
            _pending++;
            _total++;
            if (_order is not null)
            {
                slot.Node = _order.AddLast(slot);
            }

            if (!job.IsReady)
            {
                _waiting.AddLast(job);
            }
        }

        if (job.IsReady)
        {
            Complete(slot, job.ReadyOutput, null);
        }

        Pump();
    }

    /// <summary>Queues a verbose line from any thread.</summary>
    /// <param name="line">The line, written with WriteVerbose on the pipeline thread.</param>
    public void Verbose(string line) => TryAdd(PipelineItem.Verbose(line));

    /// <summary>Queues a warning from any thread (a send that goes on with weakened security says so as it happens).</summary>
    /// <param name="text">The warning, written with WriteWarning on the pipeline thread.</param>
    public void Warning(string text) => TryAdd(PipelineItem.Warning(text));

    /// <summary>
    /// Queues an error record from any thread, beside the job's output: for work whose result goes out even when it
    /// failed (a refused test message is an error and still a result to read). It is written before that output.
    /// </summary>
    /// <param name="record">The error, written with WriteError on the pipeline thread.</param>
    public void Error(ErrorRecord record) => TryAdd(PipelineItem.Error(record));

    /// <summary>Writes what has arrived so far without waiting (from ProcessRecord, so results stream while input still arrives).</summary>
    public void Drain(Cmdlet cmdlet)
    {
        while (_items.TryTake(out var item))
        {
            item.WriteTo(cmdlet);
        }

        EmitOrdered(cmdlet);
        WriteProgress(cmdlet, final: false);
    }

    /// <summary>
    /// Backpressure for streamed input (from ProcessRecord, after <see cref="Add"/>): while the queue holds as
    /// many jobs as it may that are not finished or not yet written, writes what arrives and waits. Input is
    /// then read only as fast as checks complete, so 100,000 targets piped from a file take the memory of a
    /// few hundred, not of all of them.
    /// </summary>
    public void WaitForRoom(Cmdlet cmdlet)
    {
        try
        {
            while (true)
            {
                while (_items.TryTake(out var ready))
                {
                    ready.WriteTo(cmdlet);
                }

                EmitOrdered(cmdlet);
                WriteProgress(cmdlet, final: false);
                bool full;
                lock (_lock)
                {
                    // Ordered: a slow head holds back everything behind it, finished or not, so its slots count too.
                    full = (_order?.Count ?? _pending) >= _maxOutstanding;
                }

                if (!full || _stop.IsCancellationRequested)
                {
                    return;
                }

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

    /// <summary>Writes everything until every queued check has finished (from EndProcessing).</summary>
    public void DrainToEnd(Cmdlet cmdlet)
    {
        try
        {
            while (true)
            {
                EmitOrdered(cmdlet);
                WriteProgress(cmdlet, final: false);
                bool finished;
                lock (_lock)
                {
                    finished = _pending == 0 && (_order is null || _order.Count == 0);
                }

                // Unordered output is added before its check counts as finished, so nothing is missed here.
                if (finished && _items.Count == 0)
                {
                    break;
                }

                if (_items.TryTake(out var item, 100, _stop.Token))
                {
                    item.WriteTo(cmdlet);
                }
            }

            WriteProgress(cmdlet, final: true);
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

        TryAdd(PipelineItem.Wake);
    }

    /// <summary>Stops every check and closes the relay; output that arrives afterwards is dropped (the pipeline has ended).</summary>
    public void Dispose()
    {
        Stop();
        _items.CompleteAdding();
    }

    /// <summary>Starts queued jobs while slots are free.</summary>
    private void Pump()
    {
        while (true)
        {
            PipelineJob job;
            lock (_lock)
            {
                if (_running >= _limit || _waiting.First is not { } first)
                {
                    return;
                }

                job = first.Value;
                _waiting.RemoveFirst();
                _running++;
            }

            // On the thread pool: the synchronous start of a check must not run on the pipeline
            // thread, and a check that completes at once must not start the next one recursively.
            // A work item with the job as its state, not Task.Run: no closure, delegate and task pair per check.
            ThreadPool.QueueUserWorkItem(StartJob, job);
        }
    }

    private static void StartJob(object? state)
    {
        var job = (PipelineJob)state!;
        _ = job.Owner!.RunAsync(job);
    }

    private async Task RunAsync(PipelineJob job)
    {
        var slot = job.Slot!;
        try
        {
            if (_stop.IsCancellationRequested)
            {
                Complete(slot, null, null);
            }
            else if (job.Expander is { } expander)
            {
                var children = await expander(_stop.Token).ConfigureAwait(false);
                ExpandInto(slot, children ?? Array.Empty<PipelineJob>());
            }
            else
            {
                var work = job.Work!(_stop.Token);
                await work.ConfigureAwait(false);
                Complete(slot, job.Output!(work), null);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped by the user: PowerShell discards the pipeline anyway.
            Complete(slot, null, null);
        }
        catch (Exception ex)
        {
            Complete(slot, null, job.OnError?.Invoke(ex) ?? new ErrorRecord(ex, "SmtpTlsJobFailed", ErrorCategory.NotSpecified, null));
        }
        finally
        {
            lock (_lock)
            {
                _running--;
            }

            Pump();
        }
    }

    /// <summary>Puts <paramref name="children"/> in the place of <paramref name="slot"/>; they run before jobs queued later.</summary>
    private void ExpandInto(Slot slot, IReadOnlyList<PipelineJob> children)
    {
        if (children.Count == 0)
        {
            Complete(slot, null, null);
            return;
        }

        var ready = new List<PipelineJob>();
        lock (_lock)
        {
            LinkedListNode<PipelineJob>? last = null;
            foreach (var child in children)
            {
                var childSlot = new Slot();
                child.Slot = childSlot;
                child.Owner = this;
                if (_order is not null)
                {
                    childSlot.Node = _order.AddBefore(slot.Node!, childSlot);
                }

                if (child.IsReady)
                {
                    ready.Add(child);
                }
                else
                {
                    // First in line, in their own order: a domain's checks follow its resolution closely.
                    last = last is null ? _waiting.AddFirst(child) : _waiting.AddAfter(last, child);
                }
            }

            if (_order is not null)
            {
                _order.Remove(slot.Node!);
            }

            // The expanding job's slot is replaced by its children's.
            _pending += children.Count - 1;
            _total += children.Count - 1;
        }

        foreach (var child in ready)
        {
            Complete(child.Slot!, child.ReadyOutput, null);
        }

        TryAdd(PipelineItem.Wake);
    }

    private void Complete(Slot slot, object? output, ErrorRecord? error)
    {
        var itemAdded = false;
        if (_order is null)
        {
            if (output is not null)
            {
                TryAdd(PipelineItem.Output(output));
                itemAdded = true;
            }
            else if (error is not null)
            {
                TryAdd(PipelineItem.Error(error));
                itemAdded = true;
            }
        }
        else
        {
            slot.Output = output;
            slot.ErrorRecord = error;
        }

        // After the Add above, so that the pipeline thread never sees nothing pending while output is missing.
        int pending;
        lock (_lock)
        {
            slot.Done = true;
            pending = --_pending;
            _done++;
        }

        // Ends the pipeline thread's wait at once instead of at the next poll: always when nothing was added
        // (ordered output, no output), and after an output item when this was the last pending job (the
        // pipeline thread may have taken the item before the count went down, and would sleep until the
        // poll interval ends). While other jobs are pending their own items wake it, so most checks add
        // one item, not two.
        if (!itemAdded || pending == 0)
        {
            TryAdd(PipelineItem.Wake);
        }
    }

    /// <summary>Writes the finished results at the head of the input order.</summary>
    private void EmitOrdered(Cmdlet cmdlet)
    {
        if (_order is null)
        {
            return;
        }

        while (true)
        {
            Slot head;
            lock (_lock)
            {
                if (_order.First is not { } first || !first.Value.Done)
                {
                    return;
                }

                head = first.Value;
                _order.RemoveFirst();
            }

            if (head.Output is not null)
            {
                cmdlet.WriteObject(head.Output);
            }
            else if (head.ErrorRecord is not null)
            {
                cmdlet.WriteError(head.ErrorRecord);
            }
        }
    }

    private void WriteProgress(Cmdlet cmdlet, bool final)
    {
        if (ProgressActivity is null || (!final && _sinceProgress.Elapsed < ProgressInterval) || (final && !_progressShown))
        {
            return;
        }

        int done, total, running;
        lock (_lock)
        {
            done = _done;
            total = _total;
            running = _running;
        }

        var status = ProgressStatus?.Invoke(done, total, running) ?? done + "/" + total;
        var record = new ProgressRecord(ProgressActivityId, ProgressActivity, status)
        {
            PercentComplete = total == 0 ? 0 : Math.Min(100, (int)(100L * done / total)),
            RecordType = final ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        cmdlet.WriteProgress(record);
        _progressShown = true;
        _sinceProgress.Restart();
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

    /// <summary>The place of one job's output in the input order.</summary>
    internal sealed class Slot
    {
        /// <summary>The slot's place in the input order when output is ordered; null otherwise.</summary>
        public LinkedListNode<Slot>? Node { get; set; }

        /// <summary>The job's output, kept until the slots before it are written.</summary>
        public object? Output { get; set; }

        /// <summary>The job's error, kept like <see cref="Output"/>.</summary>
        public ErrorRecord? ErrorRecord { get; set; }

        /// <summary>Whether the job has finished (its output, if any, is set).</summary>
        public bool Done { get; set; }
    }

    private sealed class PipelineItem
    {
        /// <summary>Writes nothing; only wakes the pipeline thread.</summary>
        public static readonly PipelineItem Wake = new();

        private object? _output;
        private string? _verbose;
        private string? _warning;
        private ErrorRecord? _error;

        /// <summary>An object for WriteObject.</summary>
        public static PipelineItem Output(object value) => new() { _output = value };

        /// <summary>A line for WriteVerbose.</summary>
        public static PipelineItem Verbose(string line) => new() { _verbose = line };

        /// <summary>A text for WriteWarning.</summary>
        public static PipelineItem Warning(string text) => new() { _warning = text };

        /// <summary>A record for WriteError.</summary>
        public static PipelineItem Error(ErrorRecord record) => new() { _error = record };

        /// <summary>Writes the item to its stream; only on the pipeline thread.</summary>
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
            else if (_warning is not null)
            {
                cmdlet.WriteWarning(_warning);
            }
            else if (_error is not null)
            {
                cmdlet.WriteError(_error);
            }
        }
    }
}
