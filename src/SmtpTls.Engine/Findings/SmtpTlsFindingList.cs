using System.Collections.Generic;

namespace SmtpTls;

/// <summary>The findings of a TLS check; as one text (CSV) each reads <c>Id(Severity)</c>, e.g. <c>CertificateExpired(Error); TlsVersionOld(Warning)</c>.</summary>
[System.Serializable]
public sealed class SmtpTlsFindingList : ReadableList<SmtpTlsFinding>
{
    /// <summary>Creates a list holding a copy of <paramref name="findings"/>.</summary>
    /// <param name="findings">The findings, worst first; null gives an empty list.</param>
    public SmtpTlsFindingList(IEnumerable<SmtpTlsFinding>? findings)
        : base(findings)
    {
    }

    /// <summary>An empty list.</summary>
    public SmtpTlsFindingList()
        : base(null)
    {
    }

    /// <summary>Copies an array into a finding list.</summary>
    /// <param name="findings">The findings; null gives an empty list.</param>
    public static implicit operator SmtpTlsFindingList(SmtpTlsFinding[]? findings) => new(findings);

    /// <inheritdoc />
    protected override string Describe(SmtpTlsFinding item) => item.Id + "(" + item.Severity + ")";
}
