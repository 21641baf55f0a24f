using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmtpTls.Tests.Architecture;

/// <summary>
/// The engine's source tree read as layers: which top-level types each top-level folder declares, and which
/// other folders' types each file names. Folder, not namespace, is the layer: public output types live in
/// namespace <c>SmtpTls</c> wherever their folder is, so only the tree says where a type belongs.
/// </summary>
internal sealed class EngineSourceMap
{
    // A type declared at the top of a file: file-scoped namespaces leave it unindented (nested types are indented).
    private static readonly Regex TopLevelType = new(
        @"^(?:(?:public|internal|static|sealed|abstract|readonly|partial|ref|unsafe|file)\s+)*(?:class|struct|enum|interface|record(?:\s+(?:class|struct))?|delegate\s+[\w<>\[\]?,\s]+?)\s+(?<name>[A-Z]\w*)",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static readonly Regex Identifier = new(@"(?<![\w@])[A-Z]\w*", RegexOptions.CultureInvariant);

    // Comments and literals name types only in prose: "the probe (SmtpTlsProbe)" in a doc comment is no use.
    private static readonly Regex CommentsAndLiterals = new(
        @"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)+'",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private EngineSourceMap(string root, IReadOnlyDictionary<string, string> folderOfType, IReadOnlyDictionary<string, IReadOnlyList<string>> ambiguous, IReadOnlyList<SourceFile> files)
    {
        Root = root;
        FolderOfType = folderOfType;
        Ambiguous = ambiguous;
        Files = files;
    }

    /// <summary>src/SmtpTls.Engine of this checkout.</summary>
    public string Root { get; }

    /// <summary>Top-level type name to the top-level folder that declares it.</summary>
    public IReadOnlyDictionary<string, string> FolderOfType { get; }

    /// <summary>Type names declared in more than one folder (a name must say which layer it is in).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Ambiguous { get; }

    /// <summary>Every .cs file of the engine with its folder and the code left after comments and literals.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The top-level folders (layers) of the engine.</summary>
    public IEnumerable<string> Folders => Files.Select(f => f.Folder).Distinct(StringComparer.Ordinal);

    /// <summary>Reads the engine's source tree, found by walking up from the test's output folder.</summary>
    public static EngineSourceMap Load() => Load(FindEngineRoot());

    /// <summary>Reads the engine source tree under <paramref name="root"/>.</summary>
    public static EngineSourceMap Load(string root)
    {
        var files = new List<SourceFile>();
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var parts = relative.Split('/');
            if (parts.Length < 2 || parts[0] is "bin" or "obj")
            {
                continue;
            }

            files.Add(new SourceFile(relative, parts[0], CommentsAndLiterals.Replace(File.ReadAllText(path), " ")));
        }

        var declared = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (Match match in TopLevelType.Matches(file.Code))
            {
                var name = match.Groups["name"].Value;
                if (!declared.TryGetValue(name, out var folders))
                {
                    declared[name] = folders = new SortedSet<string>(StringComparer.Ordinal);
                }

                folders.Add(file.Folder);
            }
        }

        var folderOfType = declared.Where(d => d.Value.Count == 1).ToDictionary(d => d.Key, d => d.Value.Single(), StringComparer.Ordinal);
        var ambiguous = declared.Where(d => d.Value.Count > 1).ToDictionary(d => d.Key, d => (IReadOnlyList<string>)d.Value.ToList(), StringComparer.Ordinal);
        return new EngineSourceMap(root, folderOfType, ambiguous, files);
    }

    /// <summary>Every use of another folder's type: (from folder, to folder) with the files and names that make it.</summary>
    public IReadOnlyDictionary<(string From, string To), IReadOnlyList<string>> Edges()
    {
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var file in Files)
        {
            foreach (var name in Identifier.Matches(file.Code).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (FolderOfType.TryGetValue(name, out var folder) && folder != file.Folder)
                {
                    if (!edges.TryGetValue((file.Folder, folder), out var why))
                    {
                        edges[(file.Folder, folder)] = why = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    why.Add(file.Path + ": " + name);
                }
            }
        }

        return edges.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.ToList());
    }

    internal static string FindEngineRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "SmtpTls.Engine");
            if (File.Exists(Path.Combine(candidate, "SmtpTls.Engine.csproj")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/SmtpTls.Engine not found above " + AppContext.BaseDirectory);
    }

    /// <summary>One source file: its path under the engine, its top-level folder, and its code without comments and literals.</summary>
    internal sealed record SourceFile(string Path, string Folder, string Code);
}
