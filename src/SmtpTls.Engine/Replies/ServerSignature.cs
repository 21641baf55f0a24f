using System.Text.RegularExpressions;

namespace SmtpTls.Replies;

/// <summary>A text pattern that gives away the mail server software (from the knowledge file's &lt;servers&gt;).</summary>
internal sealed class ServerSignature
{
    /// <summary>One server pattern of the knowledge files.</summary>
    /// <param name="name">The server software (Postfix, Exim, Exchange, ...).</param>
    /// <param name="pattern">The text that gives it away.</param>
    /// <param name="source">Where the pattern comes from.</param>
    /// <param name="tier">The pattern's tier (see <see cref="Tier"/>); 1 by default.</param>
    public ServerSignature(string name, Regex pattern, string source, int tier = 1)
    {
        Name = name;
        Pattern = pattern;
        Source = source;
        Tier = tier;
    }

    /// <summary>
    /// 1: host names, links and codes of providers and gateways (the default); 2: reply wordings of one product;
    /// 3: process names and log shapes of the software that wrote the log. Lower tiers are tried first.
    /// </summary>
    public int Tier { get; }

    /// <summary>The software's name as shown in <see cref="SmtpErrorResolution.ServerSoftware"/>.</summary>
    public string Name { get; }

    /// <summary>The pattern, case-insensitive.</summary>
    public Regex Pattern { get; }

    /// <summary>Where the pattern comes from.</summary>
    public string Source { get; }
}
