using System;
using System.Collections.Generic;

namespace SmtpTls.Smtp;

/// <summary>One complete SMTP reply: a three-digit code and its text lines (RFC 5321, 4.2).</summary>
internal sealed class SmtpReply
{
    /// <summary>A reply as read.</summary>
    /// <param name="code">The reply code.</param>
    /// <param name="lines">The lines as the server sent them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lines"/> is null.</exception>
    public SmtpReply(int code, IReadOnlyList<string> lines)
    {
        Code = code;
        Lines = lines ?? throw new ArgumentNullException(nameof(lines));
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The raw lines including code and separator, as the server sent them.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>2yz or 3yz: the command was accepted (or more input is wanted).</summary>
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>The lines joined with CRLF, the form users paste into searches and into Resolve-SmtpError.</summary>
    /// <remarks>A one-line reply (most of them) is returned as is: no join over the interface on every command of every check.</remarks>
    public string Text => Lines.Count == 1 ? Lines[0] : string.Join("\r\n", Lines);
}
