using System;
using System.Net;
using System.Net.Sockets;

namespace SmtpTls.Probing;

/// <summary>Checks a source address (<see cref="SmtpTlsProbeOptions.SourceAddress"/>) before a run uses it.</summary>
public static class SmtpSourceAddress
{
    /// <summary>
    /// Whether connections can be made from <paramref name="address"/>: it must be an address of this machine
    /// (the test is a bind to it, which the system refuses for any other address), so a typo fails once,
    /// clearly, instead of in every check.
    /// </summary>
    /// <param name="address">The address to test.</param>
    /// <param name="error">Why it cannot be used; null when it can.</param>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    public static bool IsUsable(IPAddress address, out string? error)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            error = null;
            return true;
        }
        catch (SocketException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
