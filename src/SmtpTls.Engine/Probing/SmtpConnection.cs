using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Probing;

/// <summary>
/// One TCP connection to an SMTP server in plaintext: send a command, read a reply, each step
/// bounded by the timeout. A step that outlives it ends in <see cref="TimeoutException"/>; the
/// caller's cancellation ends in <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class SmtpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Action<string>? _transcript;
    private int _disposed;

    private SmtpConnection(Socket socket, TimeSpan timeout, Action<string>? transcript)
    {
        _socket = socket;
        Timeout = timeout;
        _transcript = transcript;
        Stream = new NetworkStream(socket, ownsSocket: true);
        Reader = new SmtpReplyReader(Stream);
    }

    /// <summary>The plaintext socket stream, or the TLS stream after <see cref="UseStream"/>.</summary>
    public Stream Stream { get; private set; }

    public SmtpReplyReader Reader { get; private set; }

    public TimeSpan Timeout { get; }

    public IPEndPoint? RemoteEndPoint => _socket.RemoteEndPoint as IPEndPoint;

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/> within the timeout.</summary>
    public static async Task<SmtpConnection> ConnectAsync(IPAddress address, int port, TimeSpan timeout, Action<string>? transcript, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await RunBoundedAsync(
                async token =>
                {
#if NET8_0_OR_GREATER
                    await socket.ConnectAsync(address, port, token).ConfigureAwait(false);
#else
                    await Task.Factory.FromAsync(socket.BeginConnect, socket.EndConnect, (EndPoint)new IPEndPoint(address, port), null).ConfigureAwait(false);
#endif
                    return true;
                },
                socket.Dispose,
                timeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SmtpConnection(socket, timeout, transcript);
    }

    /// <summary>Reads one reply within the timeout, writing each line to the transcript.</summary>
    public Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken, bool exact = false) =>
        RunBoundedAsync(token => Reader.ReadReplyAsync(exact, line => Log("S: " + SmtpReplyReader.Printable(line, 200)), token), Abort, Timeout, cancellationToken);

    /// <summary>Sends <paramref name="command"/> and reads the reply.</summary>
    public async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken, bool exact = false)
    {
        await SendAsync(command, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken, exact).ConfigureAwait(false);
    }

    /// <summary>Sends one command line.</summary>
    public Task SendAsync(string command, CancellationToken cancellationToken)
    {
        Log("C: " + command);
        var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
        return RunBoundedAsync(
            async token =>
            {
                await Stream.WriteAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
                return true;
            },
            Abort,
            Timeout,
            cancellationToken);
    }

    /// <summary>Sends raw bytes (a hand-built ClientHello) within the timeout.</summary>
    public Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
        RunBoundedAsync(
            async token =>
            {
                await Stream.WriteAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
                return true;
            },
            Abort,
            Timeout,
            cancellationToken);

    /// <summary>Says QUIT and waits briefly for the answer; a server that misbehaves here changes no verdict.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quick.CancelAfter(TimeSpan.FromMilliseconds(Math.Min(1000, Timeout.TotalMilliseconds)));
            await CommandAsync("QUIT", quick.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The verdict is made; a server that drops the line on QUIT is common and harmless.
        }
    }

    /// <summary>Continues the dialogue over <paramref name="stream"/> (the TLS layer), which owns the socket from now on.</summary>
    public void UseStream(Stream stream)
    {
        Stream = stream ?? throw new ArgumentNullException(nameof(stream));
        Reader = new SmtpReplyReader(stream);
    }

    public void Log(string line) => _transcript?.Invoke(line);

    /// <summary>Closes the socket at once; pending reads and writes end with an exception.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stream.Dispose();
        }
    }

    public void Dispose() => Abort();

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
            catch (Exception ex) when (deadline.IsCancellationRequested && ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException("No answer within " + timeout.TotalSeconds + " s.", ex);
            }
        }
    }
}
