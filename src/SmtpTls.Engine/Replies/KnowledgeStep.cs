using System;
using System.Collections.Generic;

namespace SmtpTls.Replies;

/// <summary>
/// A remediation step of the knowledge file: who, what (localized) and an optional command template, with
/// product-specific forms (<c>&lt;for server="Exim"&gt;</c>) that replace the product-neutral text and command
/// when the resolution names that server software.
/// </summary>
internal sealed class KnowledgeStep
{
    private readonly IReadOnlyList<StepVariant> _variants;

    /// <summary>One remediation step of the knowledge files.</summary>
    /// <param name="id">The step's id, which rules name in their <c>steps</c>.</param>
    /// <param name="audience">Who takes the step (sender, administrator, developer).</param>
    /// <param name="command">A command for the step, with {server}/{port} placeholders, or empty.</param>
    /// <param name="text">The step in English and German.</param>
    /// <param name="variants">Product-specific forms, chosen by the detected server software; null: none.</param>
    public KnowledgeStep(string id, SmtpRemediationAudience audience, string command, KnowledgeText text, IReadOnlyList<StepVariant>? variants = null)
    {
        Id = id;
        Audience = audience;
        Command = command;
        Text = text;
        _variants = variants ?? Array.Empty<StepVariant>();
    }

    /// <summary>The step's identifier, e.g. <c>Admin.CheckCertificateAndKey</c>.</summary>
    public string Id { get; }

    /// <summary>Who can carry it out.</summary>
    public SmtpRemediationAudience Audience { get; }

    /// <summary>A command template with placeholders <c>{server}</c> and <c>{port:default}</c>, or empty.</summary>
    public string Command { get; }

    /// <summary>The product-neutral action text.</summary>
    public KnowledgeText Text { get; }

    /// <summary>The product-specific forms, in file order.</summary>
    public IReadOnlyList<StepVariant> Variants => _variants;

    /// <summary>The form for <paramref name="serverSoftware"/>: its own variant when there is one, else the neutral step.</summary>
    public (string Command, KnowledgeText Text) For(string? serverSoftware)
    {
        if (!string.IsNullOrEmpty(serverSoftware))
        {
            foreach (var variant in _variants)
            {
                foreach (var server in variant.Servers)
                {
                    if (string.Equals(server, serverSoftware, StringComparison.OrdinalIgnoreCase))
                    {
                        return (variant.Command, variant.Text);
                    }
                }
            }
        }

        return (Command, Text);
    }
}
