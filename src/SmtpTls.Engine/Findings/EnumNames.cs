using System;

namespace SmtpTls;

/// <summary>
/// The names result objects carry for enum values (Status, a finding's Id and Severity), the same
/// text <see cref="Enum.ToString()"/> gives, without its generic formatting machinery on every check.
/// </summary>
internal static class EnumNames
{
    private static readonly string[] Statuses = NamesOf<SmtpTlsStatus>();
    private static readonly string[] Severities = NamesOf<SmtpTlsFindingSeverity>();
    private static readonly string[] FindingIds = NamesOf<SmtpTlsFindingId>();

    public static string Of(SmtpTlsStatus value) => Lookup(Statuses, (int)value) ?? value.ToString();

    public static string Of(SmtpTlsFindingSeverity value) => Lookup(Severities, (int)value) ?? value.ToString();

    public static string Of(SmtpTlsFindingId value) => Lookup(FindingIds, (int)value) ?? value.ToString();

    private static string? Lookup(string[] names, int index) => index >= 0 && index < names.Length ? names[index] : null;

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
