using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SmtpTls.Loader;

/// <summary>
/// The module's own <see cref="AssemblyLoadContext"/>. The cmdlet assembly and everything it
/// depends on (MailKit, MimeKit, BouncyCastle, DnsClient, ...) are loaded here from the module's
/// <c>bin</c> folder, so a different copy of one of them that another module already loaded into
/// the session can neither break SmtpTls nor be broken by it.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Sync = new();
    private static ModuleLoadContext? _instance;

    private readonly string _assemblyDirectory;
    private readonly AssemblyName _loaderName;

    private ModuleLoadContext(string assemblyDirectory)
        : base(name: "SmtpTls", isCollectible: false)
    {
        _assemblyDirectory = assemblyDirectory;
        _loaderName = typeof(ModuleLoadContext).Assembly.GetName();
    }

    /// <summary>
    /// Creates the load context once per process and returns the cmdlet assembly loaded in it,
    /// ready for <c>Import-Module -Assembly</c>. Later calls (a re-import) return the same assembly.
    /// </summary>
    /// <param name="cmdletAssemblyName">File name of the cmdlet assembly without extension.</param>
    public static Assembly Initialize(string cmdletAssemblyName)
    {
        if (string.IsNullOrEmpty(cmdletAssemblyName))
        {
            throw new ArgumentException("The cmdlet assembly name must not be empty.", nameof(cmdletAssemblyName));
        }

        lock (Sync)
        {
            if (_instance is null)
            {
                var directory = Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)
                    ?? throw new InvalidOperationException("Cannot tell where the SmtpTls loader was loaded from.");
                _instance = new ModuleLoadContext(directory);
            }

            return _instance.LoadFromAssemblyName(new AssemblyName(cmdletAssemblyName));
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // The loader itself lives in the default context; sharing it keeps one copy of its statics.
        if (AssemblyName.ReferenceMatchesDefinition(_loaderName, assemblyName))
        {
            return typeof(ModuleLoadContext).Assembly;
        }

        var candidate = FindShippedAssembly(assemblyName);

        // Anything not shipped with the module (System.Management.Automation, the framework)
        // falls through to the default context.
        return candidate is null ? null : LoadFromAssemblyPath(candidate);
    }

    private string? FindShippedAssembly(AssemblyName assemblyName)
    {
        var fileName = assemblyName.Name + ".dll";
        if (!string.IsNullOrEmpty(assemblyName.CultureName))
        {
            var satellite = Path.Combine(_assemblyDirectory, assemblyName.CultureName!, fileName);
            return File.Exists(satellite) ? satellite : null;
        }

        // Some packages (System.Security.Cryptography.Pkcs) ship a Windows implementation beside
        // the portable one; the portable one only throws PlatformNotSupportedException there.
        if (OperatingSystem.IsWindows())
        {
            var windows = Path.Combine(_assemblyDirectory, "runtimes", "win", "lib", "net8.0", fileName);
            if (File.Exists(windows))
            {
                return windows;
            }
        }

        var portable = Path.Combine(_assemblyDirectory, fileName);
        return File.Exists(portable) ? portable : null;
    }
}
