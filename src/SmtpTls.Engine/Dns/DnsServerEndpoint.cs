using System;
using SmtpTls.Localization;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmtpTls.Dns;

/// <summary>
/// The address and port of a DNS server given by the user as <c>ip[:port]</c>:
/// <c>192.0.2.53</c>, <c>192.0.2.53:5353</c>, <c>2001:db8::53</c>, <c>[2001:db8::53]</c> or
/// <c>[::1]:5353</c>. The port defaults to 53.
/// </summary>
/// <remarks>
/// A host name is refused on purpose: resolving the resolver's own name would need another
/// resolver, and the point of naming a server is to know exactly which one answers.
/// The parser is stricter than <see cref="IPAddress.TryParse(string, out IPAddress)"/>, which
/// accepts <c>127.1</c> or a bare number as IPv4 and silently drops the port of <c>[::1]:53</c>.
/// </remarks>
public sealed class DnsServerEndpoint : IEquatable<DnsServerEndpoint>
{
    /// <summary>The port a DNS server listens on unless told otherwise.</summary>
    public const int DefaultPort = 53;

    /// <summary>Creates an endpoint from an address and a port.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is neither IPv4 nor IPv6.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 1..65535.</exception>
    public DnsServerEndpoint(IPAddress address, int port = DefaultPort)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetwork && address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("A DNS server address must be IPv4 or IPv6.", nameof(address));
        }

        if (port < IPEndPoint.MinPort + 1 || port > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A DNS server port must be between 1 and 65535.");
        }

        Address = address;
        Port = port;
    }

    /// <summary>The server's IP address.</summary>
    public IPAddress Address { get; }

    /// <summary>The server's UDP/TCP port.</summary>
    public int Port { get; }

    /// <summary>The endpoint as an <see cref="IPEndPoint"/>.</summary>
    public IPEndPoint ToIPEndPoint() => new(Address, Port);

    /// <summary>Parses <c>ip[:port]</c>; IPv6 with a port needs brackets (<c>[::1]:5353</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is not an IP address with an optional port; the message says why.</exception>
    public static DnsServerEndpoint Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        if (!TryParse(text, out var endpoint, out var error))
        {
            throw new ArgumentException(error, nameof(text));
        }

        return endpoint!;
    }

    /// <summary>Parses <c>ip[:port]</c> without throwing.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="endpoint">The endpoint, or null when the text is not valid.</param>
    /// <param name="error">Why the text is not valid, or null when it is.</param>
    /// <returns>Whether <paramref name="text"/> is a valid endpoint.</returns>
    public static bool TryParse(string? text, out DnsServerEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            error = "A DNS server is required as ip[:port], for example 127.0.0.1:5353 or [::1]:5353.";
            return false;
        }

        string addressPart;
        string? portPart = null;
        if (value[0] == '[')
        {
            var close = value.IndexOf(']');
            if (close < 0)
            {
                error = LocalizedText.Format("DnsServer.BracketNotClosed", null, value);
                return false;
            }

            addressPart = value.Substring(1, close - 1);
            var rest = value.Substring(close + 1);
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || rest.Length == 1)
                {
                    error = LocalizedText.Format("DnsServer.TrailingText", null, value);
                    return false;
                }

                portPart = rest.Substring(1);
            }

            if (!TryParseIPv6(addressPart, out var v6))
            {
                error = LocalizedText.Format("DnsServer.NotIPv6InBrackets", null, addressPart);
                return false;
            }

            return TryFinish(value, v6!, portPart, out endpoint, out error);
        }

        var colons = CountColons(value);
        if (colons > 1)
        {
            // Several colons without brackets can only be a bare IPv6 address: a port would be ambiguous.
            if (!TryParseIPv6(value, out var v6))
            {
                error = LocalizedText.Format("DnsServer.NotIPv6", null, value);
                return false;
            }

            return TryFinish(value, v6!, null, out endpoint, out error);
        }

        addressPart = value;
        if (colons == 1)
        {
            var colon = value.IndexOf(':');
            addressPart = value.Substring(0, colon);
            portPart = value.Substring(colon + 1);
        }

        if (!TryParseIPv4(addressPart, out var v4))
        {
            error = LooksLikeHostName(addressPart)
                ? LocalizedText.Format("DnsServer.NameNotAddress", null, addressPart)
                : LocalizedText.Format("DnsServer.NotIPv4", null, addressPart);
            return false;
        }

        return TryFinish(value, v4!, portPart, out endpoint, out error);
    }

    /// <summary><c>a.b.c.d:port</c> or <c>[v6]:port</c>, the form <see cref="Parse"/> reads back.</summary>
    public override string ToString()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        return Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + Address + "]:" + port : Address + ":" + port;
    }

    /// <inheritdoc />
    public bool Equals(DnsServerEndpoint? other) => other is not null && Port == other.Port && Address.Equals(other.Address);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DnsServerEndpoint);

    /// <inheritdoc />
    public override int GetHashCode() => unchecked((Address.GetHashCode() * 397) ^ Port);

    private static bool TryFinish(string original, IPAddress address, string? portPart, out DnsServerEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        var port = DefaultPort;
        if (portPart is not null && !TryParsePort(portPart, out port))
        {
            error = LocalizedText.Format("DnsServer.BadPort", null, portPart, original);
            return false;
        }

        endpoint = new DnsServerEndpoint(address, port);
        return true;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        if (text.Length == 0 || text.Length > 5)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        port = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return port >= 1 && port <= IPEndPoint.MaxPort;
    }

    private static bool TryParseIPv4(string text, out IPAddress? address)
    {
        address = null;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length == 0 || part.Length > 3)
            {
                return false;
            }

            foreach (var c in part)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            var number = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (number > 255)
            {
                return false;
            }

            bytes[i] = (byte)number;
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static bool TryParseIPv6(string text, out IPAddress? address)
    {
        address = null;

        // IPAddress.TryParse would take "[::1]:53" or an IPv4 literal here; only a plain IPv6 text may pass.
        if (text.Length == 0 || text.IndexOf(':') < 0 || text.IndexOfAny(new[] { '[', ']', ' ' }) >= 0)
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static int CountColons(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c == ':')
            {
                count++;
            }
        }

        return count;
    }

    private static bool LooksLikeHostName(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }
}
