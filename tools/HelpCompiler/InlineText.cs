using System.Text;
using Markdig.Syntax.Inlines;

namespace HelpCompiler;

/// <summary>
/// Turns markdown into the plain text Get-Help shows: emphasis markers dropped, code spans kept
/// in backticks (they mark commands and values in a console), absolute links as "text (url)".
/// </summary>
public static class InlineText
{
    public static string Render(ContainerInline? container)
    {
        if (container is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var child in container)
        {
            Append(text, child);
        }

        return text.ToString().Trim();
    }

    private static void Append(StringBuilder text, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append('`').Append(code.Content).Append('`');
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlInline html when html.Tag.StartsWith("<br", StringComparison.OrdinalIgnoreCase):
                text.Append('\n');
                break;
            case HtmlInline:
                break;
            case LinkInline { IsImage: false } link:
                var label = Render(link);
                text.Append(label);
                if (Uri.TryCreate(link.Url, UriKind.Absolute, out _) && label != link.Url)
                {
                    text.Append(" (").Append(link.Url).Append(')');
                }

                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    Append(text, child);
                }

                break;
        }
    }
}
