using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace HelpCompiler;

/// <summary>
/// One markdown file parsed into Markdig's syntax tree, with its YAML front matter (if any) as a
/// key/value table. Everything that reads help sources starts here.
/// </summary>
public sealed class MarkdownSource
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .Build();

    private MarkdownSource(string path, MarkdownDocument document, IReadOnlyDictionary<string, string> frontMatter, int frontMatterLine)
    {
        Path = path;
        Document = document;
        FrontMatter = frontMatter;
        FrontMatterLine = frontMatterLine;
    }

    /// <summary>The file name as given on the command line, used in error messages.</summary>
    public string Path { get; }

    public MarkdownDocument Document { get; }

    /// <summary>Front matter keys (case-insensitive) and their scalar values; empty when there is none.</summary>
    public IReadOnlyDictionary<string, string> FrontMatter { get; }

    /// <summary>1-based line of the opening <c>---</c>, or 0 without front matter.</summary>
    public int FrontMatterLine { get; }

    public static MarkdownSource Load(string path)
    {
        var text = File.ReadAllText(path);
        var document = Markdown.Parse(text, Pipeline);
        var frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var frontMatterLine = 0;
        if (document.Descendants<YamlFrontMatterBlock>().FirstOrDefault() is { } yaml)
        {
            frontMatterLine = yaml.Line + 1;
            // Markdig keeps only the lines between the fences: line 1 of this text is file line frontMatterLine + 1.
            var body = BlockText.Lines(yaml);
            foreach (var (key, value) in YamlMap.Parse(body, path, frontMatterLine))
            {
                frontMatter[key.Name] = value;
            }

            document.Remove(yaml);
        }

        return new MarkdownSource(path, document, frontMatter, frontMatterLine);
    }

    /// <summary>1-based line number of a block, for error messages.</summary>
    public static int LineOf(Block block) => block.Line + 1;

    public HelpSourceException Error(Block? block, string message) => new(Path, block is null ? 1 : LineOf(block), message);
}
