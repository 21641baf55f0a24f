using System;

namespace SmtpTls;

/// <summary>
/// One thing to do about an SMTP error, for one <see cref="Audience"/>. Plain properties only, so
/// the object survives ConvertTo-Json and Export-Clixml.
/// </summary>
[Serializable]
public sealed class SmtpRemediationStep
{
    /// <summary>A stable, language-independent identifier of the step (e.g. <c>Admin.CheckCertificateAndKey</c>), for scripts.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Who can carry out the step.</summary>
    public SmtpRemediationAudience Audience { get; set; }

    /// <summary>What to do, in the resolution's language.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>
    /// A concrete next command (e.g. <c>Test-SmtpTls -Server mx.example.net -Port 25</c>) or an
    /// empty string. Values the input did not give away are placeholders such as <c>&lt;server&gt;</c>.
    /// </summary>
    public string Command { get; set; } = string.Empty;

    /// <summary>Returns "Audience: Action".</summary>
    public override string ToString() => Audience + ": " + Action;
}
