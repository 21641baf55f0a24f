# The published module as a whole: manifest, exports, dependency isolation, shipped assembly
# versions and the package. Runs against out/SmtpTls (or $env:SMTPTLS_MODULE), never the source.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Common.ps1')
    $script:ModuleBase = Split-Path $ModulePath -Parent

    function Invoke-FreshPwsh {
        <# Runs a script block in a new pwsh and returns its JSON output as objects. #>
        param([scriptblock] $ScriptBlock, [hashtable] $Environment = @{})
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($ScriptBlock.ToString()))
        $saved = @{}
        foreach ($key in $Environment.Keys) {
            $saved[$key] = [Environment]::GetEnvironmentVariable($key)
            [Environment]::SetEnvironmentVariable($key, $Environment[$key])
        }
        try {
            $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
            if (-not (Test-Path $pwsh)) { $pwsh = (Get-Process -Id $PID).Path }
            $output = & $pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
            $text = (($output | ForEach-Object { "$_" }) -join "`n") -replace '\x1b\[[0-9;]*[A-Za-z]', ''
            if ($LASTEXITCODE -ne 0) { throw "Child pwsh failed ($LASTEXITCODE): $text" }
            $json = ($output | Where-Object { $_ -is [string] -and $_.StartsWith('{') }) | Select-Object -Last 1
            if (-not $json) { throw "Child pwsh printed no JSON: $text" }
            $json | ConvertFrom-Json
        }
        finally {
            foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
        }
    }
}

Describe 'Module manifest' -Tag 'Unit' {
    It 'passes Test-ModuleManifest in the published folder and in the repository' {
        { Test-ModuleManifest $ModulePath -ErrorAction Stop } | Should -Not -Throw
        { Test-ModuleManifest (Join-Path $RepoRoot 'SmtpTls.psd1') -ErrorAction Stop } | Should -Not -Throw
    }

    It 'declares editions, version and explicit exports without wildcards' {
        $manifest = Import-PowerShellDataFile $ModulePath
        $manifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CmdletsToExport | Should -Be @('Test-SmtpTls', 'Get-SmtpCertificate', 'Send-SmtpTestMessage', 'Resolve-SmtpError', 'Export-SmtpTlsReport')
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $manifest[$key] | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty
        }
    }
}

