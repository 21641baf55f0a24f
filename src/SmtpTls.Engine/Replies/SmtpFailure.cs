using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTls.Replies;

/// <summary>
/// A failure the probe or the sender detected, as a typed value for the reply knowledge: the id its
/// finding or error carries (the name of a <see cref="SmtpTlsFindingId"/> or <see cref="Sending.SmtpSendErrorId"/> value),
/// refinements the knowledge may key a more specific rule by, and the server's raw reply where there is one.
/// The factories take the id as its enum value (<see cref="SmtpTlsFindingId"/>, <see cref="Sending.SmtpSendErrorId"/>), so a
/// misspelt id does not compile.
/// </summary>
/// <remarks>
/// Three kinds, told apart by how the knowledge reads them:
/// <list type="bullet">
/// <item><see cref="Known"/>: the engine knows what failed (no STARTTLS, wrong port type, a certificate
/// problem, a timeout). Resolved by its key (<c>failure="..."</c> on a rule), never through a sentence;
/// the reply only supplies codes and the server software.</item>
/// <item><see cref="Said"/>: the server's reply is the failure (a 421 greeting, a 454 to STARTTLS). What
/// it says decides the meaning (a rate limit, a product's wording), so it is read like a pasted reply.</item>
/// <item><see cref="Raised"/>: an exception of the platform (.NET, OpenSSL, MailKit) is all there is; its
/// messages are read like those of any other program.</item>
/// </list>
/// When the text of the last two kinds matches no rule at all, the rule keyed by the id explains it.
/// </remarks>
internal sealed class SmtpFailure
{
    private SmtpFailure(string id, string? reply, string? text, Exception? exception, IReadOnlyList<string> details, bool known)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("A failure needs its id.", nameof(id));
        }

        Id = id;
        Reply = reply;
        Text = text;
        Exception = exception;
        Details = details;
        IsKnown = known;
    }

    /// <summary>The finding or error id, e.g. <c>TlsNotOffered</c>.</summary>
    public string Id { get; }

    /// <summary>Refinements of <see cref="Id"/> a rule may be keyed by (a step, a chain status), most specific first.</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>The server's raw reply that came with the failure; null when there was none.</summary>
    public string? Reply { get; }

    /// <summary>For <see cref="Said"/>: the text the knowledge reads (the reply, or the reply with decoded parts of it); else null.</summary>
    public string? Text { get; }

    /// <summary>For <see cref="Raised"/>: the platform's exception; else null.</summary>
    public Exception? Exception { get; }

    /// <summary>True for <see cref="Known"/>: resolved by its keys only.</summary>
    public bool IsKnown { get; }

    /// <summary>The keys rules are looked up by: <c>Id/Detail</c> for every detail, then <c>Id</c>.</summary>
    public IEnumerable<string> Keys => Details.Select(d => Id + "/" + d).Concat(new[] { Id });

    /// <summary>The same failure with its reply and text passed through <paramref name="clean"/> (secrets scrubbed, control characters made visible).</summary>
    /// <param name="clean">The cleaner; returns null for null.</param>
    public SmtpFailure Cleaned(Func<string?, string?> clean) =>
        new(Id, clean(Reply), clean(Text), Exception, Details, IsKnown);

    /// <summary>A failure the engine knows exactly; resolved by id (and <paramref name="details"/>), never by text.</summary>
    /// <typeparam name="TId">The id's vocabulary.</typeparam>
    /// <param name="id">The finding or error id.</param>
    /// <param name="reply">The server's raw reply that came with it (a plaintext greeting on an implicit-TLS port), or null.</param>
    /// <param name="details">Refinements, most specific first (e.g. the step that timed out).</param>
    public static SmtpFailure Known<TId>(TId id, string? reply = null, params string[] details)
        where TId : struct, Enum =>
        new(id.ToString(), reply, null, null, details ?? Array.Empty<string>(), known: true);

    /// <summary>A failure that is the server's reply: resolved by what the reply says.</summary>
    /// <typeparam name="TId">The id's vocabulary.</typeparam>
    /// <param name="id">The finding or error id.</param>
    /// <param name="reply">The reply, verbatim.</param>
    /// <param name="text">What to read instead of the bare reply (the reply plus a decoded challenge), or null for the reply.</param>
    public static SmtpFailure Said<TId>(TId id, string reply, string? text = null)
        where TId : struct, Enum =>
        new(id.ToString(), reply, text ?? reply, null, Array.Empty<string>(), known: false);

    /// <summary>A failure the platform reported as an exception: resolved by the exception's messages.</summary>
    /// <typeparam name="TId">The id's vocabulary.</typeparam>
    /// <param name="id">The finding or error id.</param>
    /// <param name="exception">The exception.</param>
    public static SmtpFailure Raised<TId>(TId id, Exception exception)
        where TId : struct, Enum =>
        new(id.ToString(), null, null, exception ?? throw new ArgumentNullException(nameof(exception)), Array.Empty<string>(), known: false);
}
