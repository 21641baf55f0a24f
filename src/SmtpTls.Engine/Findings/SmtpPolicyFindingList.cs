using System.Collections.Generic;

namespace SmtpTls;

/// <summary>The findings of a domain's policy check; as one text each reads <c>Id(Severity)</c>.</summary>
[System.Serializable]
public sealed class SmtpPolicyFindingList : ReadableList<SmtpPolicyFinding>
{
    /// <summary>Creates a list holding a copy of <paramref name="findings"/>.</summary>
    /// <param name="findings">The findings, worst first; null gives an empty list.</param>
    public SmtpPolicyFindingList(IEnumerable<SmtpPolicyFinding>? findings)
        : base(findings)
    {
    }

    /// <summary>An empty list.</summary>
    public SmtpPolicyFindingList()
        : base(null)
    {
    }

    /// <summary>Copies an array into a finding list.</summary>
    /// <param name="findings">The findings; null gives an empty list.</param>
    public static implicit operator SmtpPolicyFindingList(SmtpPolicyFinding[]? findings) => new(findings);

    /// <inheritdoc />
    protected override string Describe(SmtpPolicyFinding item) => item.Id + "(" + item.Severity + ")";
}
