using System.Runtime.InteropServices;

namespace SmtpTls.HostileServer;

/// <summary>Entry point: parses the command line, arms every way to stop, runs the listeners.</summary>
internal static class Program
{
    /// <summary>Runs the hostile server until a signal, the stop-file, stdin end of file or the lifetime cap.</summary>
    /// <param name="args">See <see cref="ServerOptions.Usage"/>.</param>
    /// <returns>0 after a normal stop, 2 for a command-line error, 1 when the listeners could not start.</returns>
    public static async Task<int> Main(string[] args)
    {
        ServerOptions options;
        try
        {
            options = ServerOptions.Parse(args, Behaviours.All.Keys.ToList());
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(ServerOptions.Usage);
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(ServerOptions.Usage);
            Console.WriteLine($"Behaviours: {string.Join(", ", Behaviours.All.Keys)}");
            return 0;
        }

        using var stop = new CancellationTokenSource();
        string? stopReason = null;
        void Stop(string reason)
        {
            Interlocked.CompareExchange(ref stopReason, reason, null);
            stop.Cancel();
        }

        // The lifetime cap is what guarantees the server cannot outlive a test run that forgot to stop it.
        stop.CancelAfter(options.MaxLifetime);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle);
        void Handle(PosixSignalContext context)
        {
            // Cancel the default termination so that listeners and connections close in order.
            context.Cancel = true;
            Stop(context.Signal.ToString());
        }
        if (options.StopFile is { } stopFile)
        {
            _ = WatchStopFileAsync(stopFile, () => Stop($"{stopFile} exists"), stop.Token);
        }
        if (options.ExitOnStdinEof)
        {
            // A blocking read on a dedicated thread: stdin cannot be read with cancellation.
            new Thread(() =>
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
                Stop("end of file on standard input");
            }) { IsBackground = true, Name = "stdin watch" }.Start();
        }

        try
        {
            await new HostileServerHost(options, Console.Out).RunAsync(stop.Token);
            Console.Out.WriteLine($"stopped: {stopReason ?? $"lifetime of {options.MaxLifetime.TotalSeconds} s reached"}");
            return 0;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"cannot start: {e.Message}");
            return 1;
        }
    }

    private static async Task WatchStopFileAsync(string path, Action stop, CancellationToken cancellationToken)
    {
        try
        {
            while (!File.Exists(path))
            {
                await Task.Delay(100, cancellationToken);
            }
            stop();
        }
        catch (OperationCanceledException)
        {
            // Stopped for another reason first.
        }
    }
}
