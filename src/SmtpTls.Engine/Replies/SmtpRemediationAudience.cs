using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>Who can carry out a remediation step.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpRemediationAudience
{
    /// <summary>The person or system sending the mail (user, mail client, sending script).</summary>
    Sender,

    /// <summary>The administrator of a mail server (the receiving one, or the sending MTA).</summary>
    Administrator,

    /// <summary>A developer of software that speaks SMTP (a mail client, an application, a library user).</summary>
    Developer,
}
