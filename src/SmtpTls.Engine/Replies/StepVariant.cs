using System.Collections.Generic;

namespace SmtpTls.Replies;

/// <summary>A product-specific form of a <see cref="KnowledgeStep"/>: <c>&lt;for server="Postfix|…" command="…"&gt;&lt;en/&gt;&lt;de/&gt;&lt;/for&gt;</c>.</summary>
internal sealed class StepVariant
{
    /// <summary>One product form of a step.</summary>
    /// <param name="servers">The server software names it applies to.</param>
    /// <param name="command">The product's own command, or empty.</param>
    /// <param name="text">The step in that product's terms, in English and German.</param>
    public StepVariant(IReadOnlyList<string> servers, string command, KnowledgeText text)
    {
        Servers = servers;
        Command = command;
        Text = text;
    }

    /// <summary>The <see cref="SmtpErrorResolution.ServerSoftware"/> names this form is for.</summary>
    public IReadOnlyList<string> Servers { get; }

    /// <summary>The product's own command (placeholders as in the neutral step), or empty.</summary>
    public string Command { get; }

    /// <summary>The product's own action text.</summary>
    public KnowledgeText Text { get; }
}
