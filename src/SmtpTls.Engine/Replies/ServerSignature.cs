using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>A text pattern that gives away the mail server software (from the knowledge file's &lt;servers&gt;).</summary>
internal sealed class ServerSignature
{
    public ServerSignature(string name, Regex pattern, string source)
    {
        Name = name;
        Pattern = pattern;
        Source = source;
    }

    /// <summary>The software's name as shown in <see cref="SmtpErrorResolution.ServerSoftware"/>.</summary>
    public string Name { get; }

    /// <summary>The pattern, case-insensitive.</summary>
    public Regex Pattern { get; }

    /// <summary>Where the pattern comes from.</summary>
    public string Source { get; }
}
