using Markdig.Syntax;

namespace HelpCompiler;

/// <summary>A heading and the blocks up to the next heading of the same or a higher level.</summary>
public sealed record Section(HeadingBlock Heading, string Title, IReadOnlyList<Block> Blocks)
{
    /// <summary>
    /// Cuts <paramref name="blocks"/> at headings of <paramref name="level"/>. Blocks before the
    /// first such heading are returned in <paramref name="preamble"/>.
    /// </summary>
    public static IReadOnlyList<Section> Split(IEnumerable<Block> blocks, int level, out IReadOnlyList<Block> preamble)
    {
        var sections = new List<Section>();
        var before = new List<Block>();
        HeadingBlock? heading = null;
        var current = new List<Block>();
        foreach (var block in blocks)
        {
            if (block is HeadingBlock h && h.Level <= level)
            {
                if (h.Level < level)
                {
                    // A higher-level heading ends the run; callers split by the higher level first.
                    break;
                }

                if (heading is not null)
                {
                    sections.Add(new Section(heading, InlineText.Render(heading.Inline), current));
                }

                heading = h;
                current = [];
            }
            else if (heading is null)
            {
                before.Add(block);
            }
            else
            {
                current.Add(block);
            }
        }

        if (heading is not null)
        {
            sections.Add(new Section(heading, InlineText.Render(heading.Inline), current));
        }

        preamble = before;
        return sections;
    }
}
