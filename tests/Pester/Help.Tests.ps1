# The help of the published module, in both languages:
# - drift: every cmdlet the built module exports and every markdown file in en-US/ and de-DE/
#   (the union, so a cmdlet without help fails, and so does help for a cmdlet that does not
#   exist) agree on parameter sets, parameters and their binding metadata;
# - examples: at least three per cmdlet, each real PowerShell that parses;
# - Get-Help in fresh processes (LANG=en_US, LANG=de_DE, thread UI culture de-DE) shows the
#   synopsis, parameter texts, examples and about_SmtpTls of the session's language.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')
    . (Join-Path $PSScriptRoot '../Common.ps1')
    # The markdown comes from the repository; SMTPTLS_HELP_ROOT points elsewhere (tests of this test).
    $helpRoot = if ($env:SMTPTLS_HELP_ROOT) { $env:SMTPTLS_HELP_ROOT } else { $repoRoot }
    $cultures = 'en-US', 'de-DE'

    $built = @((Get-BuiltCmdletMetadata -ModulePath $modulePath).Cmdlets)
    $documented = foreach ($culture in $cultures) {
        Get-ChildItem (Join-Path $helpRoot $culture) -Filter '*.md' -ErrorAction SilentlyContinue |
            Where-Object { $_.BaseName -notlike 'about_*' } | ForEach-Object BaseName
    }
    $names = @(@($built.Name) + @($documented) | Where-Object { $_ } | Sort-Object -Unique)

    $script:AboutCases = foreach ($culture in $cultures) { @{ Culture = $culture; Path = Join-Path $helpRoot "$culture/about_SmtpTls.md"; Cmdlets = $built } }

    $script:DriftCases = foreach ($culture in $cultures) {
        foreach ($name in $names) {
            $path = Join-Path $helpRoot "$culture/$name.md"
            @{
                Culture  = $culture
                Name     = $name
                Markdown = if (Test-Path $path) { Read-HelpMarkdown $path } else { $null }
                Cmdlet   = $built | Where-Object Name -EQ $name
                Cmdlets  = $built
            }
        }
    }

    $script:Sessions = @(
        @{ Session = 'LANG=en_US.UTF-8'; Culture = 'en-US'; Lang = 'en_US.UTF-8'; ThreadCulture = '' }
        @{ Session = 'LANG=de_DE.UTF-8'; Culture = 'de-DE'; Lang = 'de_DE.UTF-8'; ThreadCulture = '' }
        @{ Session = 'thread UI culture de-DE'; Culture = 'de-DE'; Lang = 'C.UTF-8'; ThreadCulture = 'de-DE' }
    )
    foreach ($session in $Sessions) {
        $session.Names = $names
        $session.Cases = @(foreach ($name in $names) {
                $path = Join-Path $helpRoot "$($session.Culture)/$name.md"
                @{ Name = $name; Markdown = if (Test-Path $path) { Read-HelpMarkdown $path } else { $null } }
            })
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:HelpRoot = if ($env:SMTPTLS_HELP_ROOT) { $env:SMTPTLS_HELP_ROOT } else { $RepoRoot }
}

