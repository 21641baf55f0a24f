using System;

namespace SmtpTls;

/// <summary>
/// The MTA-STS TXT record of a domain (<c>_mta-sts.&lt;domain&gt;</c>, RFC 8461 section 3.1), parsed:
/// <c>v=STSv1; id=&lt;1-32 letters and digits&gt;;</c> plus optional extension fields.
/// </summary>
public sealed class SmtpMtaStsRecord
{
    /// <summary>The record text as published (the TXT strings joined).</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>The version, <c>STSv1</c> when the record is one; null otherwise.</summary>
    public string? Version { get; set; }

    /// <summary>The policy instance id (<c>id=</c>); senders fetch the policy again when it changes. Null when missing.</summary>
    public string? Id { get; set; }

    /// <summary>Extension fields as <c>name=value</c>, in record order; senders ignore them.</summary>
    public string[] Extensions { get; set; } = Array.Empty<string>();

    /// <summary>What is wrong with the record, one localized sentence per problem; empty when it is valid.</summary>
    public string[] Errors { get; set; } = Array.Empty<string>();

    /// <summary>Whether the record follows the grammar of RFC 8461 section 3.1 and carries an id.</summary>
    public bool IsValid => Errors.Length == 0;

    /// <inheritdoc />
    public override string ToString() => Text;
}
