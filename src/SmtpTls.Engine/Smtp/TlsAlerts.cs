namespace SmtpTls.Smtp;

/// <summary>Names of TLS alert descriptions (RFC 8446, 6), for readable scan details.</summary>
internal static class TlsAlerts
{
    /// <summary>The RFC name of a TLS alert description (<c>handshake_failure</c>), or its number.</summary>
    public static string Name(byte description) => description switch
    {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        120 => "no_application_protocol",
        _ => "alert",
    };
}
