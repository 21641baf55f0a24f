using System;

namespace SmtpTls;

/// <summary>The TLS-RPT TXT record of a domain (<c>_smtp._tls.&lt;domain&gt;</c>, RFC 8460 section 3), parsed.</summary>
public sealed class SmtpTlsRptRecord
{
    /// <summary>The record text as published (the TXT strings joined).</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>The version, <c>TLSRPTv1</c> when the record is one.</summary>
    public string? Version { get; set; }

    /// <summary>The report destinations of <c>rua=</c>: <c>mailto:</c> and <c>https:</c> URIs, in record order.</summary>
    public string[] Rua { get; set; } = Array.Empty<string>();

    /// <summary>Extension fields as <c>name=value</c>.</summary>
    public string[] Extensions { get; set; } = Array.Empty<string>();

    /// <summary>What is wrong with the record, one localized sentence per problem; empty when it is valid.</summary>
    public string[] Errors { get; set; } = Array.Empty<string>();

    /// <summary>Whether the record follows RFC 8460 section 3 and names at least one usable destination.</summary>
    public bool IsValid => Errors.Length == 0;

    /// <inheritdoc />
    public override string ToString() => Text;
}
