namespace SmtpTls.Dns;

/// <summary>One MX host with its (lowest) preference.</summary>
internal readonly struct MxHostEntry
{
    /// <summary>An MX host and its preference.</summary>
    public MxHostEntry(string name, int preference)
    {
        Name = name;
        Preference = preference;
    }

    /// <summary>The host name, as the MX record names it.</summary>
    public string Name { get; }

    /// <summary>The preference (lower is tried first, RFC 5321 §5.1).</summary>
    public int Preference { get; }

    public override string ToString() => Preference + " " + Name;
}
