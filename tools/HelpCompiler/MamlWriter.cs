using System.Text;
using System.Xml;

namespace HelpCompiler;

/// <summary>
/// Writes commands as a MAML help file (<c>&lt;Assembly&gt;.dll-Help.xml</c>) in the layout
/// Get-Help reads, the same as the files PowerShell ships: root
/// <c>&lt;helpItems schema="maml" xmlns="http://msh"&gt;</c>, one <c>command:command</c> per cmdlet.
/// </summary>
public static class MamlWriter
{
    private const string MshNs = "http://msh";
    private const string MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    private const string CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MsHelpNs = "http://msdn.microsoft.com/mshelp";

    public static void Write(string path, IEnumerable<CommandHelp> commands)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false) };
        using var xml = XmlWriter.Create(path, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("helpItems", MshNs);
        xml.WriteAttributeString("schema", "maml");
        foreach (var command in commands)
        {
            WriteCommand(xml, command);
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp command)
    {
        xml.WriteStartElement("command", "command", CommandNs);
        xml.WriteAttributeString("xmlns", "maml", null, MamlNs);
        xml.WriteAttributeString("xmlns", "command", null, CommandNs);
        xml.WriteAttributeString("xmlns", "dev", null, DevNs);
        xml.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNs);

        xml.WriteStartElement("command", "details", CommandNs);
        xml.WriteElementString("command", "name", CommandNs, command.Name);
        xml.WriteElementString("command", "verb", CommandNs, command.Verb);
        xml.WriteElementString("command", "noun", CommandNs, command.Noun);
        Description(xml, [command.Synopsis]);
        xml.WriteEndElement();

        Description(xml, command.Description);

        xml.WriteStartElement("command", "syntax", CommandNs);
        foreach (var set in command.ParameterSets)
        {
            xml.WriteStartElement("command", "syntaxItem", CommandNs);
            xml.WriteElementString("maml", "name", MamlNs, command.Name);
            var inSet = command.Parameters
                .Select(p => (Parameter: p, Usage: p.UsageIn(set.Name)))
                .Where(x => x.Usage is not null)
                .OrderBy(x => x.Usage!.Position == "named" ? int.MaxValue : int.Parse(x.Usage.Position, System.Globalization.CultureInfo.InvariantCulture))
                .ThenBy(x => x.Usage!.Required ? 0 : 1);
            foreach (var (parameter, usage) in inSet)
            {
                Parameter(xml, parameter, usage!, inSyntax: true);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", CommandNs);
        foreach (var parameter in command.Parameters)
        {
            Parameter(xml, parameter, parameter.Usages[0], inSyntax: false);
        }

        xml.WriteEndElement();

        Types(xml, "inputTypes", "inputType", command.Inputs);
        Types(xml, "returnValues", "returnValue", command.Outputs);

        if (command.Notes.Count > 0)
        {
            xml.WriteStartElement("maml", "alertSet", MamlNs);
            xml.WriteStartElement("maml", "alert", MamlNs);
            Paragraphs(xml, command.Notes);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", CommandNs);
        foreach (var example in command.Examples)
        {
            xml.WriteStartElement("command", "example", CommandNs);
            xml.WriteElementString("maml", "title", MamlNs, $"---------- {example.Title} ----------");
            xml.WriteElementString("dev", "code", DevNs, example.Code);
            xml.WriteStartElement("dev", "remarks", DevNs);
            // The empty last paragraph gives a blank line before the next example's title.
            Paragraphs(xml, [.. example.Remarks, string.Empty]);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", CommandNs);
        var links = command.OnlineVersion is null ? command.Links : command.Links.Prepend(new LinkHelp("Online Version:", command.OnlineVersion));
        foreach (var link in links)
        {
            xml.WriteStartElement("maml", "navigationLink", MamlNs);
            xml.WriteElementString("maml", "linkText", MamlNs, link.Text);
            xml.WriteElementString("maml", "uri", MamlNs, link.Uri);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Parameter(XmlWriter xml, ParameterHelp parameter, ParameterUsage usage, bool inSyntax)
    {
        xml.WriteStartElement("command", "parameter", CommandNs);
        xml.WriteAttributeString("required", usage.Required ? "true" : "false");
        xml.WriteAttributeString("variableLength", "true");
        xml.WriteAttributeString("globbing", parameter.Globbing ? "true" : "false");
        xml.WriteAttributeString("pipelineInput", usage.PipelineInput);
        xml.WriteAttributeString("position", usage.Position);
        xml.WriteAttributeString("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
        xml.WriteElementString("maml", "name", MamlNs, parameter.Name);
        Description(xml, parameter.Description);

        if (inSyntax && parameter.AcceptedValues.Count > 0)
        {
            // Get-Help shows these as -TlsMode {Auto | StartTls | Implicit}.
            xml.WriteStartElement("command", "parameterValueGroup", CommandNs);
            foreach (var value in parameter.AcceptedValues)
            {
                ParameterValue(xml, value, required: false);
            }

            xml.WriteEndElement();
        }
        else if (!(inSyntax && parameter.IsSwitch))
        {
            // A switch takes no value: in syntax it shows as [-Quiet], in the parameter list as <SwitchParameter>.
            ParameterValue(xml, parameter.Type, required: !parameter.IsSwitch);
        }

        xml.WriteStartElement("dev", "type", DevNs);
        xml.WriteElementString("maml", "name", MamlNs, parameter.Type);
        xml.WriteElementString("maml", "uri", MamlNs, string.Empty);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", DevNs, parameter.DefaultValue);
        xml.WriteEndElement();
    }

    private static void ParameterValue(XmlWriter xml, string value, bool required)
    {
        xml.WriteStartElement("command", "parameterValue", CommandNs);
        xml.WriteAttributeString("required", required ? "true" : "false");
        xml.WriteAttributeString("variableLength", "false");
        xml.WriteString(value);
        xml.WriteEndElement();
    }

    private static void Types(XmlWriter xml, string listName, string itemName, IReadOnlyList<TypeHelp> types)
    {
        xml.WriteStartElement("command", listName, CommandNs);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", itemName, CommandNs);
            xml.WriteStartElement("dev", "type", DevNs);
            xml.WriteElementString("maml", "name", MamlNs, type.TypeName);
            xml.WriteEndElement();
            Description(xml, type.Description);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Description(XmlWriter xml, IReadOnlyList<string> paragraphs)
    {
        xml.WriteStartElement("maml", "description", MamlNs);
        Paragraphs(xml, paragraphs);
        xml.WriteEndElement();
    }

    private static void Paragraphs(XmlWriter xml, IReadOnlyList<string> paragraphs)
    {
        foreach (var paragraph in paragraphs)
        {
            xml.WriteElementString("maml", "para", MamlNs, paragraph);
        }
    }
}
