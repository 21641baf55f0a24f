using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>
/// Runs of white space in the knowledge files' texts and terms, which are wrapped for review: one space between words
/// is what users see and what the terms match.
/// </summary>
/// <remarks>
/// On .NET 8+ the pattern is source-generated: the knowledge is loaded on first use, and the regex interpreter it
/// would otherwise run thousands of times would be JIT-compiled and tiered up for that alone.
/// </remarks>
internal static partial class KnowledgeWhitespace
{
    private const string Run = @"\s+";

    /// <summary>The text trimmed, each run of white space inside it one space.</summary>
    /// <param name="value">A text or term as written in a knowledge file.</param>
    public static string Collapse(string value) => Runs.Replace(value.Trim(), " ");

#if NET8_0_OR_GREATER
    private static Regex Runs => RunsRegex();

    [GeneratedRegex(Run)]
    private static partial Regex RunsRegex();
#else
    private static readonly Regex Runs = new(Run);
#endif
}
