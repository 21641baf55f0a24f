using System.Globalization;
using System.Net;

namespace SmtpTls.HostileServer;

/// <summary>The command line of the hostile server, parsed and checked.</summary>
internal sealed class ServerOptions
{
    /// <summary>The usage text printed for <c>--help</c> and after a command-line error.</summary>
    public const string Usage = """
        Usage: SmtpTls.HostileServer [options]
          --address IP            loopback address to listen on (default 127.0.0.1)
          --port NAME=PORT        fixed port for one behaviour (repeatable; default: a free port)
          --behaviour NAME        run only this behaviour (repeatable; default: all)
          --ready-file PATH       write {"ProcessId":..,"Behaviours":{NAME:{"Address","Port"}}} here once listening
          --stop-file PATH        stop as soon as this file exists
          --max-seconds N         stop after N seconds whatever happens (default 3600)
          --connection-seconds N  close every connection after at most N seconds (default 120)
          --exit-on-stdin-eof     stop when standard input reaches end of file
        SIGTERM, SIGINT and SIGHUP stop the server too.
        """;

    /// <summary>The loopback address every behaviour listens on.</summary>
    public IPAddress Address { get; private set; } = IPAddress.Loopback;

    /// <summary>Fixed ports by behaviour name; behaviours not listed get a free port.</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>The behaviours to run, in the order they were given; empty means all.</summary>
    public List<string> Behaviours { get; } = [];

    /// <summary>Where the JSON ready-file is written, or null for none.</summary>
    public string? ReadyFile { get; private set; }

    /// <summary>A file whose appearance stops the server, or null for none.</summary>
    public string? StopFile { get; private set; }

    /// <summary>The lifetime cap of the whole process.</summary>
    public TimeSpan MaxLifetime { get; private set; } = TimeSpan.FromSeconds(3600);

    /// <summary>The lifetime cap of a single connection.</summary>
    public TimeSpan ConnectionLifetime { get; private set; } = TimeSpan.FromSeconds(120);

    /// <summary>Whether end of file on standard input stops the server.</summary>
    public bool ExitOnStdinEof { get; private set; }

    /// <summary>Whether <c>--help</c> was given.</summary>
    public bool ShowHelp { get; private set; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments as given to <c>Main</c>.</param>
    /// <param name="knownBehaviours">The behaviour names that <c>--port</c> and <c>--behaviour</c> may use.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value or has an invalid one.</exception>
    public static ServerOptions Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> knownBehaviours)
    {
        var options = new ServerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--address":
                    var address = IPAddress.Parse(Value());
                    // The test bed may only use loopback addresses; refusing others keeps a typo from exposing it.
                    if (!IPAddress.IsLoopback(address))
                    {
                        throw new ArgumentException($"--address must be a loopback address, not {address}.");
                    }
                    options.Address = address;
                    break;
                case "--port":
                    var pair = Value().Split('=', 2);
                    if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        throw new ArgumentException($"--port expects NAME=PORT, not '{string.Join('=', pair)}'.");
                    }
                    options.Ports[RequireKnown(pair[0], knownBehaviours)] = port;
                    break;
                case "--behaviour":
                    options.Behaviours.Add(RequireKnown(Value(), knownBehaviours));
                    break;
                case "--ready-file":
                    options.ReadyFile = Path.GetFullPath(Value());
                    break;
                case "--stop-file":
                    options.StopFile = Path.GetFullPath(Value());
                    break;
                case "--max-seconds":
                    options.MaxLifetime = TimeSpan.FromSeconds(PositiveSeconds(name, Value()));
                    break;
                case "--connection-seconds":
                    options.ConnectionLifetime = TimeSpan.FromSeconds(PositiveSeconds(name, Value()));
                    break;
                case "--exit-on-stdin-eof":
                    options.ExitOnStdinEof = true;
                    break;
                case "--help":
                case "-h":
                    options.ShowHelp = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }
        return options;
    }

    private static string RequireKnown(string behaviour, IReadOnlyCollection<string> knownBehaviours) =>
        knownBehaviours.Contains(behaviour)
            ? behaviour
            : throw new ArgumentException($"Unknown behaviour '{behaviour}'; known: {string.Join(", ", knownBehaviours)}.");

    private static int PositiveSeconds(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : throw new ArgumentException($"{option} expects a positive number of seconds, not '{text}'.");
}
