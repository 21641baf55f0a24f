namespace SmtpTls.Dns;

/// <summary>One MX host with its (lowest) preference.</summary>
internal readonly struct MxHostEntry
{
    public MxHostEntry(string name, int preference)
    {
        Name = name;
        Preference = preference;
    }

    public string Name { get; }

    public int Preference { get; }

    public override string ToString() => Preference + " " + Name;
}
