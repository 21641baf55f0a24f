<#
.SYNOPSIS
    Creates or updates the PlatyPS markdown help in en-US/ and de-DE/ from the built cmdlets.

.DESCRIPTION
    The generated parts of a cmdlet's markdown are what the compiled cmdlet already knows:
    the SYNTAX section (one code block per parameter set, as Get-Command -Syntax prints it) and
    the YAML block of every parameter (type, parameter sets, aliases, accepted values, required,
    position, pipeline input, wildcards). This script writes exactly those parts and leaves the
    prose to people:

    - A cmdlet without a markdown file gets a new file with '{{ ... }}' placeholders for the
      synopsis, description, examples and parameter texts.
    - An existing file keeps every text; its SYNTAX section is regenerated, each parameter keeps
      its description and gets fresh YAML, a new parameter is added with a placeholder, and a
      parameter the cmdlet no longer has is removed (with a warning, so its text can be reused).

    Run it in a fresh pwsh after a build, then fill in the placeholders in both languages; the
    help tests (tests/Pester/Help.Tests.ps1) fail while any placeholder or difference remains.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build
    dotnet pwsh -NoProfile -File ./tools/Update-HelpMarkdown.ps1
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The built module to read the cmdlets from.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/SmtpTls/SmtpTls.psd1'),

    # The culture folders (below the repository root) to create or update.
    [string[]] $Culture = @('en-US', 'de-DE'),

    # Only these cmdlets (default: every cmdlet the module exports).
    [string[]] $Name,

    # The folder that holds the culture folders (default: the repository root).
    [string] $HelpRoot = (Join-Path $PSScriptRoot '..')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# -WhatIf and -Confirm are documented like any parameter (as PlatyPS does); the others are <CommonParameters>.
$CommonParameterNames = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'

$Texts = @{
    'en-US' = @{
        Placeholder      = '{{{{ Fill in the {0} }}}}'
        Confirm          = 'Prompts you for confirmation before running the cmdlet.'
        WhatIf           = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
        CommonParameters = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](https://go.microsoft.com/fwlink/?LinkID=113216).'
    }
    'de-DE' = @{
        Placeholder      = '{{{{ {0} ergänzen }}}}'
        Confirm          = 'Fordert Sie vor dem Ausführen des Cmdlets zur Bestätigung auf.'
        WhatIf           = 'Zeigt, was geschehen würde, wenn das Cmdlet ausgeführt wird. Das Cmdlet wird nicht ausgeführt.'
        CommonParameters = 'Dieses Cmdlet unterstützt die allgemeinen Parameter -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction und -WarningVariable. Weitere Informationen finden Sie unter [about_CommonParameters](https://go.microsoft.com/fwlink/?LinkID=113216).'
    }
}

function Get-HelpTypeName([type] $Type) {
    <# The type as PlatyPS writes it: the short name (String[], Int32, SwitchParameter, SmtpTlsMode). #>
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) {
        return $Type.GetGenericArguments()[0].Name
    }
    $Type.Name
}

