using System.Diagnostics;
using System.Text;

namespace HelpCompiler;

/// <summary>
/// Command line: <c>HelpCompiler --source &lt;folder&gt; --output &lt;folder&gt; --assembly SmtpTls.dll</c>.
/// Every <c>about_*.md</c> in the source folder becomes <c>about_*.help.txt</c>; every other
/// <c>*.md</c> is a cmdlet and goes into <c>&lt;assembly&gt;-Help.xml</c>. Exit code 0 on success,
/// 1 on malformed input (each problem printed as <c>file:line: error: message</c>), 2 on bad usage.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var options = ParseArguments(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: HelpCompiler --source <markdown folder> --output <folder> --assembly <Name.dll>");
            return 2;
        }

        var (sourceFolder, outputFolder, assembly) = options.Value;
        if (!Directory.Exists(sourceFolder))
        {
            Console.Error.WriteLine($"{sourceFolder}: error: the source folder does not exist.");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var helpFile = assembly + "-Help.xml";
        var commands = new List<CommandHelp>();
        var abouts = new List<(string Name, string Text)>();
        var errors = new List<HelpSourceException>();
        var warnings = new List<HelpSourceException>();
        foreach (var path in Directory.EnumerateFiles(sourceFolder, "*.md").Order(StringComparer.Ordinal))
        {
            try
            {
                var source = MarkdownSource.Load(path);
                var name = Path.GetFileNameWithoutExtension(path);
                if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                {
                    abouts.Add((name, AboutTopicWriter.Render(source)));
                }
                else
                {
                    var reader = new CommandHelpReader(source, helpFile);
                    commands.Add(reader.Read());
                    warnings.AddRange(reader.Warnings);
                }
            }
            catch (HelpSourceException ex)
            {
                errors.Add(ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                errors.Add(new HelpSourceException(path, 1, $"cannot read the file: {ex.Message}"));
            }
        }

        foreach (var warning in warnings.OrderBy(w => w.File, StringComparer.Ordinal).ThenBy(w => w.Line))
        {
            Console.Error.WriteLine(warning.ToString().Replace(": error: ", ": warning: ", StringComparison.Ordinal));
        }

        if (errors.Count > 0)
        {
            errors.ForEach(e => Console.Error.WriteLine(e));
            Console.Error.WriteLine($"HelpCompiler: {errors.Count} error(s) in {sourceFolder}; no help written.");
            return 1;
        }

        Directory.CreateDirectory(outputFolder);
        if (commands.Count > 0)
        {
            MamlWriter.Write(Path.Combine(outputFolder, helpFile), commands);
        }

        foreach (var (name, text) in abouts)
        {
            File.WriteAllText(Path.Combine(outputFolder, name + ".help.txt"), text, new UTF8Encoding(true));
        }

        Console.WriteLine($"HelpCompiler: {commands.Count} cmdlet(s), {abouts.Count} about topic(s) from {sourceFolder} to {outputFolder} in {clock.ElapsedMilliseconds} ms.");
        return 0;
    }

    private static (string Source, string Output, string Assembly)? ParseArguments(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || !values.TryGetValue("source", out var source) || !values.TryGetValue("output", out var output))
        {
            return null;
        }

        return (source, output, values.GetValueOrDefault("assembly", "SmtpTls.dll"));
    }
}
