using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelpCompiler;

/// <summary>A flat YAML mapping of scalars (front matter, PlatyPS parameter blocks), keys with their lines.</summary>
public static class YamlMap
{
    public readonly record struct Key(string Name, int Line)
    {
        public override string ToString() => Name;
    }

    /// <summary>Parses <paramref name="yaml"/>; <paramref name="firstLine"/> is the file line of the opening fence.</summary>
    public static IReadOnlyList<(Key Key, string Value)> Parse(string yaml, string file, int firstLine)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new HelpSourceException(file, firstLine + (int)ex.Start.Line, $"bad YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet gives up this way (without a position) on a flow collection that never closes.
            var lines = yaml.Split('\n');
            var open = Array.FindIndex(lines, l => l.Contains(": [", StringComparison.Ordinal) || l.Contains(": {", StringComparison.Ordinal));
            throw new HelpSourceException(file, firstLine + 1 + Math.Max(open, 0), "bad YAML: a '[' or '{' that is never closed (quote values that start with them).");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new HelpSourceException(file, firstLine + 1, "bad YAML: expected 'Key: value' lines.");
        }

        var result = new List<(Key, string)>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var line = firstLine + (int)keyNode.Start.Line;
            if (keyNode is not YamlScalarNode { Value: { } key } || valueNode is not YamlScalarNode value)
            {
                throw new HelpSourceException(file, line, "bad YAML: every entry must be a single 'Key: value' line.");
            }

            result.Add((new Key(key, line), value.Value ?? string.Empty));
        }

        return result;
    }
}