function Get-ParameterYamlBlock {
    <# One YAML block per distinct (Required, Position, pipeline input) combination across the parameter sets. #>
    param([System.Management.Automation.CommandInfo] $Command, [System.Management.Automation.ParameterMetadata] $Parameter, [string] $DefaultValue)

    $allSets = @($Command.ParameterSets.Name)
    $groups = [ordered]@{}
    foreach ($setName in $Parameter.ParameterSets.Keys) {
        $set = $Parameter.ParameterSets[$setName]
        $pipeline = @(
            if ($set.ValueFromPipeline) { 'ByValue' }
            if ($set.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
        )
        $key = [pscustomobject]@{
            Required = $set.IsMandatory.ToString().ToLowerInvariant()
            Position = if ($set.Position -eq [int]::MinValue) { 'named' } else { [string]$set.Position }
            Pipeline = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
        }
        $id = "$($key.Required)|$($key.Position)|$($key.Pipeline)"
        if (-not $groups.Contains($id)) { $groups[$id] = @{ Key = $key; Sets = [System.Collections.Generic.List[string]]::new() } }
        $groups[$id].Sets.Add($setName)
    }

    $type = $Parameter.ParameterType
    $accepted = @(
        foreach ($attribute in $Parameter.Attributes) {
            if ($attribute -is [System.Management.Automation.ValidateSetAttribute]) { $attribute.ValidValues }
        }
    )
    $elementType = if ($type.IsArray) { $type.GetElementType() } else { $type }
    if (-not $accepted -and $elementType.IsEnum) { $accepted = [Enum]::GetNames($elementType) }
    $wildcards = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    # A documented default is kept: it may say more than the compiled value ("25, or 465 with -TlsMode Implicit").
    $default = if ($DefaultValue) { $DefaultValue } else { Get-ParameterDefault -Command $Command -Parameter $Parameter }

    foreach ($group in $groups.Values) {
        $sets = if ($group.Sets -contains '__AllParameterSets' -or (@($allSets | Where-Object { $_ -notin $group.Sets }).Count -eq 0)) { '(All)' } else { $group.Sets -join ', ' }
        $lines = @(
            '```yaml'
            "Type: $(Get-HelpTypeName $type)"
            "Parameter Sets: $sets"
            "Aliases: $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { '' })".TrimEnd()
            if ($accepted) { "Accepted values: $($accepted -join ', ')" }
            ''
            "Required: $($group.Key.Required)"
            "Position: $($group.Key.Position)"
            "Default value: $default"
            "Accept pipeline input: $($group.Key.Pipeline)"
            "Accept wildcard characters: $($wildcards.ToString().ToLowerInvariant())"
            '```'
        )
        $lines -join "`n"
    }
}

function Get-ParameterDefault {
    <# What a fresh instance of the cmdlet class holds: the compiled default. #>
    param([System.Management.Automation.CommandInfo] $Command, [System.Management.Automation.ParameterMetadata] $Parameter)
    if ($Parameter.SwitchParameter) { return 'False' }
    try {
        $instance = [Activator]::CreateInstance($Command.ImplementingType)
        $value = $Command.ImplementingType.GetProperty($Parameter.Name).GetValue($instance)
    }
    catch { return 'None' }
    if ($null -eq $value -or ($value -is [string] -and $value -eq '') -or ($value -is [array] -and $value.Count -eq 0)) { return 'None' }
    [string]$value
}

function Get-SyntaxSection([System.Management.Automation.CommandInfo] $Command) {
    $lines = foreach ($set in $Command.ParameterSets) {
        $title = $set.Name
        if ($set.IsDefault -and $Command.ParameterSets.Count -gt 1) { $title += ' (Default)' }
        "### $title"
        ''
        '```'
        "$($Command.Name) $set"
        '```'
        ''
    }
    $lines -join "`n"
}

# Shared with the help drift tests, so both read the markdown the same way.
. (Join-Path $PSScriptRoot 'MarkdownSection.ps1')

function Get-DocumentedDefault {
    <# The 'Default value:' of the first YAML block of one '### -Name' entry, or $null. #>
    param([string[]] $Lines)
    $inYaml = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```ya?ml\s*$') { $inYaml = $true; continue }
        if ($inYaml -and $line -match '^\s*```\s*$') { return $null }
        if ($inYaml -and $line -match '^Default value:\s*(.+)$') { return $Matches[1].Trim() }
    }
    $null
}

function Get-ParameterProse {
    <# The description lines of one '### -Name' entry: everything except its YAML blocks. #>
    param([string[]] $Lines)
    $inYaml = $false
    $kept = foreach ($line in $Lines) {
        if (-not $inYaml -and $line -match '^\s*```ya?ml\s*$') { $inYaml = $true; continue }
        if ($inYaml) { if ($line -match '^\s*```\s*$') { $inYaml = $false }; continue }
        $line
    }
    (($kept -join "`n").Trim())
}

function New-CommandMarkdown([System.Management.Automation.CommandInfo] $Command, [hashtable] $Text, [string] $CultureName) {
    $ph = { param($what) $Text.Placeholder -f $what }
    $inputs = @($Command.Parameters.Values | Where-Object {
            $_.Name -notin $CommonParameterNames -and ($_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName })
        } | ForEach-Object { $_.ParameterType.FullName } | Select-Object -Unique)
    $outputs = @($Command.OutputType | ForEach-Object { $_.Name } | Select-Object -Unique)
    @"
---
external help file: SmtpTls.dll-Help.xml
Module Name: SmtpTls
online version: https://github.com/smtptls/SmtpTls/blob/main/$CultureName/$($Command.Name).md
schema: 2.0.0
---

# $($Command.Name)

## SYNOPSIS

$(& $ph 'Synopsis')

## SYNTAX

## DESCRIPTION

$(& $ph 'Description')

## EXAMPLES

