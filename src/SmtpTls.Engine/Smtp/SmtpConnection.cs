using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Smtp;

/// <summary>
/// One TCP connection to an SMTP server in plaintext: send a command, read a reply, each step
/// bounded by the timeout. A step that outlives it ends in <see cref="TimeoutException"/>; the
/// caller's cancellation ends in <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class SmtpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Action<string>? _transcript;
    private readonly Action<string> _logReceived;
    private int _disposed;

    // One deadline for the steps of this connection, armed anew for each step, instead of a linked
    // token source with a timer of its own per step (a check takes a dozen steps).
    private CancellationTokenSource? _stepDeadline;
    private int _stepRunning;

    private SmtpConnection(Socket socket, TimeSpan timeout, Action<string>? transcript)
    {
        _socket = socket;
        Timeout = timeout;
        _transcript = transcript;
        _logReceived = line => Log("S: " + SmtpReplyReader.Printable(line, 200));
        Stream = new NetworkStream(socket, ownsSocket: true);
        Reader = new SmtpReplyReader(Stream, peek: Peek);
    }

    /// <summary>The plaintext socket stream, or the TLS stream after <see cref="UseStream"/>.</summary>
    public Stream Stream { get; private set; }

    /// <summary>Reads bounded replies from <see cref="Stream"/>; replaced with the stream.</summary>
    public SmtpReplyReader Reader { get; private set; }

    /// <summary>The bound on every step of this connection.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The server's address and port as connected.</summary>
    public IPEndPoint? RemoteEndPoint => _socket.RemoteEndPoint as IPEndPoint;

    /// <summary>
    /// Connects to <paramref name="address"/>:<paramref name="port"/> within the timeout, from
    /// <paramref name="sourceAddress"/> (an ephemeral port) when given, else from where the system chooses.
    /// </summary>
    public static async Task<SmtpConnection> ConnectAsync(IPAddress address, int port, TimeSpan timeout, Action<string>? transcript, CancellationToken cancellationToken, IPAddress? sourceAddress = null)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (sourceAddress is not null)
            {
                socket.Bind(new IPEndPoint(sourceAddress, 0));
            }

            // Bounded as RunBoundedAsync bounds a step, written out here: one async method less on every check's path.
            cancellationToken.ThrowIfCancellationRequested();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            using (deadline.Token.Register(static state => ((Socket)state!).Dispose(), socket))
            {
                try
                {
#if NET8_0_OR_GREATER
                    await socket.ConnectAsync(address, port, deadline.Token).ConfigureAwait(false);
#else
                    await Task.Factory.FromAsync(socket.BeginConnect, socket.EndConnect, (EndPoint)new IPEndPoint(address, port), null).ConfigureAwait(false);
#endif
                }
                catch (Exception ex) when (deadline.IsCancellationRequested
                    && (cancellationToken.IsCancellationRequested || ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new TimeoutException("No answer within " + timeout.TotalSeconds + " s.", ex);
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SmtpConnection(socket, timeout, transcript);
    }

    /// <summary>Reads one reply within the timeout, writing each line to the transcript.</summary>
    /// <remarks>
    /// Acknowledges at once what arrives meanwhile: after a TLS 1.3 handshake the server's session
    /// tickets can arrive after our EHLO left, and a delayed ACK of them would hold back the EHLO
    /// reply behind the server's Nagle for up to 40 ms (seen on about one check in six).
    /// </remarks>
    public Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken, bool exact = false) =>
        ExchangeAsync(null, cancellationToken, exact, Timeout, readIsNewStep: true, quit: false)!;

    /// <summary>Sends <paramref name="command"/> and reads the reply (two steps, each within the timeout).</summary>
    public Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken, bool exact = false)
    {
        Log("C: " + command);
        return ExchangeAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken, exact, Timeout, readIsNewStep: true, quit: false)!;
    }

    /// <summary>Sends one command line.</summary>
    public Task SendAsync(string command, CancellationToken cancellationToken)
    {
        Log("C: " + command);
        return WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken);
    }

    /// <summary>Sends raw bytes (a hand-built ClientHello) within the timeout.</summary>
    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var stream = Stream;
        if (!TryBeginStep(cancellationToken, Timeout))
        {
            await WriteUnsteppedAsync(stream, bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            using (RegisterCaller(cancellationToken))
            {
                try
                {
                    await WriteStepAsync(stream, bytes, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (StepAborted(ex, cancellationToken))
                {
                    throw StepTimedOut(ex, cancellationToken, Timeout);
                }
            }
        }
        finally
        {
            EndStep();
        }
    }

    /// <summary><see cref="WriteAsync"/> on the general path (see <see cref="ExchangeUnsteppedAsync"/>).</summary>
    private Task<bool> WriteUnsteppedAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken) =>
        RunBoundedAsync(
            async token =>
            {
                await stream.WriteAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
                return true;
            },
            Abort,
            Timeout,
            cancellationToken);

    /// <summary>Says QUIT and waits briefly for the answer; a server that misbehaves here changes no verdict.</summary>
    /// <remarks>
    /// At most a second for sending and reading together (the connection's step deadline armed shorter). A failure is
    /// ignored (a server that drops the line on QUIT is common and harmless), except the caller's cancellation.
    /// </remarks>
    public Task QuitAsync(CancellationToken cancellationToken)
    {
        Log("C: QUIT");
        return ExchangeAsync(QuitCommand, cancellationToken, exact: false, TimeSpan.FromMilliseconds(Math.Min(1000, Timeout.TotalMilliseconds)), readIsNewStep: false, quit: true);
    }

    private static readonly byte[] QuitCommand = Encoding.ASCII.GetBytes("QUIT\r\n");

    /// <summary>
    /// Sends <paramref name="command"/> (when given) and reads the reply within <paramref name="timeout"/>, each a step
    /// of its own when <paramref name="readIsNewStep"/> (else both together), in one async method: these are the steps
    /// every check takes a dozen times. With <paramref name="quit"/>, any failure but the caller's cancellation gives null.
    /// </summary>
    private async Task<SmtpReply?> ExchangeAsync(byte[]? command, CancellationToken cancellationToken, bool exact, TimeSpan timeout, bool readIsNewStep, bool quit)
    {
        try
        {
            if (!TryBeginStep(cancellationToken, timeout))
            {
                return await ExchangeUnsteppedAsync(command, cancellationToken, exact, timeout, readIsNewStep).ConfigureAwait(false);
            }

            try
            {
                using (RegisterCaller(cancellationToken))
                {
                    try
                    {
                        if (command is not null)
                        {
                            await WriteStepAsync(Stream, command, cancellationToken).ConfigureAwait(false);
                            if (readIsNewStep)
                            {
                                // The read is a step of its own: its deadline starts now.
                                _stepDeadline!.CancelAfter(timeout);
                            }
                        }

                        AcknowledgeImmediately();
                        return await Reader.ReadReplyAsync(exact, _logReceived, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (StepAborted(ex, cancellationToken))
                    {
                        throw StepTimedOut(ex, cancellationToken, timeout);
                    }
                }
            }
            finally
            {
                EndStep();
            }
        }
        catch (Exception ex) when (quit && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// <see cref="ExchangeAsync"/> for overlapping steps, or on a connection whose deadline has passed: the general path,
    /// a deadline per step. Apart so that the lambdas' captures cost the usual path nothing.
    /// </summary>
    private async Task<SmtpReply> ExchangeUnsteppedAsync(byte[]? command, CancellationToken cancellationToken, bool exact, TimeSpan timeout, bool readIsNewStep)
    {
        var stream = Stream;
        if (command is not null && readIsNewStep)
        {
            await RunBoundedAsync(
                async token =>
                {
                    await stream.WriteAsync(command, 0, command.Length, token).ConfigureAwait(false);
                    return true;
                },
                Abort,
                timeout,
                cancellationToken).ConfigureAwait(false);
            command = null;
        }

        var reader = Reader;
        return await RunBoundedAsync(
            async token =>
            {
                if (command is not null)
                {
                    await stream.WriteAsync(command, 0, command.Length, token).ConfigureAwait(false);
                }

                AcknowledgeImmediately();
                return await reader.ReadReplyAsync(exact, _logReceived, token).ConfigureAwait(false);
            },
            Abort,
            timeout,
            cancellationToken).ConfigureAwait(false);
    }

#if NET8_0_OR_GREATER
    private static ValueTask WriteStepAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken) =>
        stream.WriteAsync(new ReadOnlyMemory<byte>(bytes), cancellationToken);
#else
    private static Task WriteStepAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken) =>
        stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken);
#endif

    /// <summary>Waits until data has arrived and copies it into <paramref name="buffer"/> without taking it from the socket.</summary>
#if NET8_0_OR_GREATER
    private ValueTask<int> Peek(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(new Memory<byte>(buffer, offset, count), SocketFlags.Peek, cancellationToken);
#else
    private Task<int> Peek(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        // No token here: the step's deadline closes the socket, which ends the receive.
        cancellationToken.ThrowIfCancellationRequested();
        return _socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.Peek);
    }
#endif

    /// <summary>
    /// Takes and drops what the server has already sent beyond the last reply (used after "220 Ready to
    /// start TLS", where nothing may follow before the handshake); returns how many bytes and an escaped excerpt.
    /// </summary>
    public int DiscardPending(out string excerpt)
    {
        excerpt = string.Empty;
        var taken = 0;
        byte[]? buffer = null;
        try
        {
            // At most 64 KiB: what is left after that is the TLS layer's problem (it fails the handshake).
            while (taken < SmtpReadLimits.MaxReplyBytes && _socket.Available > 0)
            {
                // The buffer only when something is there: almost every server sends nothing here.
                buffer ??= new byte[4096];
                var read = _socket.Receive(buffer, 0, Math.Min(buffer.Length, _socket.Available), SocketFlags.None);
                if (read <= 0)
                {
                    break;
                }

                if (taken == 0)
                {
                    excerpt = SmtpReplyReader.Printable(SmtpTls.Diagnostics.VisibleText.Escape(Encoding.UTF8.GetString(buffer, 0, Math.Min(read, 80)))!, 80);
                }

                taken += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The handshake that follows reports a broken connection.
        }

        return taken;
    }

    /// <summary>Continues the dialogue over <paramref name="stream"/> (the TLS layer), which owns the socket from now on.</summary>
    public void UseStream(Stream stream)
    {
        Stream = stream ?? throw new ArgumentNullException(nameof(stream));

        // The plaintext reader has nothing left over at this point (the reply to STARTTLS is read exactly, and an
        // implicit-TLS connection read nothing): its buffer serves the TLS reader.
        Reader = Reader.Buffered == 0 ? new SmtpReplyReader(stream, buffer: Reader.TakeBuffer()) : new SmtpReplyReader(stream);
    }

    /// <summary>Adds a line to the transcript, if anyone reads it.</summary>
    public void Log(string line) => _transcript?.Invoke(line);

    /// <summary>
    /// Asks the kernel to acknowledge what arrives next at once instead of delaying the ACK (Linux
    /// TCP_QUICKACK). Where the server uses Nagle and sends two small writes in a row, a delayed
    /// ACK of the first holds back the second for up to 40 ms. Does nothing where unsupported.
    /// </summary>
    public void AcknowledgeImmediately()
    {
#if NET8_0_OR_GREATER
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // IPPROTO_TCP = 6, TCP_QUICKACK = 12.
            _socket.SetRawSocketOption(6, 12, QuickAckOn);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            // Only a latency optimisation.
        }
#endif
    }

#if NET8_0_OR_GREATER
    private static readonly byte[] QuickAckOn = BitConverter.GetBytes(1);
#endif

    /// <summary>Closes the socket at once; pending reads and writes end with an exception.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stream.Dispose();
        }
    }

    /// <summary>Closes the stream and with it the socket.</summary>
    public void Dispose()
    {
        Abort();
        _stepDeadline?.Dispose();
    }

    /// <summary>
    /// Starts a step of this connection within <paramref name="timeout"/>, bounded as <see cref="RunBoundedAsync"/>
    /// bounds it but on the connection's one deadline: when it passes, the connection is aborted and the step ends in
    /// a <see cref="TimeoutException"/> (<see cref="StepAborted"/>, <see cref="StepTimedOut"/>); the caller's
    /// cancellation aborts it too (<see cref="RegisterCaller"/>) and ends it in an <see cref="OperationCanceledException"/>.
    /// Steps of one connection follow each other; false for one that would overlap another, or follow a step that
    /// ran out of time: it takes the general path. A step that started ends with <see cref="EndStep"/>.
    /// </summary>
    private bool TryBeginStep(CancellationToken cancellationToken, TimeSpan timeout)
    {
        var deadline = _stepDeadline;
        if (deadline is null)
        {
            deadline = new CancellationTokenSource();
            deadline.Token.Register(static state => ((SmtpConnection)state!).Abort(), this);
            _stepDeadline = deadline;
        }

        if (deadline.IsCancellationRequested || Interlocked.CompareExchange(ref _stepRunning, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            deadline.CancelAfter(timeout);
        }
        catch
        {
            Volatile.Write(ref _stepRunning, 0);
            throw;
        }

        return true;
    }

    /// <summary>The caller's cancellation aborts the connection while a step runs.</summary>
    private CancellationTokenRegistration RegisterCaller(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? cancellationToken.Register(static state => ((SmtpConnection)state!).Abort(), this) : default;

    /// <summary>As in RunBoundedAsync: what a step throws once the connection was aborted under it is the deadline's (or the caller's) doing.</summary>
    private bool StepAborted(Exception ex, CancellationToken cancellationToken) =>
        (_stepDeadline!.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        && (cancellationToken.IsCancellationRequested || ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException);

    /// <summary>The exception an aborted step ends in: the caller's cancellation, else a timeout.</summary>
    private static Exception StepTimedOut(Exception ex, CancellationToken cancellationToken, TimeSpan timeout)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new TimeoutException("No answer within " + timeout.TotalSeconds + " s.", ex);
    }

    /// <summary>Disarms the deadline (unless it has passed) after a step that <see cref="TryBeginStep"/> started.</summary>
    private void EndStep()
    {
        try
        {
            var deadline = _stepDeadline!;
            if (!deadline.IsCancellationRequested)
            {
                deadline.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile (the connection was closed while the step ended).
        }

        Volatile.Write(ref _stepRunning, 0);
    }

    /// <summary>
    /// Runs one network step with a deadline. Besides passing the token, the step's abort action
    /// closes the socket when the deadline passes, because not every async I/O of .NET Framework
    /// (netstandard2.0 build) observes a cancellation token.
    /// </summary>
    internal static async Task<T> RunBoundedAsync<T>(Func<CancellationToken, Task<T>> step, Action abort, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using (deadline.Token.Register(abort))
        {
            try
            {
                return await step(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (deadline.IsCancellationRequested
                && (cancellationToken.IsCancellationRequested || ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException))
            {
                // Whatever a step throws once abort has torn its connection down is the cancellation's
                // doing: MailKit, for one, can fail with a NullReferenceException after Dispose.
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException("No answer within " + timeout.TotalSeconds + " s.", ex);
            }
        }
    }
}