Describe 'Help markdown <Culture>/<Name>.md matches the built cmdlet' -ForEach $DriftCases -Tag 'Unit' {
    It 'exists as a markdown file' {
        $Markdown | Should -Not -BeNullOrEmpty -Because "every exported cmdlet needs $Culture/$Name.md (tools/Update-HelpMarkdown.ps1 writes a skeleton)"
    }

    It 'is a cmdlet of the built module' {
        $Cmdlet | Should -Not -BeNullOrEmpty -Because "$Culture/$Name.md documents a cmdlet that the built module does not export"
    }

    It 'has no unfinished {{ placeholders }}' {
        $Markdown | Should -Not -BeNullOrEmpty
        $Markdown.HasPlaceholder | Should -BeFalse
    }

    It 'lists the parameter sets of the cmdlet, with their syntax' {
        $Markdown | Should -Not -BeNullOrEmpty
        $Cmdlet | Should -Not -BeNullOrEmpty
        $normalize = { param($s) ($s -replace '\s+', ' ').Trim() }
        @($Markdown.Sets.Name | Sort-Object) | Should -Be @($Cmdlet.Sets.Name | Sort-Object)
        foreach ($set in $Cmdlet.Sets) {
            $documented = $Markdown.Sets | Where-Object Name -EQ $set.Name
            & $normalize $documented.Syntax | Should -Be (& $normalize $set.Syntax) -Because "the SYNTAX block of set '$($set.Name)' must be what Get-Command -Syntax prints"
            if (@($Cmdlet.Sets).Count -gt 1) {
                $documented.IsDefault | Should -Be $set.IsDefault -Because "'(Default)' must mark the default parameter set"
            }
        }
    }

    It 'documents exactly the parameters of the cmdlet, each with a description' {
        $Markdown | Should -Not -BeNullOrEmpty
        $Cmdlet | Should -Not -BeNullOrEmpty
        @($Markdown.Parameters.Name | Sort-Object) | Should -Be @($Cmdlet.Parameters.Name | Sort-Object)
        $Markdown.Parameters | Where-Object { -not $_.Description } | ForEach-Object Name | Should -BeNullOrEmpty -Because 'every parameter needs a description'
    }

    It 'gives type, aliases, accepted values, required, position and pipeline input as the cmdlet has them' {
        $Markdown | Should -Not -BeNullOrEmpty
        $Cmdlet | Should -Not -BeNullOrEmpty
        $allSets = @($Cmdlet.Sets.Name)
        $problems = foreach ($parameter in $Cmdlet.Parameters) {
            $documented = $Markdown.Parameters | Where-Object Name -EQ $parameter.Name
            if (-not $documented) { continue }
            if (-not $documented.Yaml) { "-$($parameter.Name): no yaml block"; continue }
            $first = $documented.Yaml[0]
            if ($first['Type'] -notin $parameter.Type, $parameter.FullType) { "-$($parameter.Name): Type '$($first['Type'])', the cmdlet has '$($parameter.Type)'" }
            $aliases = @(($first['Aliases'] -split ',') | ForEach-Object Trim | Where-Object { $_ -and $_ -ne 'None' } | Sort-Object)
            if (($aliases -join ',') -ne ((@($parameter.Aliases) | Sort-Object) -join ',')) { "-$($parameter.Name): Aliases '$($aliases -join ', ')', the cmdlet has '$($parameter.Aliases -join ', ')'" }
            $accepted = @(($first['Accepted values'] -split ',') | ForEach-Object Trim | Where-Object { $_ })
            if (($accepted -join ',') -ne (@($parameter.AcceptedValues) -join ',')) { "-$($parameter.Name): Accepted values '$($accepted -join ', ')', the cmdlet has '$($parameter.AcceptedValues -join ', ')'" }
            $wildcards = $first['Accept wildcard characters'] -eq 'true'
            if ($wildcards -ne $parameter.Wildcards) { "-$($parameter.Name): Accept wildcard characters '$($first['Accept wildcard characters'])', the cmdlet says $($parameter.Wildcards)" }

            # Expand the YAML blocks to one entry per parameter set and compare set by set.
            $documentedSets = @{}
            foreach ($block in $documented.Yaml) {
                $names = if ($block['Parameter Sets'] -eq '(All)') { $allSets } else { $block['Parameter Sets'] -split ',' | ForEach-Object Trim }
                foreach ($name in $names) { $documentedSets[$name] = $block }
            }
            foreach ($set in $parameter.Sets) {
                $block = $documentedSets[$set.Name]
                if (-not $block) { "-$($parameter.Name): not documented in parameter set '$($set.Name)'"; continue }
                $documentedSets.Remove($set.Name)
                if ($block['Required'] -ne $set.Required.ToString()) { "-$($parameter.Name) in '$($set.Name)': Required '$($block['Required'])', the cmdlet says $($set.Required)" }
                if ($block['Position'] -ne $set.Position) { "-$($parameter.Name) in '$($set.Name)': Position '$($block['Position'])', the cmdlet says $($set.Position)" }
                if (($block['Accept pipeline input'] -replace '\s', '') -ne ($set.Pipeline -replace '\s', '')) { "-$($parameter.Name) in '$($set.Name)': Accept pipeline input '$($block['Accept pipeline input'])', the cmdlet says $($set.Pipeline)" }
            }
            foreach ($extra in $documentedSets.Keys) { "-$($parameter.Name): documented in parameter set '$extra', where the cmdlet does not have it" }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'has at least three examples, each of which parses and uses only parameters the cmdlets have' {
        $Markdown | Should -Not -BeNullOrEmpty
        $Markdown.Examples.Count | Should -BeGreaterOrEqual 3
        $problems = foreach ($example in $Markdown.Examples) {
            if (-not $example.Code) { "$($example.Title): no code block"; continue }
            Test-ExampleCode -Code $example.Code -Cmdlets $Cmdlets -Label $example.Title
        }
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'about_SmtpTls in <Culture>' -ForEach $AboutCases -Tag 'Unit' {
    It 'exists' {
        $Path | Should -Exist
    }

    It 'has code samples that parse and use only parameters the cmdlets have' {
        $samples = @(Get-AboutCodeSample -Path $Path)
        $samples.Count | Should -BeGreaterThan 3
        $index = 0
        $problems = foreach ($sample in $samples) { Test-ExampleCode -Code $sample -Cmdlets $Cmdlets -Label "sample $((++$index))" }
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'Get-Help in a session with <Session>' -ForEach $Sessions -Tag 'Unit' {
    BeforeAll {
        $script:Shown = Get-HelpAsShown -ModulePath $ModulePath -Name $Names -Lang $Lang -ThreadCulture $ThreadCulture
        $script:AboutMarkdown = (Get-Content (Join-Path $HelpRoot "$Culture/about_SmtpTls.md") -Raw) -split '\r?\n'
    }

    It 'runs in the <Culture> UI culture' {
        $Shown.UICulture | Should -Be $Culture
    }

    It 'shows about_SmtpTls in <Culture>' {
        $Shown.About | Should -Not -BeNullOrEmpty
        $sections = Split-MarkdownSection -Lines $AboutMarkdown -Level 2
        $short = Get-MarkdownProse $sections[@($sections.Keys)[1]]
        ConvertTo-ComparableText $Shown.About | Should -BeLike ('*' + (ConvertTo-ComparableText $short) + '*')
    }

    Context '<Name>' -ForEach $Cases {
        BeforeAll {
            $script:Help = $Shown.Commands | Where-Object Name -EQ $Name
        }

        It 'shows the synopsis and description of <Culture>/<Name>.md' {
            $Markdown | Should -Not -BeNullOrEmpty
            $Help.Found | Should -BeTrue -Because "Get-Help must find the compiled help of $Name"
            ConvertTo-ComparableText $Help.Synopsis | Should -Be (ConvertTo-ComparableText $Markdown.Synopsis)
            ConvertTo-ComparableText $Help.Description | Should -Be (ConvertTo-ComparableText $Markdown.Description)
            ConvertTo-ComparableText $Help.Text | Should -BeLike ('*' + (ConvertTo-ComparableText $Markdown.Synopsis) + '*')
        }

        It 'shows the description of every parameter (Get-Help -Parameter *)' {
            $Markdown | Should -Not -BeNullOrEmpty
            $Help.Found | Should -BeTrue
            @($Help.Parameters.Name | Sort-Object) | Should -Be @($Markdown.Parameters.Name | Sort-Object)
            foreach ($parameter in $Markdown.Parameters) {
                $shown = $Help.Parameters | Where-Object Name -EQ $parameter.Name
                $shown.Description | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
                ConvertTo-ComparableText $shown.Description | Should -Be (ConvertTo-ComparableText $parameter.Description) -Because "-$($parameter.Name) must show the text of $Culture/$Name.md"
            }
        }

        It 'shows the examples of the markdown' {
            $Markdown | Should -Not -BeNullOrEmpty
            $Help.Found | Should -BeTrue
            $Help.Examples.Count | Should -Be $Markdown.Examples.Count
            for ($i = 0; $i -lt $Markdown.Examples.Count; $i++) {
                ($Help.Examples[$i].Code -replace '\r', '').Trim() | Should -Be ($Markdown.Examples[$i].Code -replace '\r', '').Trim()
                $Help.Examples[$i].Title | Should -BeLike "*$($Markdown.Examples[$i].Title)*"
            }
        }
    }
}
