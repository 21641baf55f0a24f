using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTls.Smtp;

/// <summary>
/// Opens a connection that is ready for a hand-built ClientHello: at once for implicit TLS, after
/// banner, EHLO and "220 Ready to start TLS" for STARTTLS. Every scan probe needs its own.
/// </summary>
internal static class TlsProbeConnection
{
    /// <summary>
    /// The open connection, or null with a short English detail (the reply or error that stopped it);
    /// network failures are answers here, only cancellation throws.
    /// </summary>
    public static async Task<(SmtpConnection? Connection, string? Detail)> OpenAsync(
        IPAddress address, int port, SmtpTlsMode mode, string heloName, TimeSpan timeout, Action<string>? log, IPAddress? sourceAddress, CancellationToken cancellationToken)
    {
        SmtpConnection? connection = null;
        try
        {
            connection = await SmtpConnection.ConnectAsync(address, port, timeout, log, cancellationToken, sourceAddress).ConfigureAwait(false);
            if (mode != SmtpTlsMode.Implicit)
            {
                var banner = await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false);
                if (banner.Code != 220)
                {
                    return Fail(connection, "banner: " + banner.Lines[0]);
                }

                var ehlo = await connection.CommandAsync("EHLO " + heloName, cancellationToken).ConfigureAwait(false);
                if (!ehlo.IsPositive)
                {
                    return Fail(connection, "EHLO: " + ehlo.Lines[0]);
                }

                // Read byte by byte: whatever follows "220 Ready to start TLS" belongs to the TLS layer.
                var startTls = await connection.CommandAsync("STARTTLS", cancellationToken, exact: true).ConfigureAwait(false);
                if (startTls.Code != 220)
                {
                    return Fail(connection, "STARTTLS: " + startTls.Lines[0]);
                }
            }

            return (connection, null);
        }
        catch (Exception ex) when (IsProbeFailure(ex))
        {
            connection?.Dispose();
            return (null, ex is TimeoutException ? "timeout: " + ex.Message : ex.Message);
        }
    }

    /// <summary>The failures a probe reports as its answer instead of throwing.</summary>
    public static bool IsProbeFailure(Exception ex) =>
        ex is TimeoutException or IOException or ObjectDisposedException or SocketException or SmtpProtocolException;

    private static (SmtpConnection?, string?) Fail(SmtpConnection connection, string detail)
    {
        connection.Dispose();
        return (null, detail);
    }
}
