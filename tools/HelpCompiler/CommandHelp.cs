namespace HelpCompiler;

/// <summary>The help of one cmdlet, as read from its PlatyPS markdown and written to MAML.</summary>
public sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ParameterSetHelp> ParameterSets,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LinkHelp> Links,
    string? OnlineVersion)
{
    public string Verb => Name.Split('-', 2)[0];

    public string Noun => Name.Contains('-') ? Name.Split('-', 2)[1] : string.Empty;
}

/// <summary>A parameter set named in SYNTAX (<c>### Name (Default)</c>, or <c>__AllParameterSets</c>).</summary>
public sealed record ParameterSetHelp(string Name, bool IsDefault);

public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>One <c>### -Name</c> entry of PARAMETERS.</summary>
public sealed record ParameterHelp(
    string Name,
    IReadOnlyList<string> Description,
    string Type,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> AcceptedValues,
    string DefaultValue,
    bool Globbing,
    IReadOnlyList<ParameterUsage> Usages)
{
    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

    /// <summary>The usage that applies in <paramref name="set"/>, or null when the parameter is not in it.</summary>
    public ParameterUsage? UsageIn(string set) =>
        Usages.FirstOrDefault(u => u.Sets.Contains(set, StringComparer.OrdinalIgnoreCase))
        ?? Usages.FirstOrDefault(u => u.InAllSets);
}

/// <summary>
/// One YAML block of a parameter: how it binds in the sets it names. A parameter that is mandatory
/// in one set and optional in another has two.
/// </summary>
public sealed record ParameterUsage(
    IReadOnlyList<string> Sets,
    bool Required,
    string Position,
    string PipelineInput)
{
    public bool InAllSets => Sets.Count == 1 && Sets[0] == "(All)";
}

public sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

public sealed record LinkHelp(string Text, string Uri);
