using System;

namespace SmtpTls;

/// <summary>
/// An MTA-STS policy file (<c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c>, RFC 8461
/// section 3.2), parsed: version, mode, MX patterns and max_age, with every syntax problem by line.
/// </summary>
public sealed class SmtpMtaStsPolicy
{
    /// <summary>The highest <c>max_age</c> RFC 8461 allows: 31557600 seconds (one year).</summary>
    public const long MaxAllowedAge = 31557600;

    /// <summary>The policy text as fetched.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>The <c>version</c> field (<c>STSv1</c>); null when missing.</summary>
    public string? Version { get; set; }

    /// <summary>The <c>mode</c> field as written (<c>enforce</c>, <c>testing</c>, <c>none</c>); null when missing.</summary>
    public string? Mode { get; set; }

    /// <summary>The mode as a value; null when the field is missing or not one of the three.</summary>
    public SmtpMtaStsMode? ModeValue { get; set; }

    /// <summary>The <c>max_age</c> field in seconds; null when missing or not a number.</summary>
    public long? MaxAge { get; set; }

    /// <summary>The <c>mx</c> patterns in policy order (<c>mail.example.net</c>, <c>*.example.net</c>), including malformed ones.</summary>
    public string[] Mx { get; set; } = Array.Empty<string>();

    /// <summary>Extension fields as <c>name: value</c>; senders ignore them.</summary>
    public string[] Extensions { get; set; } = Array.Empty<string>();

    /// <summary>Every syntax problem, by line (line 0: the policy as a whole); empty when the policy is valid.</summary>
    public SmtpMtaStsPolicyError[] Errors { get; set; } = Array.Empty<SmtpMtaStsPolicyError>();

    /// <summary>Whether the policy follows RFC 8461 section 3.2 and has every required field.</summary>
    public bool IsValid => Errors.Length == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Version} {Mode} mx={string.Join(",", Mx)} max_age={MaxAge}";
}