Describe 'Import' -Tag 'Unit' {
    It 'imports from the published folder and exports the cmdlets it defines' {
        $result = Invoke-FreshPwsh -Environment @{ SMTPTLS_MODULE = $ModulePath } {
            Import-Module $env:SMTPTLS_MODULE -ErrorAction Stop
            $commands = Get-Command -Module SmtpTls
            [pscustomobject]@{
                Names = @($commands.Name | Sort-Object)
                Types = @($commands.CommandType | ForEach-Object ToString | Sort-Object -Unique)
            } | ConvertTo-Json -Compress
        }
        $result.Names | Should -Not -BeNullOrEmpty
        $result.Types | Should -Be @('Cmdlet')
        # Exactly the cmdlets the source defines ([Cmdlet(...)] in src/SmtpTls/Commands): each one
        # exported, nothing else, by the manifest and by the session.
        $expected = @(Get-ChildItem (Join-Path $RepoRoot 'src/SmtpTls/Commands') -Filter '*.cs' -Recurse | ForEach-Object {
                [regex]::Matches((Get-Content -Raw $_.FullName), '\[Cmdlet\(\s*(?:Verbs\w+\.(\w+)|"(\w+)")\s*,\s*"(\w+)"') |
                    ForEach-Object { "$($_.Groups[1].Value)$($_.Groups[2].Value)-$($_.Groups[3].Value)" }
            } | Sort-Object)
        $expected.Count | Should -BeGreaterOrEqual 4
        @((Import-PowerShellDataFile $ModulePath).CmdletsToExport | Sort-Object) | Should -Be $expected
        $result.Names | Should -Be $expected
    }

    It 'keeps its cmdlets across Import-Module -Force and Remove-Module' {
        $result = Invoke-FreshPwsh -Environment @{ SMTPTLS_MODULE = $ModulePath } {
            Import-Module $env:SMTPTLS_MODULE -Force
            $first = @((Get-Command -Module SmtpTls).Name | Sort-Object)
            Import-Module $env:SMTPTLS_MODULE -Force
            $second = @((Get-Command -Module SmtpTls).Name | Sort-Object)
            Remove-Module SmtpTls
            Import-Module $env:SMTPTLS_MODULE
            $third = @((Get-Command -Module SmtpTls).Name | Sort-Object)
            [pscustomobject]@{ First = $first; Second = $second; Third = $third } | ConvertTo-Json -Compress
        }
        $result.First | Should -Not -BeNullOrEmpty
        $result.Second | Should -Be $result.First
        $result.Third | Should -Be $result.First
    }

    It 'loads its dependencies into its own load context even when another MimeKit is already loaded' {
        $result = Invoke-FreshPwsh -Environment @{ SMTPTLS_MODULE = $ModulePath } {
            $ErrorActionPreference = 'Stop'
            $moduleBase = Split-Path $env:SMTPTLS_MODULE -Parent
            # Another module's copy of MimeKit, from another path, loaded first into the default context.
            $foreign = Join-Path ([IO.Path]::GetTempPath()) ("foreign-mimekit-" + [guid]::NewGuid())
            $null = New-Item -ItemType Directory $foreign
            Copy-Item (Join-Path $moduleBase 'bin/net8.0/MimeKit.dll') $foreign
            Add-Type -Path (Join-Path $foreign 'MimeKit.dll')
            Import-Module $env:SMTPTLS_MODULE
            # A cmdlet that goes through MailKit: a send to a closed loopback port fails on connect.
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
            $errorId = $null
            if (Get-Command Send-SmtpTestMessage -ErrorAction SilentlyContinue) {
                Send-SmtpTestMessage -Server "127.0.0.1:$port" -From 'a@smtptls.test' -To 'b@smtptls.test' -TlsMode None -TimeoutSeconds 5 -Confirm:$false -ErrorVariable sendErrors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
                $errorId = $sendErrors[0].FullyQualifiedErrorId
            }
            $mimeKits = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MimeKit' }
            Remove-Item $foreign -Recurse -Force -ErrorAction SilentlyContinue
            [pscustomobject]@{
                Contexts = @($mimeKits | ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name } | Sort-Object)
                SmtpTlsContext = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Get-Command Resolve-SmtpError, Test-SmtpTls -ErrorAction SilentlyContinue | Select-Object -First 1).ImplementingType.Assembly).Name
                SendErrorId = $errorId
            } | ConvertTo-Json -Compress
        }
        $result.SmtpTlsContext | Should -Be 'SmtpTls'
        $result.Contexts | Should -Contain 'SmtpTls'
        $result.Contexts | Should -Contain 'Default'
        $result.SendErrorId | Should -Not -BeNullOrEmpty -Because 'Send-SmtpTestMessage must run through MailKit and report the refused connection'
        $result.SendErrorId | Should -Not -Match 'TypeLoad|FileLoad|FileNotFound|MissingMethod'
    }
}

