# Root module of SmtpTls. It only decides how the cmdlet assembly is loaded:
# - PowerShell 7+: through SmtpTls.Loader, which puts the cmdlets and all their dependencies
#   (MailKit, MimeKit, BouncyCastle, ...) into an AssemblyLoadContext of the module's own, so a
#   different copy of those libraries loaded by another module cannot clash with ours.
# - Windows PowerShell 5.1: a plain load of the netstandard2.0 build; .NET Framework has no load
#   contexts, so dependencies are resolved from the module's folder on demand instead.

$binaryName = 'SmtpTls'

if ($PSVersionTable.PSEdition -eq 'Core') {
    if (-not ('SmtpTls.Loader.ModuleLoadContext' -as [type])) {
        Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'net8.0', 'SmtpTls.Loader.dll'))
    }
    $cmdletAssembly = [SmtpTls.Loader.ModuleLoadContext]::Initialize($binaryName)
}
else {
    $desktopBin = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'netstandard2.0')
    # Binding redirects are not available to a module, so map any version request for a
    # library we ship to the copy in our folder.
    $resolver = [System.ResolveEventHandler] {
        param($sender, $eventArgs)
        $name = [System.Reflection.AssemblyName]::new($eventArgs.Name).Name
        $candidate = [System.IO.Path]::Combine($desktopBin, "$name.dll")
        if ([System.IO.File]::Exists($candidate)) {
            return [System.Reflection.Assembly]::LoadFrom($candidate)
        }
        return $null
    }.GetNewClosure()
    [System.AppDomain]::CurrentDomain.add_AssemblyResolve($resolver)
    $cmdletAssembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($desktopBin, "$binaryName.dll"))
}

$innerModule = Import-Module -Assembly $cmdletAssembly -PassThru

# On a re-import (Import-Module -Force) PowerShell hands back the binary module it already knows
# without exporting its cmdlets through this new script module, so export them explicitly.
if ($innerModule) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
    }
}
