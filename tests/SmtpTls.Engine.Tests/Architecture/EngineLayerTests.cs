using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace SmtpTls.Tests.Architecture;

/// <summary>
/// The engine's folders are its layers. This table is the whole of what each folder may use; any other use
/// of a type from another folder, a cycle, a new folder not in the table, or a PowerShell reference fails here.
/// README "Architecture" and the README.md at the top of each folder say the same in prose.
/// </summary>
[Trait("Against", "Unit")]
public class EngineLayerTests
{
    /// <summary>Folder to the folders whose types it may name. Read from the bottom (no dependencies) up.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Localization"] = Array.Empty<string>(),
        ["Diagnostics"] = Array.Empty<string>(),
        ["Output"] = Array.Empty<string>(),
        ["Dns"] = new[] { "Localization", "Diagnostics", "Output" },
        ["Certificates"] = new[] { "Localization", "Diagnostics", "Output", "Dns" },
        ["Findings"] = new[] { "Localization", "Output" },
        ["Replies"] = new[] { "Localization", "Diagnostics", "Output" },
        ["PolicyResults"] = new[] { "Localization", "Output", "Dns", "Certificates", "Findings" },
        ["Smtp"] = new[] { "Localization", "Diagnostics", "Output", "Certificates" },
        ["Probing"] = new[] { "Localization", "Diagnostics", "Output", "Dns", "Certificates", "Findings", "Replies", "PolicyResults", "Smtp" },
        ["Policy"] = new[] { "Localization", "Diagnostics", "Output", "Dns", "Certificates", "Findings", "PolicyResults" },
        ["Sending"] = new[] { "Localization", "Diagnostics", "Output", "Dns", "Certificates", "Findings", "Replies", "Smtp" },
        ["Domains"] = new[] { "Localization", "Diagnostics", "Output", "Dns", "Certificates", "Findings", "PolicyResults", "Smtp", "Probing", "Policy" },
        ["Reporting"] = new[] { "Localization", "Diagnostics", "Output", "Dns", "Certificates", "Findings", "Replies", "PolicyResults", "Probing", "Sending", "Domains" },
    };

    private static readonly Lazy<EngineSourceMap> Map = new(EngineSourceMap.Load);

    [Fact]
    public void EveryFolderUsesOnlyWhatTheTableAllows()
    {
        var forbidden = Map.Value.Edges()
            .Where(edge => !Allowed.TryGetValue(edge.Key.From, out var allowed) || !allowed.Contains(edge.Key.To))
            .Select(edge => $"{edge.Key.From} -> {edge.Key.To} ({string.Join("; ", edge.Value.Take(5))})")
            .ToList();

        Assert.True(forbidden.Count == 0, "Uses the layer table does not allow:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void TheTableHasNoCycle()
    {
        // Kahn's algorithm: a folder is placed once everything it may use is placed.
        var placed = new List<string>();
        var left = Allowed.Keys.ToList();
        while (left.Count > 0)
        {
            var ready = left.Where(folder => Allowed[folder].All(placed.Contains)).ToList();
            Assert.True(ready.Count > 0, "The layer table has a cycle (or names a folder it does not list) among: " + string.Join(", ", left));
            placed.AddRange(ready);
            left.RemoveAll(ready.Contains);
        }
    }

    [Fact]
    public void EveryFolderIsInTheTable_AndHasItsReadme()
    {
        var folders = Map.Value.Folders.ToList();

        Assert.Empty(folders.Where(folder => !Allowed.ContainsKey(folder)));
        Assert.Empty(Allowed.Keys.Where(folder => !folders.Contains(folder)));
        Assert.Empty(folders.Where(folder => !File.Exists(Path.Combine(Map.Value.Root, folder, "README.md"))));
    }

    [Fact]
    public void EveryEngineTypeIsFoundInTheTree_UnderOneNameInOneFolder()
    {
        // The source map is only as good as its list of declarations: every top-level type the compiler
        // made must be in it, or a use of that type would go unseen.
        var compiled = typeof(SmtpTlsResult).Assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace is not null && t.Namespace.StartsWith("SmtpTls", StringComparison.Ordinal))
            .Where(t => !t.Name.Contains('<') && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
            .Select(t => t.Name.Split('`')[0])
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(compiled);
        Assert.Empty(compiled.Where(name => !Map.Value.FolderOfType.ContainsKey(name) && !Map.Value.Ambiguous.ContainsKey(name)));
        Assert.True(
            Map.Value.Ambiguous.Count == 0,
            "Type names declared in more than one folder: " + string.Join("; ", Map.Value.Ambiguous.Select(a => a.Key + " in " + string.Join(", ", a.Value))));
    }

    [Fact]
    public void TheEngineNeverReferencesPowerShell()
    {
        var references = typeof(SmtpTlsResult).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(Map.Value.Files.Where(f => f.Code.Contains("System.Management.Automation", StringComparison.Ordinal)).Select(f => f.Path));
        var packages = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(Map.Value.Root, "SmtpTls.Engine.csproj")), @"Include=""([^""]+)""")
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.Contains("MailKit", packages);
        Assert.DoesNotContain(packages, p => p.Contains("PowerShell", StringComparison.OrdinalIgnoreCase) || p.Contains("Automation", StringComparison.OrdinalIgnoreCase));
    }
}
