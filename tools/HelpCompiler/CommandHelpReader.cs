using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace HelpCompiler;

/// <summary>
/// Reads one cmdlet's markdown in the PlatyPS 2.0.0 schema into a <see cref="CommandHelp"/>.
/// Structure errors (missing sections, bad YAML, unknown keys) throw <see cref="HelpSourceException"/>
/// with the line; unfinished content (<c>{{ ... }}</c> placeholders) becomes a warning.
/// </summary>
public sealed class CommandHelpReader(MarkdownSource source, string expectedHelpFile)
{
    private static readonly string[] RequiredSections = ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS"];
    private static readonly string[] OptionalSections = ["INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];
    private static readonly string[] ParameterKeys =
    [
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters",
    ];

    public List<HelpSourceException> Warnings { get; } = [];

    public CommandHelp Read()
    {
        CheckFrontMatter();
        var topSections = Section.Split(source.Document, 1, out var beforeTitle);
        if (topSections.Count == 0)
        {
            throw source.Error(beforeTitle.FirstOrDefault(), "missing '# <Cmdlet-Name>' heading.");
        }

        var title = topSections[0];
        var expectedName = Path.GetFileNameWithoutExtension(source.Path);
        if (!string.Equals(title.Title, expectedName, StringComparison.Ordinal))
        {
            throw source.Error(title.Heading, $"the title '# {title.Title}' does not match the file name '{expectedName}.md'.");
        }

        if (topSections.Count > 1)
        {
            throw source.Error(topSections[1].Heading, $"a second level-1 heading '# {topSections[1].Title}'; a cmdlet file has exactly one.");
        }

        var sections = ReadSections(title);
        var parameterSets = ReadSyntax(sections["SYNTAX"]);
        var parameters = ReadParameters(sections["PARAMETERS"], parameterSets);

        return new CommandHelp(
            Name: title.Title,
            Synopsis: string.Join(" ", Text(sections["SYNOPSIS"], required: true)),
            Description: Text(sections["DESCRIPTION"], required: true),
            ParameterSets: parameterSets,
            Examples: ReadExamples(sections["EXAMPLES"]),
            Parameters: parameters,
            Inputs: ReadTypes(sections.GetValueOrDefault("INPUTS")),
            Outputs: ReadTypes(sections.GetValueOrDefault("OUTPUTS")),
            Notes: sections.TryGetValue("NOTES", out var notes) ? Text(notes, required: false) : [],
            Links: ReadLinks(sections.GetValueOrDefault("RELATED LINKS")),
            OnlineVersion: source.FrontMatter.TryGetValue("online version", out var online) && !string.IsNullOrWhiteSpace(online) ? online.Trim() : null);
    }

    private void CheckFrontMatter()
    {
        if (source.FrontMatterLine == 0)
        {
            throw source.Error(null, "missing YAML front matter ('---', 'external help file: ...', 'schema: 2.0.0', '---').");
        }

        if (!source.FrontMatter.TryGetValue("schema", out var schema) || schema != "2.0.0")
        {
            throw new HelpSourceException(source.Path, source.FrontMatterLine, $"front matter needs 'schema: 2.0.0' (found '{schema}').");
        }

        if (!source.FrontMatter.TryGetValue("external help file", out var helpFile) || !string.Equals(helpFile, expectedHelpFile, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpSourceException(source.Path, source.FrontMatterLine, $"front matter needs 'external help file: {expectedHelpFile}' (found '{helpFile}').");
        }
    }

    private Dictionary<string, Section> ReadSections(Section title)
    {
        var sections = Section.Split(title.Blocks, 2, out var preamble);
        if (preamble.FirstOrDefault() is { } stray)
        {
            throw source.Error(stray, "text between the title and '## SYNOPSIS'; put it under a section.");
        }

        var result = new Dictionary<string, Section>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            var name = section.Title.ToUpperInvariant();
            if (!RequiredSections.Contains(name) && !OptionalSections.Contains(name))
            {
                throw source.Error(section.Heading, $"unknown section '## {section.Title}'; expected one of {string.Join(", ", RequiredSections.Concat(OptionalSections))}.");
            }

            if (!result.TryAdd(name, section))
            {
                throw source.Error(section.Heading, $"section '## {section.Title}' appears twice.");
            }
        }

        foreach (var name in RequiredSections)
        {
            if (!result.ContainsKey(name))
            {
                throw new HelpSourceException(source.Path, MarkdownSource.LineOf(title.Heading), $"missing section '## {name}'.");
            }
        }

        return result;
    }

    private IReadOnlyList<ParameterSetHelp> ReadSyntax(Section syntax)
    {
        var sets = Section.Split(syntax.Blocks, 3, out var preamble);
        if (sets.Count == 0)
        {
            // PlatyPS writes '### __AllParameterSets'; a bare code block means the same.
            if (!preamble.OfType<FencedCodeBlock>().Any())
            {
                throw source.Error(syntax.Heading, "SYNTAX needs a '### <ParameterSetName>' heading with a code block of the syntax.");
            }

            return [new ParameterSetHelp("__AllParameterSets", true)];
        }

        var result = new List<ParameterSetHelp>();
        foreach (var set in sets)
        {
            if (!set.Blocks.OfType<FencedCodeBlock>().Any())
            {
                throw source.Error(set.Heading, $"parameter set '{set.Title}' has no code block with its syntax.");
            }

            var isDefault = set.Title.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
            var name = isDefault ? set.Title[..^"(Default)".Length].Trim() : set.Title.Trim();
            result.Add(new ParameterSetHelp(name, isDefault || sets.Count == 1));
        }

        return result;
    }

    private IReadOnlyList<ExampleHelp> ReadExamples(Section examples)
    {
        var result = new List<ExampleHelp>();
        foreach (var example in Section.Split(examples.Blocks, 3, out _))
        {
            var code = example.Blocks.OfType<FencedCodeBlock>().FirstOrDefault()
                ?? throw source.Error(example.Heading, $"example '{example.Title}' has no code block.");
            var remarks = BlockText.Paragraphs(example.Blocks.Where(b => b != code));
            WarnPlaceholders(example.Heading, remarks.Append(BlockText.Lines(code)));
            result.Add(new ExampleHelp(example.Title, BlockText.Lines(code), remarks));
        }

        if (result.Count == 0)
        {
            throw source.Error(examples.Heading, "EXAMPLES has no '### Example 1: ...' entry.");
        }

        return result;
    }

    private IReadOnlyList<ParameterHelp> ReadParameters(Section parameters, IReadOnlyList<ParameterSetHelp> sets)
    {
        var result = new List<ParameterHelp>();
        foreach (var entry in Section.Split(parameters.Blocks, 3, out _))
        {
            if (entry.Title.Trim('<', '>').Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!entry.Title.StartsWith('-') || entry.Title.Length < 2 || entry.Title.Contains(' '))
            {
                throw source.Error(entry.Heading, $"parameter heading '### {entry.Title}' must be '### -Name' (or '### CommonParameters').");
            }

            var yamlBlocks = entry.Blocks.OfType<FencedCodeBlock>().Where(b => b.Info is "yaml" or "yml").ToList();
            if (yamlBlocks.Count == 0)
            {
                throw source.Error(entry.Heading, $"parameter '{entry.Title}' has no ```yaml block (Type, Parameter Sets, Required, Position, ...).");
            }

            var description = BlockText.Paragraphs(entry.Blocks.Where(b => !yamlBlocks.Contains(b)));
            if (description.Count == 0)
            {
                Warnings.Add(source.Error(entry.Heading, $"parameter '{entry.Title}' has no description."));
            }

            WarnPlaceholders(entry.Heading, description);
            result.Add(ReadParameter(entry.Title[1..], description, yamlBlocks, sets));
        }

        if (result.Select(p => p.Name).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw source.Error(parameters.Heading, $"parameter '-{duplicate.Key}' is described twice.");
        }

        return result;
    }

    private ParameterHelp ReadParameter(string name, IReadOnlyList<string> description, List<FencedCodeBlock> yamlBlocks, IReadOnlyList<ParameterSetHelp> sets)
    {
        var usages = new List<ParameterUsage>();
        Dictionary<string, string>? first = null;
        foreach (var block in yamlBlocks)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in YamlMap.Parse(BlockText.Lines(block), source.Path, MarkdownSource.LineOf(block)))
            {
                if (!ParameterKeys.Contains(key.Name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new HelpSourceException(source.Path, key.Line, $"unknown key '{key.Name}' in the YAML of -{name}; expected {string.Join(", ", ParameterKeys)}.");
                }

                values[key.Name] = value.Trim();
            }

            string Need(string key) => values.TryGetValue(key, out var v) && v.Length > 0
                ? v
                : throw source.Error(block, $"the YAML of -{name} has no '{key}:'.");

            var setNames = Need("Parameter Sets").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var set in setNames.Where(s => s != "(All)"))
            {
                if (!sets.Any(s => string.Equals(s.Name, set, StringComparison.OrdinalIgnoreCase)))
                {
                    throw source.Error(block, $"-{name} names parameter set '{set}', which SYNTAX does not list ({string.Join(", ", sets.Select(s => s.Name))}).");
                }
            }

            usages.Add(new ParameterUsage(
                setNames,
                Bool(Need("Required"), block, name, "Required"),
                Position(Need("Position"), block, name),
                PipelineInput(Need("Accept pipeline input"), block, name)));
            first ??= values;
        }

