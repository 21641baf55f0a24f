# Cuts PlatyPS markdown into sections; used by tools/Update-HelpMarkdown.ps1 and the help drift tests.

function Split-MarkdownSection {
    <# Splits lines at headings of one level, ignoring '#' lines inside code fences. Returns ordered title -> lines. #>
    param([string[]] $Lines, [int] $Level)
    $prefix = ('#' * $Level) + ' '
    $sections = [ordered]@{ '' = [System.Collections.Generic.List[string]]::new() }
    $current = ''
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($prefix)) {
            $current = $line.Substring($prefix.Length).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        $sections[$current].Add($line)
    }
    $sections
}
