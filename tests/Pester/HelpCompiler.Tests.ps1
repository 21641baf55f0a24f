# The help compiler (tools/HelpCompiler) on its own: a fixture cmdlet and about topic in
# Fixtures/HelpCompiler compile into the MAML and text Get-Help expects, and malformed input
# fails with the file, the line and a non-zero exit code.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:FixtureFolder = Join-Path $PSScriptRoot 'Fixtures/HelpCompiler'
    $project = Join-Path $RepoRoot 'tools/HelpCompiler/HelpCompiler.csproj'
    & dotnet build $project -c Release --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Building $project failed." }
    $script:CompilerDll = Join-Path $RepoRoot 'tools/HelpCompiler/bin/Release/net10.0/HelpCompiler.dll'

    function Invoke-HelpCompiler {
        <# Runs the compiler; returns its exit code and output lines. #>
        param([string] $Source, [string] $Output, [string[]] $ExtraArguments = @())
        $lines = & dotnet $CompilerDll --source $Source --output $Output --assembly SmtpTls.dll @ExtraArguments 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($lines); Text = ($lines -join "`n") }
    }

    function New-TempFolder {
        $path = Join-Path ([IO.Path]::GetTempPath()) ('helpcompiler-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $path | Select-Object -ExpandProperty FullName
    }

    function Invoke-MutatedFixture {
        <# Compiles Get-Fixture.md after replacing $Find with $Replace; returns the run and the 1-based line of the change. #>
        param([string] $Find, [string] $Replace, [string] $FileName = 'Get-Fixture.md')
        $source = New-TempFolder
        $text = (Get-Content (Join-Path $FixtureFolder 'Get-Fixture.md') -Raw) -replace "`r`n", "`n"
        $index = $text.IndexOf($Find, [StringComparison]::Ordinal)
        if ($index -lt 0) { throw "The fixture does not contain '$Find'." }
        $mutated = $text.Substring(0, $index) + $Replace + $text.Substring($index + $Find.Length)
        Set-Content -Path (Join-Path $source $FileName) -Value $mutated -NoNewline
        $line = ($text.Substring(0, $index) -split "`n").Count
        $output = Join-Path $source 'out'
        $run = Invoke-HelpCompiler -Source $source -Output $output
        $run | Add-Member -NotePropertyName Line -NotePropertyValue $line
        $run | Add-Member -NotePropertyName File -NotePropertyValue (Join-Path $source $FileName)
        $run | Add-Member -NotePropertyName Written -NotePropertyValue (Test-Path (Join-Path $output 'SmtpTls.dll-Help.xml'))
        $run
    }
}

