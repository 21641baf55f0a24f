using System;
using System.Linq;
using SmtpTls.Diagnostics;

namespace SmtpTls.Sending;

/// <summary>
/// The one gate server text passes before the sender keeps it anywhere (result, error message,
/// warning, resolution): control characters escaped (<see cref="VisibleText"/>), then every known
/// credential form scrubbed (<see cref="SecretScrubber"/>). The transcript goes through the same two
/// steps in <see cref="RedactingProtocolLogger"/>.
/// </summary>
internal sealed class ServerTextCleaner
{
    private readonly SecretScrubber _scrubber;

    /// <summary>Cleans with the secrets <paramref name="scrubber"/> knows.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="scrubber"/> is null.</exception>
    public ServerTextCleaner(SecretScrubber scrubber)
    {
        _scrubber = scrubber ?? throw new ArgumentNullException(nameof(scrubber));
    }

    /// <summary>The cleaned text; null stays null.</summary>
    public string? Clean(string? text) => text is null ? null : _scrubber.Scrub(VisibleText.EscapeLines(text)!);

    /// <summary>Cleans every text of <paramref name="resolution"/> in place (it may quote an exception's or a server's words).</summary>
    public SmtpErrorResolution Clean(SmtpErrorResolution resolution)
    {
        if (resolution is null)
        {
            throw new ArgumentNullException(nameof(resolution));
        }

        resolution.Input = Clean(resolution.Input) ?? string.Empty;
        resolution.ReplyText = Clean(resolution.ReplyText) ?? string.Empty;
        resolution.Summary = Clean(resolution.Summary) ?? string.Empty;
        resolution.Server = Clean(resolution.Server) ?? string.Empty;
        resolution.Causes = resolution.Causes.Select(c => Clean(c) ?? string.Empty).ToArray();
        resolution.Warnings = resolution.Warnings.Select(w => Clean(w) ?? string.Empty).ToArray();
        foreach (var step in resolution.Remediation)
        {
            step.Action = Clean(step.Action) ?? string.Empty;
            var command = Clean(step.Command) ?? string.Empty;

            // A command that had to change is no longer the command that was built: do not offer it.
            step.Command = string.Equals(command, step.Command, StringComparison.Ordinal) ? command : string.Empty;
        }

        return resolution;
    }
}