        return new ParameterHelp(
            Name: name,
            Description: description,
            Type: first!.TryGetValue("Type", out var type) && type.Length > 0 ? type : throw source.Error(yamlBlocks[0], $"the YAML of -{name} has no 'Type:'."),
            Aliases: List(first.GetValueOrDefault("Aliases")),
            AcceptedValues: List(first.GetValueOrDefault("Accepted values")),
            DefaultValue: first.GetValueOrDefault("Default value") is { Length: > 0 } d ? d : "None",
            Globbing: first.TryGetValue("Accept wildcard characters", out var g) && Bool(g, yamlBlocks[0], name, "Accept wildcard characters"),
            Usages: usages);
    }

    private IReadOnlyList<TypeHelp> ReadTypes(Section? section)
    {
        if (section is null)
        {
            return [];
        }

        var types = Section.Split(section.Blocks, 3, out var preamble);
        if (preamble.Count > 0 && types.Count == 0)
        {
            throw source.Error(preamble[0], $"{section.Title} lists types as '### TypeName' headings (use '### None' when there is none).");
        }

        return types.Select(t => new TypeHelp(t.Title, BlockText.Paragraphs(t.Blocks))).ToList();
    }

    private static IReadOnlyList<LinkHelp> ReadLinks(Section? section)
    {
        if (section is null)
        {
            return [];
        }

        var links = new List<LinkHelp>();
        var inlines = section.Blocks
            .SelectMany(b => b is LeafBlock leaf ? [leaf] : b.Descendants<LeafBlock>())
            .Where(leaf => leaf.Inline is not null)
            .SelectMany(leaf => leaf.Inline!.Descendants<LinkInline>());
        foreach (var link in inlines.Where(l => !l.IsImage))
        {
            // Relative links (Get-SmtpCertificate.md) serve the markdown; in MAML only the name is useful.
            var uri = Uri.TryCreate(link.Url, UriKind.Absolute, out _) ? link.Url! : string.Empty;
            links.Add(new LinkHelp(InlineText.Render(link), uri));
        }

        return links;
    }

    private IReadOnlyList<string> Text(Section section, bool required)
    {
        var paragraphs = BlockText.Paragraphs(section.Blocks);
        if (required && paragraphs.Count == 0)
        {
            throw source.Error(section.Heading, $"section '## {section.Title}' is empty.");
        }

        WarnPlaceholders(section.Heading, paragraphs);
        return paragraphs;
    }

    private void WarnPlaceholders(Block at, IEnumerable<string> texts)
    {
        if (texts.Any(t => t.Contains("{{", StringComparison.Ordinal)))
        {
            Warnings.Add(source.Error(at, "unfinished text: '{{ ... }}' placeholder."));
        }
    }

    private bool Bool(string value, Block block, string name, string key) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw source.Error(block, $"'{key}: {value}' of -{name} must be true or false."),
    };

    private string Position(string value, Block block, string name) =>
        value.Equals("named", StringComparison.OrdinalIgnoreCase) ? "named"
        : int.TryParse(value, out var position) && position >= 0 ? position.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : throw source.Error(block, $"'Position: {value}' of -{name} must be 'named' or a number from 0.");

    private string PipelineInput(string value, Block block, string name)
    {
        var normalized = value.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        return normalized switch
        {
            "false" => "False",
            "true(byvalue)" => "True (ByValue)",
            "true(bypropertyname)" => "True (ByPropertyName)",
            "true(byvalue,bypropertyname)" or "true(bypropertyname,byvalue)" => "True (ByValue, ByPropertyName)",
            _ => throw source.Error(block, $"'Accept pipeline input: {value}' of -{name} must be False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName)."),
        };
    }

    private static IReadOnlyList<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Equals("None", StringComparison.OrdinalIgnoreCase)
            ? []
            : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