Describe 'Shipped assemblies' -Tag 'Unit' {
    BeforeAll {
        function Get-AssemblyReferences([string] $Path) {
            $stream = [IO.File]::OpenRead($Path)
            try {
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                if (-not $pe.HasMetadata) { return }
                $reader = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                foreach ($handle in $reader.AssemblyReferences) {
                    $reference = $reader.GetAssemblyReference($handle)
                    [pscustomobject]@{ Name = $reader.GetString($reference.Name); Version = $reference.Version }
                }
            }
            finally { $stream.Dispose() }
        }
    }

    It 'needs no assembly newer than .NET 8 / PowerShell 7.4 ship, apart from what the module carries itself (<_>)' -ForEach @('net8.0') {
        $folder = Join-Path $ModuleBase "bin/$_"
        $shipped = @{}
        Get-ChildItem $folder -Filter *.dll | ForEach-Object { $shipped[$_.BaseName] = [Reflection.AssemblyName]::GetAssemblyName($_.FullName).Version }
        $problems = foreach ($dll in Get-ChildItem $folder -Filter *.dll) {
            foreach ($reference in Get-AssemblyReferences $dll.FullName) {
                if ($shipped.ContainsKey($reference.Name)) {
                    if ($shipped[$reference.Name] -lt $reference.Version) { "$($dll.Name) wants $($reference.Name) $($reference.Version), ships $($shipped[$reference.Name])" }
                }
                elseif ($reference.Name -eq 'System.Management.Automation') {
                    if ($reference.Version -gt [version]'7.4.0.0') { "$($dll.Name) wants System.Management.Automation $($reference.Version)" }
                }
                elseif ($reference.Name -eq 'Newtonsoft.Json') {
                    # PowerShell 7 ships Newtonsoft.Json 13.0.0.0; the module uses that copy on purpose (README "JSON shape").
                    if ($reference.Version -gt [version]'13.0.0.0') { "$($dll.Name) wants Newtonsoft.Json $($reference.Version), newer than PowerShell 7.4 ships" }
                }
                elseif ($reference.Version.Major -gt 8 -and $reference.Name -notin 'netstandard') {
                    "$($dll.Name) wants $($reference.Name) $($reference.Version), newer than .NET 8 ships"
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'carries every non-framework dependency of the netstandard2.0 build for Windows PowerShell 5.1' {
        $folder = Join-Path $ModuleBase 'bin/netstandard2.0'
        foreach ($name in 'SmtpTls', 'SmtpTls.Engine', 'MailKit', 'MimeKit', 'BouncyCastle.Cryptography') {
            Join-Path $folder "$name.dll" | Should -Exist
        }
        $shipped = @{}
        Get-ChildItem $folder -Filter *.dll | ForEach-Object { $shipped[$_.BaseName] = [Reflection.AssemblyName]::GetAssemblyName($_.FullName).Version }
        $problems = foreach ($dll in Get-ChildItem $folder -Filter *.dll) {
            foreach ($reference in Get-AssemblyReferences $dll.FullName) {
                if ($shipped.ContainsKey($reference.Name) -and $shipped[$reference.Name] -lt $reference.Version) {
                    "$($dll.Name) wants $($reference.Name) $($reference.Version), ships $($shipped[$reference.Name])"
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'does not ship the System.Management.Automation reference assembly' {
        Get-ChildItem (Join-Path $ModuleBase 'bin') -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }
}

Describe 'Check path compiled once (src/HotPath.targets)' -Tag 'Unit' {
    # The build marks the check path AggressiveOptimization after compiling, so that a fresh session does not
    # recompile it through the tiered JIT for thousands of checks. These read the published files: what
    # Import-Module loads, whatever the build steps between compiler and module folder did.
    BeforeAll {
        function Get-MethodOptimization([string] $Path) {
            <# One row per method with a body: its type (Namespace.Type+Nested), name and whether it carries AggressiveOptimization. #>
            $stream = [IO.File]::OpenRead($Path)
            try {
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                $reader = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                foreach ($typeHandle in $reader.TypeDefinitions) {
                    $type = $reader.GetTypeDefinition($typeHandle)
                    $typeName = $reader.GetString($type.Name)
                    $outer = $type
                    while (-not $outer.GetDeclaringType().IsNil) {
                        $outer = $reader.GetTypeDefinition($outer.GetDeclaringType())
                        $typeName = $reader.GetString($outer.Name) + '+' + $typeName
                    }
                    $typeName = $reader.GetString($outer.Namespace) + '.' + $typeName
                    foreach ($methodHandle in $type.GetMethods()) {
                        $method = $reader.GetMethodDefinition($methodHandle)
                        if ($method.RelativeVirtualAddress -eq 0) { continue }
                        [pscustomobject]@{
                            Type      = $typeName
                            Name      = $reader.GetString($method.Name)
                            Optimized = ($method.ImplAttributes -band [Reflection.MethodImplAttributes]::AggressiveOptimization) -ne 0
                        }
                    }
                }
            }
            finally { $stream.Dispose() }
        }
    }

    It 'marks the cmdlets of the net8.0 build, their pipeline queue and state machines, but no static constructor' {
        $methods = Get-MethodOptimization (Join-Path $ModuleBase 'bin/net8.0/SmtpTls.dll')
        $commands = @($methods | Where-Object Type -like 'SmtpTls.Commands.*')
        $commands | Where-Object { $_.Type -eq 'SmtpTls.Commands.TestSmtpTlsCommand' -and $_.Name -eq 'ProcessRecord' } | ForEach-Object Optimized | Should -BeTrue
        @($commands | Where-Object { $_.Type -like 'SmtpTls.Commands.PipelineWorkQueue*' -and $_.Name -eq 'MoveNext' }).Count | Should -BeGreaterThan 0
        $commands | Where-Object { $_.Name -ne '.cctor' -and -not $_.Optimized } | ForEach-Object { "$($_.Type)::$($_.Name)" } | Should -BeNullOrEmpty
        $commands | Where-Object { $_.Name -eq '.cctor' -and $_.Optimized } | ForEach-Object { "$($_.Type)::$($_.Name)" } | Should -BeNullOrEmpty
    }

    It 'marks the engine''s probe in the net8.0 build and leaves Resolve-SmtpError''s knowledge to the tiered JIT' {
        $methods = Get-MethodOptimization (Join-Path $ModuleBase 'bin/net8.0/SmtpTls.Engine.dll')
        $runAsync = @($methods | Where-Object { $_.Type -like 'SmtpTls.Probing.ProbeRun+<RunAsync>*' -and $_.Name -eq 'MoveNext' })
        $runAsync.Count | Should -Be 1
        $runAsync[0].Optimized | Should -BeTrue
        @($methods | Where-Object { $_.Type -like 'SmtpTls.Replies.*' -and $_.Optimized }).Count | Should -Be 0
    }

    It 'leaves the netstandard2.0 build for Windows PowerShell 5.1 unmarked (.NET Framework has no tiered JIT)' {
        foreach ($name in 'SmtpTls', 'SmtpTls.Engine') {
            @(Get-MethodOptimization (Join-Path $ModuleBase "bin/netstandard2.0/$name.dll") | Where-Object Optimized).Count | Should -Be 0
        }
    }
}

Describe 'Package' -Tag 'Unit' {
    It 'installs with Install-PSResource from a local folder repository and imports' {
        $package = Get-ChildItem (Join-Path $ModuleBase '..') -Filter 'SmtpTls.*.nupkg' | Select-Object -First 1
        $package | Should -Not -BeNullOrEmpty -Because 'build.ps1 -Task Test packages the module before the Pester run'
        $installHome = Join-Path ([IO.Path]::GetTempPath()) ("smtptls-install-" + [guid]::NewGuid())
        $null = New-Item -ItemType Directory $installHome
        try {
            # A throw-away HOME keeps the install and the repository registration out of the user's profile.
            $result = Invoke-FreshPwsh -Environment @{ HOME = $installHome; SMTPTLS_PACKAGE_DIR = $package.DirectoryName; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null } {
                $ErrorActionPreference = 'Stop'
                Register-PSResourceRepository -Name SmtpTlsLocal -Uri $env:SMTPTLS_PACKAGE_DIR -Trusted
                Install-PSResource -Name SmtpTls -Repository SmtpTlsLocal -Scope CurrentUser -TrustRepository -Quiet
                Import-Module SmtpTls
                $module = Get-Module SmtpTls
                [pscustomobject]@{ Base = $module.ModuleBase; Commands = @((Get-Command -Module SmtpTls).Name) } | ConvertTo-Json -Compress
            }
            $result.Base | Should -BeLike "$installHome*"
            $result.Commands | Should -Not -BeNullOrEmpty
        }
        finally {
            Remove-Item $installHome -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
