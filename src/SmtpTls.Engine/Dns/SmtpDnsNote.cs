using System;

namespace SmtpTls;

/// <summary>
/// Something noteworthy about a domain's mail DNS that is not an outright failure, such as an MX
/// that points at a CNAME. <see cref="Id"/> is stable for scripts; <see cref="Message"/> is English.
/// </summary>
public sealed class SmtpDnsNote
{
    /// <summary>The MX target is an alias (CNAME); RFC 2181 section 10.3 and RFC 5321 section 5.1 say it must not be.</summary>
    public const string MxIsAlias = "MxIsAlias";

    /// <summary>A null MX (<c>.</c>) stands beside other MX records; RFC 7505 says a null MX must be the only one.</summary>
    public const string NullMxWithOtherRecords = "NullMxWithOtherRecords";

    /// <summary>A null MX has a preference other than 0 (RFC 7505 asks for 0).</summary>
    public const string NullMxNonZeroPreference = "NullMxNonZeroPreference";

    /// <summary>The MX target is written as an IP address, which MX records cannot carry (RFC 7505 section 3 / RFC 5321 section 5.1).</summary>
    public const string MxIsIpLiteral = "MxIsIpLiteral";

    /// <summary>The domain has no MX records and its own A/AAAA records stand in for them (RFC 5321 section 5.1).</summary>
    public const string ImplicitMx = "ImplicitMx";

    /// <summary>The same host appears in several MX records; it is tested once, at its best preference.</summary>
    public const string DuplicateMxHost = "DuplicateMxHost";

    /// <summary>Creates a note.</summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    public SmtpDnsNote(string id, string subject, string message)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("A note needs an id.", nameof(id));
        }

        Id = id;
        Subject = subject ?? string.Empty;
        Message = message ?? string.Empty;
    }

    /// <summary>A stable identifier, one of the constants of this class.</summary>
    public string Id { get; }

    /// <summary>The name the note is about (an MX host or the domain).</summary>
    public string Subject { get; }

    /// <summary>An English explanation.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Id + " (" + Subject + "): " + Message;
}
