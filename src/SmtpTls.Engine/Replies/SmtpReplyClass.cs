using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace SmtpTls;

/// <summary>
/// The class of an SMTP reply: the first digit of the basic reply code (RFC 5321 §4.2.1), or,
/// when the input has no basic code, the class of the enhanced status code (RFC 3463 §3.1).
/// The numeric values are the digits.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum SmtpReplyClass
{
    /// <summary>No code was found in the input.</summary>
    Unknown = 0,

    /// <summary>1yz: positive preliminary reply (not used by SMTP servers today).</summary>
    PositivePreliminary = 1,

    /// <summary>2yz (enhanced 2.x.x): the command succeeded.</summary>
    PositiveCompletion = 2,

    /// <summary>3yz: the command is accepted, more input is needed (e.g. 354 after DATA, 334 during AUTH).</summary>
    PositiveIntermediate = 3,

    /// <summary>4yz (enhanced 4.x.x): a transient failure; the same command may succeed later.</summary>
    TransientNegative = 4,

    /// <summary>5yz (enhanced 5.x.x): a permanent failure; repeating the command unchanged will fail again.</summary>
    PermanentNegative = 5,
}
