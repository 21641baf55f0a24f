using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>How much a finding weighs in the verdict.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpTlsFindingSeverity
{
    /// <summary>Worth knowing; does not change the status.</summary>
    Info = 0,

    /// <summary>Works today but should be fixed; makes the status at least <see cref="SmtpTlsStatus.Warning"/>.</summary>
    Warning = 1,

    /// <summary>TLS is missing, broken or untrustworthy; makes the status <see cref="SmtpTlsStatus.Failed"/>.</summary>
    Error = 2,
}
