using System;

namespace SmtpTls;

/// <summary>
/// One address to test for a mail domain, with the MX host and preference it came from, so that a
/// check result can say which MX and which address it is about.
/// </summary>
public sealed class SmtpMailTarget
{
    /// <summary>Creates a target.</summary>
    /// <exception cref="ArgumentException"><paramref name="domain"/>, <paramref name="mxHost"/> or <paramref name="address"/> is null or empty.</exception>
    public SmtpMailTarget(string domain, string mxHost, int preference, string address, SmtpAddressFamily addressFamily, bool isImplicitMx)
    {
        if (string.IsNullOrEmpty(domain))
        {
            throw new ArgumentException("A target needs its domain.", nameof(domain));
        }

        if (string.IsNullOrEmpty(mxHost))
        {
            throw new ArgumentException("A target needs its MX host.", nameof(mxHost));
        }

        if (string.IsNullOrEmpty(address))
        {
            throw new ArgumentException("A target needs an address.", nameof(address));
        }

        Domain = domain;
        MxHost = mxHost;
        Preference = preference;
        Address = address;
        AddressFamily = addressFamily;
        IsImplicitMx = isImplicitMx;
    }

    /// <summary>The mail domain, ASCII (punycode) form.</summary>
    public string Domain { get; }

    /// <summary>The MX host name (ASCII form): the name the server's certificate should carry. The domain itself for an implicit MX.</summary>
    public string MxHost { get; }

    /// <summary>The MX preference (lower is tried first); 0 for an implicit MX.</summary>
    public int Preference { get; }

    /// <summary>The IP address as text (IPv6 without brackets), ready to connect to.</summary>
    public string Address { get; }

    /// <summary>IPv4 or IPv6.</summary>
    public SmtpAddressFamily AddressFamily { get; }

    /// <summary>True when the domain has no MX records and its own A/AAAA records are used (RFC 5321 section 5.1).</summary>
    public bool IsImplicitMx { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var address = AddressFamily == SmtpAddressFamily.IPv6 ? "[" + Address + "]" : Address;
        return IsImplicitMx ? $"{Domain} (no MX) {address}" : $"{Domain} MX {Preference} {MxHost} {address}";
    }
}
