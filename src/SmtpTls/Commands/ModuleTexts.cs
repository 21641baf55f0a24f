using System.Management.Automation;
using SmtpTls.Localization;

namespace SmtpTls.Commands;

/// <summary>
/// Layers the cmdlets' texts (<c>Localization/Texts.*.xml</c> of this assembly) over the engine's when the module
/// is imported: the texts only the cmdlets use (ShouldProcess actions, progress, <c>-OutFile</c>), and the wording of
/// engine advice that names a parameter. The engine names its option or the concept (a plain C# caller sets
/// <c>TrustAnchors</c>); users of the cmdlets read the parameter they type (<c>-TrustedRootPath</c>).
/// </summary>
public sealed class ModuleTexts : IModuleAssemblyInitializer
{
    /// <summary>The manifest resource name of the tables before the language.</summary>
    internal const string ResourcePrefix = "SmtpTls.Commands.Texts.";

    /// <summary>Called by PowerShell when the module is imported; registering twice changes nothing.</summary>
    public void OnImport() => Register();

    /// <summary>Registers the cmdlets' tables with <see cref="LocalizedText"/> (idempotent).</summary>
    internal static void Register() => LocalizedText.AddHostTexts(typeof(ModuleTexts).Assembly, ResourcePrefix);
}
