using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace HelpCompiler;

/// <summary>Plain-text views of whole blocks: verbatim lines of code and YAML, paragraphs of prose.</summary>
public static class BlockText
{
    /// <summary>The raw lines of a leaf block (fenced code, YAML front matter), joined with '\n'.</summary>
    public static string Lines(LeafBlock block) =>
        string.Join('\n', block.Lines.Lines.Take(block.Lines.Count).Select(l => l.ToString())).TrimEnd();

    /// <summary>
    /// The paragraphs of a run of blocks as MAML paragraphs: prose unwrapped to one line, list
    /// items as "- item", code verbatim with its line breaks.
    /// </summary>
    public static IReadOnlyList<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var result = new List<string>();
        foreach (var block in blocks)
        {
            AddParagraphs(result, block, indent: string.Empty);
        }

        return result;
    }

    private static void AddParagraphs(List<string> result, Block block, string indent)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                result.Add(indent + InlineText.Render(paragraph.Inline));
                break;
            case HeadingBlock heading:
                result.Add(indent + InlineText.Render(heading.Inline));
                break;
            case CodeBlock code:
                // Get-Help trims the start of a paragraph but keeps the lines after it as written.
                result.Add(string.Join('\n', Lines(code).Split('\n').Select(l => indent + l)));
                break;
            case ListBlock list:
                // One paragraph per list: Get-Help separates paragraphs by blank lines, a list reads better without.
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                var lines = new List<string>();
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    var hang = new string(' ', bullet.Length);
                    var inner = new List<string>();
                    foreach (var child in item)
                    {
                        AddParagraphs(inner, child, string.Empty);
                    }

                    var itemText = string.Join("\n", inner).Replace("\n", "\n" + indent + hang, StringComparison.Ordinal);
                    lines.Add(indent + bullet + itemText);
                }

                result.Add(string.Join("\n", lines));
                break;
            case Table table:
                foreach (var row in table.OfType<TableRow>())
                {
                    result.Add(indent + string.Join(" | ", row.OfType<TableCell>().Select(c => string.Join(" ", Paragraphs(c)))));
                }

                break;
            case QuoteBlock quote:
                foreach (var child in quote)
                {
                    AddParagraphs(result, child, indent);
                }

                break;
            case ThematicBreakBlock or LinkReferenceDefinitionGroup:
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AddParagraphs(result, child, indent);
                }

                break;
        }
    }
}
