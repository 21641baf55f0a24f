using System;

namespace SmtpTls;

/// <summary>
/// The names result objects carry for enum values (Status, a finding's Id and Severity), the same
/// text <see cref="Enum.ToString()"/> gives, without its generic formatting machinery on every check.
/// </summary>
internal static class EnumNames
{
    private static readonly string[] FindingIds = NamesOf<SmtpTlsFindingId>();

    public static string Of(SmtpTlsStatus value) => value switch
    {
        SmtpTlsStatus.Passed => nameof(SmtpTlsStatus.Passed),
        SmtpTlsStatus.Warning => nameof(SmtpTlsStatus.Warning),
        SmtpTlsStatus.Failed => nameof(SmtpTlsStatus.Failed),
        SmtpTlsStatus.Error => nameof(SmtpTlsStatus.Error),
        SmtpTlsStatus.Throttled => nameof(SmtpTlsStatus.Throttled),
        _ => value.ToString(),
    };

    public static string Of(SmtpTlsFindingSeverity value) => value switch
    {
        SmtpTlsFindingSeverity.Info => nameof(SmtpTlsFindingSeverity.Info),
        SmtpTlsFindingSeverity.Warning => nameof(SmtpTlsFindingSeverity.Warning),
        SmtpTlsFindingSeverity.Error => nameof(SmtpTlsFindingSeverity.Error),
        _ => value.ToString(),
    };

    public static string Of(SmtpTlsFindingId value)
    {
        var index = (int)value;
        return index >= 0 && index < FindingIds.Length && FindingIds[index] is { } name ? name : value.ToString();
    }

    /// <summary>The names of an enum whose values are small non-negative numbers, indexed by value (null for a gap).</summary>
    private static string[] NamesOf<T>()
        where T : struct
    {
        var values = (T[])Enum.GetValues(typeof(T));
        var names = new string[0];
        foreach (var value in values)
        {
            var index = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            if (index < 0 || index > 1024)
            {
                continue;
            }

            if (index >= names.Length)
            {
                Array.Resize(ref names, index + 1);
            }

            names[index] = value.ToString()!;
        }

        return names;
    }
}
