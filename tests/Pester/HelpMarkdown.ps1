# Helpers of Help.Tests.ps1, dot-sourced at discovery and run time: a small reader of the PlatyPS
# markdown (enough to compare it with the cmdlets; the compiler does the strict parsing), the
# metadata of the built cmdlets, and Get-Help output from fresh pwsh processes per culture.

. (Join-Path $PSScriptRoot '../../tools/MarkdownSection.ps1')

function Get-MarkdownFence {
    <# The fenced code blocks in $Lines: Info (language) and Text. #>
    param([string[]] $Lines)
    $info = $null
    $body = $null
    foreach ($line in $Lines) {
        if ($null -eq $body) {
            if ($line -match '^\s*```\s*(\S*)\s*$') { $info = $Matches[1]; $body = [System.Collections.Generic.List[string]]::new() }
        }
        elseif ($line -match '^\s*```\s*$') {
            [pscustomobject]@{ Info = $info; Text = ($body -join "`n") }
            $body = $null
        }
        else { $body.Add($line) }
    }
}

function Get-MarkdownProse {
    <# The text of $Lines as one string: prose and code, without fence lines and without fences of the $Exclude languages. #>
    param([string[]] $Lines, [string[]] $Exclude = @())
    $fence = $null
    $kept = foreach ($line in $Lines) {
        if ($line -match '^\s*```\s*(\S*)') {
            $fence = if ($null -eq $fence) { $Matches[1] } else { $null }
            continue
        }
        if ($null -eq $fence -or $fence -notin $Exclude) { $line }
    }
    ($kept -join "`n").Trim()
}

function ConvertTo-ComparableText {
    <# Letters and digits only, lower case: markdown and Get-Help renderings of one text compare equal. #>
    param([string] $Text)
    $withoutLinks = $Text -replace '\[([^\]]*)\]\(([^)]*)\)', '$1 $2'
    ($withoutLinks -replace '[^\p{L}\p{Nd}]', '').ToLowerInvariant()
}

function Read-HelpMarkdown {
    <# The parts of one cmdlet markdown file that the drift and Get-Help tests compare. #>
    param([string] $Path)
    $lines = (Get-Content $Path -Raw) -split '\r?\n'
    if ($lines[0] -eq '---') {
        $end = [array]::IndexOf($lines, '---', 1)
        $lines = $lines[($end + 1)..($lines.Count - 1)]
    }
    $top = Split-MarkdownSection -Lines $lines -Level 1
    $titles = @($top.Keys | Where-Object { $_ })
    $sections = Split-MarkdownSection -Lines $top[$titles[0]] -Level 2
    function Section([string] $Name) { if ($sections.Contains($Name)) { , @($sections[$Name]) } else { , @() } }

    $sets = foreach ($entry in (Split-MarkdownSection -Lines (Section 'SYNTAX') -Level 3).GetEnumerator() | Where-Object Key) {
        [pscustomobject]@{
            Name      = $entry.Key -replace '\s*\(Default\)$', ''
            IsDefault = $entry.Key -match '\(Default\)$'
            Syntax    = (@(Get-MarkdownFence $entry.Value)[0]).Text
        }
    }

    $parameters = foreach ($entry in (Split-MarkdownSection -Lines (Section 'PARAMETERS') -Level 3).GetEnumerator() | Where-Object { $_.Key -like '-*' }) {
        $blocks = foreach ($fence in Get-MarkdownFence $entry.Value | Where-Object Info -in 'yaml', 'yml') {
            $values = @{}
            foreach ($line in $fence.Text -split "`n" | Where-Object { $_ -match '^([^:]+):\s*(.*)$' }) {
                $null = $line -match '^([^:]+):\s*(.*)$'
                $values[$Matches[1].Trim()] = $Matches[2].Trim()
            }
            $values
        }
        [pscustomobject]@{
            Name        = $entry.Key.Substring(1)
            Description = Get-MarkdownProse $entry.Value -Exclude 'yaml', 'yml'
            Yaml        = @($blocks)
        }
    }

    $examples = foreach ($entry in (Split-MarkdownSection -Lines (Section 'EXAMPLES') -Level 3).GetEnumerator() | Where-Object Key) {
        [pscustomobject]@{
            Title = $entry.Key
            Code  = (@(Get-MarkdownFence $entry.Value)[0]).Text
        }
    }

    [pscustomobject]@{
        Path           = $Path
        Name           = $titles[0]
        Synopsis       = Get-MarkdownProse (Section 'SYNOPSIS')
        Description    = Get-MarkdownProse (Section 'DESCRIPTION')
        Sets           = @($sets)
        Parameters     = @($parameters)
        Examples       = @($examples)
        HasPlaceholder = ($lines -join "`n") -match '\{\{'
    }
}