### Example 1: $(& $ph 'title')

``````powershell
$(& $ph 'example code')
``````

$(& $ph 'remarks')

## PARAMETERS

## INPUTS

$(if ($inputs) { ($inputs | ForEach-Object { "### $_`n`n$(& $ph 'input description')`n" }) -join "`n" } else { "### None`n" })
## OUTPUTS

$(if ($outputs) { ($outputs | ForEach-Object { "### $_`n`n$(& $ph 'output description')`n" }) -join "`n" } else { "### None`n" })
## NOTES

## RELATED LINKS

[about_SmtpTls](about_SmtpTls.md)
"@
}

function Update-CommandMarkdown {
    param([System.Management.Automation.CommandInfo] $Command, [string] $Markdown, [hashtable] $Text)

    $lines = $Markdown -split "\r?\n"
    $top = Split-MarkdownSection -Lines $lines -Level 2
    $oldParameters = [ordered]@{}
    $oldDefaults = @{}
    $commonText = $null
    if ($top.Contains('PARAMETERS')) {
        $entries = Split-MarkdownSection -Lines $top['PARAMETERS'] -Level 3
        foreach ($title in @($entries.Keys)) {
            if ($title -match '^-(\S+)$') {
                $oldParameters[$Matches[1]] = Get-ParameterProse $entries[$title]
                $oldDefaults[$Matches[1]] = Get-DocumentedDefault $entries[$title]
            }
            elseif ($title -match '^<?CommonParameters>?$') { $commonText = ($entries[$title] -join "`n").Trim() }
        }
    }

    $parameters = @($Command.Parameters.Values | Where-Object { $_.Name -notin $CommonParameterNames })
    $parameterText = foreach ($parameter in $parameters) {
        $prose = if ($oldParameters.Contains($parameter.Name) -and $oldParameters[$parameter.Name]) { $oldParameters[$parameter.Name] }
        elseif ($Text.ContainsKey($parameter.Name)) { $Text[$parameter.Name] }
        else { $Text.Placeholder -f "$($parameter.Name) description" }
        "### -$($parameter.Name)`n`n$prose`n`n$((Get-ParameterYamlBlock -Command $Command -Parameter $parameter -DefaultValue $oldDefaults[$parameter.Name]) -join "`n`n")`n"
    }
    foreach ($gone in $oldParameters.Keys | Where-Object { $_ -notin $parameters.Name }) {
        Write-Warning "$($Command.Name): parameter -$gone is no longer in the cmdlet; its text was removed: $($oldParameters[$gone])"
    }
    if (-not $commonText) { $commonText = $Text.CommonParameters }
    $parameterText = (@($parameterText) + "### CommonParameters`n`n$commonText`n") -join "`n"

    $out = [System.Text.StringBuilder]::new()
    $null = $out.Append((($top[''] -join "`n").TrimEnd())).Append("`n")
    foreach ($title in @($top.Keys | Where-Object { $_ })) {
        $body = switch ($title) {
            'SYNTAX' { Get-SyntaxSection $Command }
            'PARAMETERS' { $parameterText }
            default { ($top[$title] -join "`n").Trim() + "`n" }
        }
        $body = $body.TrimEnd()
        $null = $out.Append("`n## $title`n").Append($(if ($body) { "`n$body`n" } else { '' }))
    }
    $out.ToString()
}

Import-Module $ModulePath -Force
$module = Get-Module SmtpTls
$commands = Get-Command -Module $module.Name -CommandType Cmdlet | Where-Object { -not $Name -or $_.Name -in $Name } | Sort-Object Name

foreach ($cultureName in $Culture) {
    $folder = Join-Path $HelpRoot $cultureName
    $null = New-Item -ItemType Directory -Path $folder -Force
    foreach ($command in $commands) {
        $path = Join-Path $folder "$($command.Name).md"
        $existing = if (Test-Path $path) { Get-Content $path -Raw } else { New-CommandMarkdown -Command $command -Text $Texts[$cultureName] -CultureName $cultureName }
        $updated = Update-CommandMarkdown -Command $command -Markdown $existing -Text $Texts[$cultureName]
        if ((Test-Path $path) -and $updated -eq $existing) { continue }
        if ($PSCmdlet.ShouldProcess($path, 'Write help markdown')) {
            [System.IO.File]::WriteAllText($path, $updated, [System.Text.UTF8Encoding]::new($false))
            Write-Host "Wrote $path"
        }
    }
}
