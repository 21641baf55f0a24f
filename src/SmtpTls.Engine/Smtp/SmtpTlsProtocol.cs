using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>The SSL/TLS protocol versions the module names, oldest first.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpTlsProtocol
{
    /// <summary>SSL 3.0 (broken; RFC 7568).</summary>
    Ssl3 = 0,

    /// <summary>TLS 1.0 (deprecated; RFC 8996).</summary>
    Tls10 = 1,

    /// <summary>TLS 1.1 (deprecated; RFC 8996).</summary>
    Tls11 = 2,

    /// <summary>TLS 1.2.</summary>
    Tls12 = 3,

    /// <summary>TLS 1.3.</summary>
    Tls13 = 4,
}
