using System.Globalization;
using System.Management.Automation;

namespace SmtpTls.Commands;

/// <summary>
/// What every SmtpTls cmdlet shares: the <c>-Culture</c> of its messages and the question whether anyone reads
/// <c>-Verbose</c> output. Cmdlets that connect to a mail server build on <see cref="SmtpConnectionCommandBase"/>.
/// </summary>
public abstract class SmtpCommandBase : PSCmdlet
{
    /// <summary>
    /// The language of messages, findings and remediation texts (English and German are shipped; others fall back to
    /// English); default: the session's UI culture.
    /// </summary>
    [Parameter]
    public CultureInfo? Culture { get; set; }

    /// <summary>The culture messages are written in: <see cref="Culture"/> when given, else the session's UI culture.</summary>
    protected CultureInfo EffectiveCulture => Culture ?? CultureInfo.CurrentUICulture;

    /// <summary>
    /// Whether <c>-Verbose</c> output is wanted (the switch, or <c>$VerbosePreference</c>), so that transcript lines
    /// are only collected when someone reads them: a dialogue costs memory and time on every check.
    /// </summary>
    protected bool VerboseWanted
    {
        get
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose))
            {
                return verbose is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(verbose);
            }

            return GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue;
        }
    }
}
