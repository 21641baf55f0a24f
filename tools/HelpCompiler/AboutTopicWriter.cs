using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace HelpCompiler;

/// <summary>
/// Renders an <c>about_*.md</c> topic as the plain text Get-Help prints
/// (<c>about_*.help.txt</c>): the title on the first line, level-2 headings in capitals (SHORT
/// DESCRIPTION, LONG DESCRIPTION, ...), deeper headings as written, prose wrapped at 80 columns,
/// code indented by four spaces and never wrapped.
/// </summary>
public static class AboutTopicWriter
{
    public const int Width = 80;

    public static string Render(MarkdownSource source)
    {
        var expected = Path.GetFileNameWithoutExtension(source.Path);
        var topics = Section.Split(source.Document, 1, out var beforeTitle);
        if (topics.Count == 0)
        {
            throw source.Error(beforeTitle.FirstOrDefault(), $"missing '# {expected}' heading.");
        }

        if (!string.Equals(topics[0].Title, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw source.Error(topics[0].Heading, $"the title '# {topics[0].Title}' does not match the file name '{expected}.md'.");
        }

        if (topics.Count > 1)
        {
            throw source.Error(topics[1].Heading, $"a second level-1 heading '# {topics[1].Title}'; an about topic has one title.");
        }

        var sections = Section.Split(topics[0].Blocks, 2, out _);
        if (sections.Count < 2)
        {
            throw source.Error(topics[0].Heading, "an about topic needs at least a short and a long description ('## Short description', '## Long description').");
        }

        var text = new StringBuilder();
        text.Append(topics[0].Title).Append('\n');
        foreach (var block in topics[0].Blocks)
        {
            text.Append('\n');
            AppendBlock(text, block, indent: 0, Width);
        }

        return text.ToString().TrimEnd() + "\n";
    }

    private static void AppendBlock(StringBuilder text, Block block, int indent, int width)
    {
        var pad = new string(' ', indent);
        switch (block)
        {
            case HeadingBlock { Level: 2 } heading:
                text.Append(pad).Append(InlineText.Render(heading.Inline).ToUpperInvariant()).Append('\n');
                break;
            case HeadingBlock heading:
                text.Append(pad).Append(InlineText.Render(heading.Inline)).Append('\n');
                break;
            case ParagraphBlock paragraph:
                Wrap(text, InlineText.Render(paragraph.Inline), pad, pad, width);
                break;
            case CodeBlock code:
                foreach (var line in BlockText.Lines(code).Split('\n'))
                {
                    text.Append(pad).Append("    ").Append(line).Append('\n');
                }

                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    var inner = new StringBuilder();
                    var first = true;
                    foreach (var child in item)
                    {
                        if (!first)
                        {
                            inner.Append('\n');
                        }

                        AppendBlock(inner, child, 0, width - indent - bullet.Length);
                        first = false;
                    }

                    // Re-wrap the item with a hanging indent under the bullet.
                    var lines = inner.ToString().TrimEnd('\n').Split('\n');
                    var hang = pad + new string(' ', bullet.Length);
                    for (var i = 0; i < lines.Length; i++)
                    {
                        text.Append(i == 0 ? pad + bullet : lines[i].Length == 0 ? string.Empty : hang).Append(lines[i]).Append('\n');
                    }
                }

                break;
            case Table table:
                AppendTable(text, table, pad);
                break;
            case QuoteBlock quote:
                foreach (var child in quote)
                {
                    AppendBlock(text, child, indent + 4, width);
                }

                break;
            case ThematicBreakBlock or LinkReferenceDefinitionGroup:
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AppendBlock(text, child, indent, width);
                }

                break;
        }
    }

    private static void AppendTable(StringBuilder text, Table table, string pad)
    {
        var rows = table.OfType<TableRow>()
            .Select(r => r.OfType<TableCell>().Select(c => string.Join(" ", BlockText.Paragraphs(c))).ToArray())
            .ToList();
        var columns = rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = Enumerable.Range(0, columns).Select(i => (i < rows[r].Length ? rows[r][i] : string.Empty).PadRight(widths[i]));
            text.Append(pad).Append(string.Join("  ", cells).TrimEnd()).Append('\n');
            if (r == 0 && table.OfType<TableRow>().First().IsHeader)
            {
                text.Append(pad).Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
            }
        }
    }

    /// <summary>Greedy word wrap; hard line breaks in the source are kept, words longer than a line are not split.</summary>
    public static void Wrap(StringBuilder text, string paragraph, string firstIndent, string indent, int width = Width)
    {
        var lead = firstIndent;
        foreach (var sourceLine in paragraph.Split('\n'))
        {
            var line = new StringBuilder(lead);
            var empty = true;
            foreach (var word in sourceLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!empty && line.Length + 1 + word.Length > width)
                {
                    text.Append(line).Append('\n');
                    line.Clear().Append(indent);
                    empty = true;
                }

                if (!empty)
                {
                    line.Append(' ');
                }

                line.Append(word);
                empty = false;
            }

            text.Append(line).Append('\n');
            lead = indent;
        }
    }
}
