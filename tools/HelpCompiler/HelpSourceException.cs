namespace HelpCompiler;

/// <summary>
/// Malformed help source: carries the file and 1-based line so the build can print a message an
/// author can act on (<c>en-US/Test-SmtpTls.md:42: error: ...</c>).
/// </summary>
public sealed class HelpSourceException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public override string ToString() => $"{File}:{Line}: error: {Message}";
}