Describe 'HelpCompiler: MAML of a well-formed cmdlet file' -Tag 'Unit' {
    BeforeAll {
        $script:Output = New-TempFolder
        $script:Run = Invoke-HelpCompiler -Source $FixtureFolder -Output $Output
        $script:Xml = [xml](Get-Content (Join-Path $Output 'SmtpTls.dll-Help.xml') -Raw)
        $script:Ns = [System.Xml.XmlNamespaceManager]::new($Xml.NameTable)
        $Ns.AddNamespace('msh', 'http://msh')
        $Ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $Ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $Ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        $script:Command = $Xml.SelectSingleNode('/msh:helpItems/command:command', $Ns)
        # Returns an array even for one node: a lone XmlElement indexed with [0] looks up a child element named '0'.
        function Select-Help([string] $XPath, $Node = $Command) { , @($Node.SelectNodes($XPath, $Ns)) }
    }

    It 'exits 0 and reports what it wrote' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Text
        $Run.Text | Should -Match '1 cmdlet\(s\), 1 about topic\(s\)'
    }

    It 'has the root and namespaces Get-Help reads' {
        $Xml.DocumentElement.LocalName | Should -Be 'helpItems'
        $Xml.DocumentElement.NamespaceURI | Should -Be 'http://msh'
        $Xml.DocumentElement.GetAttribute('schema') | Should -Be 'maml'
        $Command | Should -Not -BeNullOrEmpty
        $Command.GetAttribute('xmlns:maml') | Should -Be 'http://schemas.microsoft.com/maml/2004/10'
        $Command.GetAttribute('xmlns:dev') | Should -Be 'http://schemas.microsoft.com/maml/dev/2004/10'
    }

    It 'writes name, verb, noun and the synopsis without markdown' {
        (Select-Help 'command:details/command:name').InnerText | Should -Be 'Get-Fixture'
        (Select-Help 'command:details/command:verb').InnerText | Should -Be 'Get'
        (Select-Help 'command:details/command:noun').InnerText | Should -Be 'Fixture'
        (Select-Help 'command:details/maml:description/maml:para').InnerText | Should -Be 'Gets a fixture for the help compiler tests.'
    }

    It 'joins soft line breaks, keeps paragraphs and writes a list as one paragraph' {
        $paras = (Select-Help 'maml:description/maml:para')
        $paras.Count | Should -Be 3
        $paras[0].InnerText | Should -Be 'The `Get-Fixture` cmdlet exists only in this file. Its description has two paragraphs.'
        $paras[1].InnerText | Should -Be 'The second one has a link (https://example.net/fixture) and a list:'
        $paras[2].InnerText | Should -Be "- first item`n- second item"
    }

    It 'writes one syntax item per parameter set with the parameters of that set' {
        $items = (Select-Help 'command:syntax/command:syntaxItem')
        $items.Count | Should -Be 2
        (Select-Help 'command:parameter/maml:name' $items[0]).InnerText | Should -Be @('Name', 'Mode', 'Quiet')
        (Select-Help 'command:parameter/maml:name' $items[1]).InnerText | Should -Be @('Path', 'Mode', 'Quiet')
    }

    It 'gives a switch no value in syntax and accepted values as a value group' {
        $first = (Select-Help 'command:syntax/command:syntaxItem')[0]
        $quiet = (Select-Help "command:parameter[maml:name='Quiet']" $first)
        Select-Help 'command:parameterValue' $quiet[0] | Should -BeNullOrEmpty
        $mode = (Select-Help "command:parameter[maml:name='Mode']" $first)
        (Select-Help 'command:parameterValueGroup/command:parameterValue' $mode[0]).InnerText | Should -Be @('Auto', 'StartTls', 'Implicit')
    }

    It 'writes the binding metadata of each parameter' {
        $name = (Select-Help "command:parameters/command:parameter[maml:name='Name']")[0]
        $name.required | Should -Be 'true'
        $name.position | Should -Be '0'
        $name.pipelineInput | Should -Be 'True (ByValue, ByPropertyName)'
        $name.globbing | Should -Be 'true'
        $name.aliases | Should -Be 'CN, HostName'
        (Select-Help 'dev:type/maml:name' $name).InnerText | Should -Be 'String[]'
        $mode = (Select-Help "command:parameters/command:parameter[maml:name='Mode']")[0]
        $mode.pipelineInput | Should -Be 'False'
        $mode.aliases | Should -Be 'none'
        (Select-Help 'dev:defaultValue' $mode).InnerText | Should -Be 'Auto'
        (Select-Help 'command:parameters/command:parameter/maml:name').InnerText | Should -Be @('Name', 'Path', 'Mode', 'Quiet')
    }

    It 'writes examples with title, code and remarks (later code blocks go to the remarks)' {
        $examples = (Select-Help 'command:examples/command:example')
        $examples.Count | Should -Be 2
        (Select-Help 'maml:title' $examples[0]).InnerText | Should -Match 'Example 1: Get one fixture'
        (Select-Help 'dev:code' $examples[1]).InnerText | Should -Be "'one', 'two' | Get-Fixture -Mode Implicit"
        # The empty last paragraph makes Get-Help leave a blank line before the next example.
        (Select-Help 'dev:remarks/maml:para' $examples[1]).InnerText | Should -Be @("Name Mode`n---- ----`none  Implicit", 'The output block belongs to the remarks.', '')
    }

    It 'writes inputs, outputs, notes and links, the online version first' {
        (Select-Help 'command:inputTypes/command:inputType/dev:type/maml:name').InnerText | Should -Be 'System.String[]'
        (Select-Help 'command:returnValues/command:returnValue/dev:type/maml:name').InnerText | Should -Be 'SmtpTls.Fixture'
        (Select-Help 'maml:alertSet/maml:alert/maml:para').InnerText | Should -Be 'A note.'
        $links = (Select-Help 'command:relatedLinks/maml:navigationLink')
        (Select-Help 'maml:linkText' $links[0]).InnerText | Should -Be 'Online Version:'
        (Select-Help 'maml:uri' $links[0]).InnerText | Should -Be 'https://example.net/help/Get-Fixture'
        (Select-Help 'maml:linkText' $links[1]).InnerText | Should -Be 'about_Fixture'
        (Select-Help 'maml:uri' $links[1]).InnerText | Should -BeNullOrEmpty -Because 'a relative markdown link means nothing to Get-Help -Online'
        (Select-Help 'maml:uri' $links[2]).InnerText | Should -Be 'https://example.net/powershell'
    }
}

