using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>
/// How sure the resolver is about its <see cref="SmtpErrorResolution.Category"/>.
/// </summary>
/// <remarks>
/// High: a knowledge rule matched the reply text or a specific enhanced status code of a known
/// server or standard. Medium: only the codes matched (e.g. a 454 with an unknown text), or a
/// client-side text without codes. Low: nothing specific matched; the category is a guess from
/// the reply class or the input is not an SMTP reply at all. The numeric values order them.
/// </remarks>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpResolutionConfidence
{
    /// <summary>Nothing specific matched.</summary>
    Low = 1,

    /// <summary>The codes or a generic text matched.</summary>
    Medium = 2,

    /// <summary>A specific known reply or log text matched.</summary>
    High = 3,
}
