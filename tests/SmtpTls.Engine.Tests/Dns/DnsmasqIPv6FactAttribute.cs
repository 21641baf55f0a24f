using System.Net;
using System.Net.Sockets;
using Xunit;

namespace SmtpTls.Tests.Dns;

/// <summary>Needs dnsmasq and an IPv6 loopback address.</summary>
public sealed class DnsmasqIPv6FactAttribute : FactAttribute
{
    public DnsmasqIPv6FactAttribute()
    {
        if (DnsmasqServer.SkipReason is { } reason)
        {
            Skip = reason;
            return;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException exception)
        {
            Skip = "This machine has no usable IPv6 loopback (::1): " + exception.SocketErrorCode;
        }
    }
}
