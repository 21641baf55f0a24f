namespace SmtpTls;

/// <summary>Whether the server chooses the suite by its own preference for one protocol version.</summary>
public sealed class SmtpTlsCipherOrder
{
    /// <summary>Creates an entry.</summary>
    public SmtpTlsCipherOrder(string protocol, int suites, bool? serverOrder)
    {
        Protocol = protocol;
        Suites = suites;
        ServerOrder = serverOrder;
    }

    /// <summary>The protocol version.</summary>
    public string Protocol { get; }

    /// <summary>How many suites the server accepts for this version.</summary>
    public int Suites { get; }

    /// <summary>True when the server picks by its own order, false when the client's order decides, null with fewer than two suites.</summary>
    public bool? ServerOrder { get; }

    /// <inheritdoc />
    public override string ToString() => Protocol + ": " + Suites + (ServerOrder == true ? " (server order)" : ServerOrder == false ? " (client order)" : string.Empty);
}