function Invoke-HelpProcess {
    <#
        Runs $ScriptBlock in a fresh pwsh with the given environment and returns the last JSON line
        it prints, as objects. A new process is the only way to get Get-Help in another language:
        help is cached per session.
    #>
    param([scriptblock] $ScriptBlock, [hashtable] $Environment = @{})
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($ScriptBlock.ToString()))
    # An empty value removes the variable: LC_ALL='' would still override LANG for .NET in the child.
    function Set-ChildEnvironment([string] $Key, [string] $Value) {
        if ([string]::IsNullOrEmpty($Value)) { Remove-Item "env:$Key" -ErrorAction SilentlyContinue } else { Set-Item "env:$Key" $Value }
    }
    $saved = @{}
    foreach ($key in $Environment.Keys) {
        $saved[$key] = [Environment]::GetEnvironmentVariable($key)
        Set-ChildEnvironment $key $Environment[$key]
    }
    try {
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        if (-not (Test-Path $pwsh)) { $pwsh = (Get-Process -Id $PID).Path }
        $output = & $pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
        $text = ($output | ForEach-Object { "$_" }) -join "`n"
        if ($LASTEXITCODE -ne 0) { throw "Child pwsh failed ($LASTEXITCODE): $text" }
        $json = ($output | Where-Object { $_ -is [string] -and $_.StartsWith('{') }) | Select-Object -Last 1
        if (-not $json) { throw "Child pwsh printed no JSON: $text" }
        $json | ConvertFrom-Json
    }
    finally {
        foreach ($key in $saved.Keys) { Set-ChildEnvironment $key $saved[$key] }
    }
}

