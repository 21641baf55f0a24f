namespace SmtpTls.Smtp;

/// <summary>What kind of answer a ClientHello got.</summary>
internal enum TlsHelloAnswerKind
{
    /// <summary>More bytes are needed to decide.</summary>
    Incomplete,

    /// <summary>A ServerHello (or a TLS 1.3 HelloRetryRequest, which also commits to a version).</summary>
    ServerHello,

    /// <summary>A TLS alert: the server refused.</summary>
    Alert,

    /// <summary>The peer sent an SMTP reply: it is a plaintext SMTP port.</summary>
    Smtp,

    /// <summary>The peer answered like an HTTP server.</summary>
    Http,

    /// <summary>Anything else.</summary>
    NotTls,

    /// <summary>The peer closed the connection without an answer.</summary>
    Closed,
}

/// <summary>The decoded answer to a hand-built ClientHello.</summary>
internal sealed class TlsHelloAnswer
{
    /// <summary>What kind of answer came back.</summary>
    public TlsHelloAnswerKind Kind { get; set; }

    /// <summary>The version the server chose (from supported_versions when present).</summary>
    public int Version { get; set; }

    /// <summary>The suite the server chose (IANA code).</summary>
    public ushort CipherSuite { get; set; }

    /// <summary>Whether the ServerHello is a TLS 1.3 HelloRetryRequest (the server wants another key share).</summary>
    public bool IsHelloRetryRequest { get; set; }

    /// <summary>Length of the session id the server issued (0: no session-id resumption offered).</summary>
    public int SessionIdLength { get; set; }

    /// <summary>The compression method the server chose (0 = none, 1 = DEFLATE).</summary>
    public byte CompressionMethod { get; set; }

    /// <summary>The extension types of the ServerHello, in order.</summary>
    public System.Collections.Generic.List<ushort> Extensions { get; } = new();

    /// <summary>The key-exchange group named in the key_share extension (TLS 1.3), if any.</summary>
    public ushort? SelectedGroup { get; set; }

    /// <summary>The alert's level (1 warning, 2 fatal) when the answer is an alert.</summary>
    public byte AlertLevel { get; set; }

    /// <summary>The alert's description code (RFC 8446 §6) when the answer is an alert.</summary>
    public byte AlertDescription { get; set; }

    /// <summary>A printable excerpt of a non-TLS answer.</summary>
    public string? Text { get; set; }

    /// <summary>An answer of <paramref name="kind"/> with nothing decoded but <paramref name="text"/>.</summary>
    public static TlsHelloAnswer Of(TlsHelloAnswerKind kind, string? text = null) => new() { Kind = kind, Text = text };

    /// <summary>A short English description for the scan's Detail column (alert names are protocol terms, not prose).</summary>
    public string Describe() => Kind switch
    {
        TlsHelloAnswerKind.ServerHello => (IsHelloRetryRequest ? "HelloRetryRequest " : "ServerHello ") + TlsVersions.Describe(Version) + " " + TlsCipherSuites.Name(CipherSuite),
        TlsHelloAnswerKind.Alert => "alert " + TlsAlerts.Name(AlertDescription) + " (" + AlertDescription + ")",
        TlsHelloAnswerKind.Closed => "connection closed",
        _ => Kind + (Text is null ? string.Empty : ": " + Text),
    };
}
