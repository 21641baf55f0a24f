using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>The <c>mode</c> of an MTA-STS policy (RFC 8461 section 5).</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpMtaStsMode
{
    /// <summary><c>none</c>: the domain withdraws its policy; senders treat it as having none.</summary>
    None = 0,

    /// <summary><c>testing</c>: senders check and report failures (TLS-RPT) but still deliver.</summary>
    Testing = 1,

    /// <summary><c>enforce</c>: senders deliver only over TLS to a listed MX host with a valid certificate.</summary>
    Enforce = 2,
}
