using System;
using SmtpTls.Localization;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmtpTls.Probing;

/// <summary>
/// A mail server endpoint as a user types it: a host name, an IPv4 or IPv6 literal, or either with a
/// port (<c>mx.example.org:587</c>, <c>192.0.2.1:25</c>, <c>[2001:db8::1]:465</c>). Shared by every
/// cmdlet that takes <c>-Server</c>, so they all accept the same spellings.
/// </summary>
public sealed class SmtpTarget
{
    private SmtpTarget(string host, IPAddress? address, int? port)
    {
        Host = host;
        Address = address;
        Port = port;
    }

    /// <summary>The host name, or the IP literal without brackets.</summary>
    public string Host { get; }

    /// <summary>The address when the input was an IP literal; null for a host name.</summary>
    public IPAddress? Address { get; }

    /// <summary>Whether the input was an IP literal (then no certificate name follows from it).</summary>
    public bool IsIPAddress => Address is not null;

    /// <summary>The port given with the input, or null.</summary>
    public int? Port { get; }

    /// <summary>Parses <paramref name="input"/>; throws <see cref="FormatException"/> with a reason when it is not usable.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="FormatException">The input is not a host name or IP literal, or its port is out of range.</exception>
    public static SmtpTarget Parse(string input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (!TryParse(input, out var target, out var error))
        {
            throw new FormatException(error);
        }

        return target!;
    }

    /// <summary>Parses <paramref name="input"/> without throwing; <paramref name="error"/> says why it failed.</summary>
    public static bool TryParse(string? input, out SmtpTarget? target, out string? error)
    {
        target = null;
        error = null;
        var text = input?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = LocalizedText.Format("Target.Empty", null);
            return false;
        }

        // Users paste URLs from admin consoles; the scheme tells nothing we could use, so strip it.
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            text = text.Substring(scheme + 3).TrimEnd('/');
        }

        string hostPart;
        string? portPart = null;
        if (text.StartsWith("[", StringComparison.Ordinal))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                error = LocalizedText.Format("Target.IPv6BracketNotClosed", null, input);
                return false;
            }

            hostPart = text.Substring(1, close - 1);
            var rest = text.Substring(close + 1);
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = LocalizedText.Format("Target.IPv6TrailingText", null, input);
                    return false;
                }

                portPart = rest.Substring(1);
            }

            if (!IPAddress.TryParse(hostPart, out var bracketed) || bracketed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = LocalizedText.Format("Target.NotIPv6", null, input, hostPart);
                return false;
            }
        }
        else
        {
            var colons = Count(text, ':');
            if (colons == 1)
            {
                var colon = text.IndexOf(':');
                hostPart = text.Substring(0, colon);
                portPart = text.Substring(colon + 1);
            }
            else
            {
                // Two or more colons without brackets can only be a bare IPv6 address: a port cannot be told apart.
                hostPart = text;
            }
        }

        int? port = null;
        if (portPart is not null)
        {
            if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > 65535)
            {
                error = LocalizedText.Format("Target.BadPort", null, input, portPart);
                return false;
            }

            port = value;
        }

        if (IPAddress.TryParse(hostPart, out var address) && LooksLikeIPLiteral(hostPart, address))
        {
            // A zone index (fe80::1%eth0) is kept by IPAddress; the host text must not carry it into SNI.
            target = new SmtpTarget(address.ToString(), address, port);
            return true;
        }

        var host = hostPart.TrimEnd('.');
        try
        {
            // Certificates and SNI carry the A-label form of international names.
            host = new IdnMapping().GetAscii(host);
        }
        catch (ArgumentException)
        {
            error = LocalizedText.Format("Target.NotHostOrAddress", null, input, hostPart);
            return false;
        }

        if (!IsHostName(host))
        {
            error = LocalizedText.Format("Target.NotHostOrAddress", null, input, hostPart);
            return false;
        }

        target = new SmtpTarget(host.ToLowerInvariant(), null, port);
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var host = Address?.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + Host + "]" : Host;
        return Port is null ? host : host + ":" + Port.Value.ToString(CultureInfo.InvariantCulture);
    }

    private static bool LooksLikeIPLiteral(string text, IPAddress address)
    {
        // IPAddress.TryParse accepts "1" or "10.1" as IPv4; a mail admin means a host name there.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return true;
        }

        return Count(text, '.') == 3;
    }

    private static bool IsHostName(string host)
    {
        if (host.Length == 0 || host.Length > 253)
        {
            return false;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                // Underscores occur in real internal names; IDN input is expected in its A-label (xn--) form.
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int Count(string text, char c)
    {
        var n = 0;
        foreach (var ch in text)
        {
            if (ch == c)
            {
                n++;
            }
        }

        return n;
    }
}