Describe 'HelpCompiler: about topics' -Tag 'Unit' {
    BeforeAll {
        $output = New-TempFolder
        $null = Invoke-HelpCompiler -Source $FixtureFolder -Output $output
        $script:AboutPath = Join-Path $output 'about_Fixture.help.txt'
        $script:AboutLines = @(Get-Content $AboutPath)
    }

    It 'writes UTF-8 with a byte order mark (Windows PowerShell 5.1 reads umlauts right only then)' {
        $bytes = [IO.File]::ReadAllBytes($AboutPath)
        $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
    }

    It 'starts with the topic name and capitalizes the level-2 headings' {
        $AboutLines[0] | Should -Be 'about_Fixture'
        $AboutLines | Should -Contain 'SHORT DESCRIPTION'
        $AboutLines | Should -Contain 'LONG DESCRIPTION'
        $AboutLines | Should -Contain 'A subsection'
    }

    It 'wraps prose at 80 columns with a hanging indent for list items, and leaves code alone' {
        $code = '    Get-Fixture -Name one -Mode Implicit | Where-Object { $_.Name -like ''o*'' } | Select-Object -First 1'
        $AboutLines | Should -Contain $code
        $AboutLines | Where-Object { $_ -ne $code -and $_.Length -gt 80 } | Should -BeNullOrEmpty
        $item = [array]::IndexOf($AboutLines, ($AboutLines | Where-Object { $_.StartsWith('- A list item') }))
        $AboutLines[$item + 1] | Should -Match '^  \S'
    }

    It 'lays out tables as aligned columns' {
        $AboutLines | Should -Contain 'Port  Mode'
        $AboutLines | Should -Contain '465   Implicit'
    }
}

Describe 'HelpCompiler: malformed input' -Tag 'Unit' {
    It 'reports a missing required section with file and line, exits 1 and writes nothing' {
        $run = Invoke-MutatedFixture -Find "## SYNOPSIS`n`nGets a fixture for the **help compiler** tests.`n`n" -Replace ''
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match ([regex]::Escape("Get-Fixture.md:8: error: missing section '## SYNOPSIS'"))
        $run.Written | Should -BeFalse
    }

    It 'reports a misspelt section' {
        $run = Invoke-MutatedFixture -Find '## NOTES' -Replace '## NOTE'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match ([regex]::Escape("Get-Fixture.md:$($run.Line): error: unknown section '## NOTE'"))
    }

    It 'reports bad YAML in a parameter block at the line of the problem' {
        $run = Invoke-MutatedFixture -Find 'Required: True' -Replace 'Required: [True'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match 'Get-Fixture\.md:(\d+): error: bad YAML'
        [int]([regex]::Match($run.Text, 'Get-Fixture\.md:(\d+):').Groups[1].Value) | Should -BeIn @($run.Line, ($run.Line + 1))
    }

    It 'reports an unknown key in a parameter block at its line' {
        $run = Invoke-MutatedFixture -Find 'Accept wildcard characters: True' -Replace 'Accept wildcards: True'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match ([regex]::Escape("Get-Fixture.md:$($run.Line): error: unknown key 'Accept wildcards' in the YAML of -Name"))
    }

    It 'reports a value that is not true or false' {
        $run = Invoke-MutatedFixture -Find 'Required: True' -Replace 'Required: maybe'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match "'Required: maybe' of -Name must be true or false"
    }

    It 'reports a parameter set that SYNTAX does not list' {
        $run = Invoke-MutatedFixture -Find 'Parameter Sets: ByPath' -Replace 'Parameter Sets: ByFile'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match "-Path names parameter set 'ByFile', which SYNTAX does not list"
    }

    It 'reports a parameter without YAML block' {
        $run = Invoke-MutatedFixture -Find '```yaml' -Replace '```text'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match "parameter '-Name' has no ``````yaml block"
    }

    It 'reports an example without code' {
        $run = Invoke-MutatedFixture -Find "``````powershell`nGet-Fixture -Name one`n``````" -Replace 'Get-Fixture -Name one'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match "example 'Example 1: Get one fixture' has no code block"
    }

    It 'reports bad YAML front matter and a wrong help file name' {
        $run = Invoke-MutatedFixture -Find 'Module Name: SmtpTls' -Replace 'Module Name: [SmtpTls'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match 'Get-Fixture\.md:\d+: error: bad YAML'
        $run = Invoke-MutatedFixture -Find 'external help file: SmtpTls.dll-Help.xml' -Replace 'external help file: Other.dll-Help.xml'
        $run.Text | Should -Match "needs 'external help file: SmtpTls.dll-Help.xml'"
    }

    It 'reports a title that does not match the file name' {
        $run = Invoke-MutatedFixture -Find '# Get-Fixture' -Replace '# Get-Fixtures'
        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match ([regex]::Escape("Get-Fixture.md:$($run.Line): error: the title '# Get-Fixtures' does not match"))
    }

    It 'warns about {{ placeholders }} but still compiles' {
        $run = Invoke-MutatedFixture -Find 'How the fixture is made.' -Replace '{{ Fill in the Mode description }}'
        $run.ExitCode | Should -Be 0
        $run.Text | Should -Match 'warning: unfinished text'
        $run.Written | Should -BeTrue
    }

    It 'exits 2 on bad usage' {
        & dotnet $CompilerDll --source 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 2
    }
}