function Get-BuiltCmdletMetadata {
    <# Name, parameter sets with syntax, and per parameter the binding metadata of every cmdlet the built module exports. #>
    param([string] $ModulePath)
    Invoke-HelpProcess -Environment @{ SMTPTLS_MODULE = $ModulePath } {
        $ErrorActionPreference = 'Stop'
        Import-Module $env:SMTPTLS_MODULE
        # -WhatIf and -Confirm are documented (as PlatyPS does); the rest are <CommonParameters>.
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'
        $cmdlets = foreach ($command in Get-Command -Module SmtpTls -CommandType Cmdlet) {
            $allSets = @($command.ParameterSets.Name)
            [pscustomobject]@{
                Name       = $command.Name
                Sets       = @($command.ParameterSets | ForEach-Object { [pscustomobject]@{ Name = $_.Name; IsDefault = $_.IsDefault; Syntax = "$($command.Name) $_" } })
                Parameters = @($command.Parameters.Values | Where-Object Name -NotIn $common | ForEach-Object {
                        $parameter = $_
                        $type = $parameter.ParameterType
                        if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
                        $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
                        $accepted = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues)
                        if (-not $accepted -and $element.IsEnum) { $accepted = [Enum]::GetNames($element) }
                        [pscustomobject]@{
                            Name           = $parameter.Name
                            Type           = $type.Name
                            FullType       = $type.FullName
                            Aliases        = @($parameter.Aliases)
                            AcceptedValues = @($accepted)
                            Wildcards      = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                            Sets           = @(foreach ($setName in $parameter.ParameterSets.Keys) {
                                    $set = $parameter.ParameterSets[$setName]
                                    $pipeline = @(if ($set.ValueFromPipeline) { 'ByValue' }; if ($set.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
                                    foreach ($name in $(if ($setName -eq '__AllParameterSets') { $allSets } else { $setName })) {
                                        [pscustomobject]@{
                                            Name     = $name
                                            Required = $set.IsMandatory
                                            Position = if ($set.Position -eq [int]::MinValue) { 'named' } else { [string]$set.Position }
                                            Pipeline = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
                                        }
                                    }
                                })
                        }
                    })
            }
        }
        [pscustomobject]@{ Cmdlets = @($cmdlets) } | ConvertTo-Json -Depth 8 -Compress
    }
}

function Get-HelpAsShown {
    <#
        Get-Help output for each of $Name and for about_SmtpTls in a fresh pwsh. $Lang sets LANG;
        $ThreadCulture sets the thread's UI culture before the first Get-Help instead.
    #>
    param([string] $ModulePath, [string[]] $Name, [string] $Lang, [string] $ThreadCulture)
    $environment = @{
        SMTPTLS_MODULE = $ModulePath; SMTPTLS_HELP_NAMES = ($Name -join ','); SMTPTLS_THREAD_CULTURE = $ThreadCulture
        LANG = $Lang; LC_ALL = $null; LC_MESSAGES = $null; NO_COLOR = '1'
    }
    Invoke-HelpProcess -Environment $environment {
        if ($env:SMTPTLS_THREAD_CULTURE) { [Threading.Thread]::CurrentThread.CurrentUICulture = $env:SMTPTLS_THREAD_CULTURE }
        $PSStyle.OutputRendering = 'PlainText'
        Import-Module $env:SMTPTLS_MODULE -ErrorAction Stop
        $commands = foreach ($name in $env:SMTPTLS_HELP_NAMES -split ',' | Where-Object { $_ }) {
            $help = Get-Help $name -Full -ErrorAction SilentlyContinue
            $parameters = @(Get-Help $name -Parameter * -ErrorAction SilentlyContinue)
            [pscustomobject]@{
                Name        = $name
                Found       = [bool](Get-Command $name -ErrorAction SilentlyContinue) -and $help -and $help.Synopsis -and -not ($help.Synopsis -match "^\s*$name\s")
                Synopsis    = [string]$help.Synopsis
                Description = (@($help.description | ForEach-Object Text) -join "`n")
                Parameters  = @($parameters | Where-Object { $_.name } | ForEach-Object {
                        [pscustomobject]@{ Name = [string]$_.name; Description = (@($_.description | ForEach-Object Text) -join "`n") }
                    })
                Examples    = @($help.examples.example | Where-Object { $_ } | ForEach-Object {
                        [pscustomobject]@{ Title = [string]$_.title; Code = [string]$_.code }
                    })
                Text        = ($help | Out-String -Width 200)
            }
        }
        $about = Get-Help about_SmtpTls -ErrorAction SilentlyContinue | Out-String -Width 200
        [pscustomobject]@{ UICulture = $PSUICulture; Commands = @($commands); About = $about } | ConvertTo-Json -Depth 6 -Compress
    }
}

function Get-AboutCodeSample {
    <# The indented code blocks of an about_*.md file (four spaces after a blank line, outside lists), one string each. #>
    param([string] $Path)
    $samples = [System.Collections.Generic.List[string]]::new()
    $current = $null
    $previousBlank = $true
    foreach ($line in (Get-Content $Path -Raw) -split '\r?\n') {
        if ($line -match '^    ' -and ($null -ne $current -or $previousBlank)) {
            if ($null -eq $current) { $current = [System.Collections.Generic.List[string]]::new() }
            $current.Add($line.Substring(4))
        }
        elseif ($null -ne $current -and $line -eq '') { $current.Add('') }
        else {
            if ($null -ne $current) { $samples.Add(($current -join "`n").Trim()); $current = $null }
        }
        $previousBlank = $line -eq ''
    }
    if ($null -ne $current) { $samples.Add(($current -join "`n").Trim()) }
    $samples
}

function Test-ExampleCode {
    <#
        Problems of one code sample: parse errors, and parameters of SmtpTls cmdlets that the built
        cmdlet does not have (a renamed parameter leaves examples behind). Parameter names must be
        written in full or as a declared alias.
    #>
    param([string] $Code, [object[]] $Cmdlets, [string] $Label)
    $tokens = $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
    foreach ($parseError in $errors) { "${Label}: $($parseError.Message)" }
    $common = 'Verbose', 'vb', 'Debug', 'db', 'ErrorAction', 'ea', 'ErrorVariable', 'ev', 'WarningAction', 'wa',
    'WarningVariable', 'wv', 'InformationAction', 'infa', 'InformationVariable', 'iv', 'OutVariable', 'ov',
    'OutBuffer', 'ob', 'PipelineVariable', 'pv', 'ProgressAction', 'proga', 'WhatIf', 'wi', 'Confirm', 'cf'
    $commands = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
    foreach ($command in $commands) {
        $cmdlet = $Cmdlets | Where-Object Name -EQ $command.GetCommandName()
        if (-not $cmdlet) { continue }
        $known = @($cmdlet.Parameters.Name) + @($cmdlet.Parameters.Aliases) + $common
        foreach ($parameter in $command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
            if ($parameter.ParameterName -notin $known) { "${Label}: $($cmdlet.Name) has no parameter -$($parameter.ParameterName)" }
        }
    }
}
