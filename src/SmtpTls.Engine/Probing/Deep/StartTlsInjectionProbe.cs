using System;
using System.Security.Authentication;
using System.Text;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// The STARTTLS command injection check (CVE-2011-0411 and its kin in many MTAs): STARTTLS and NOOP
/// go out in one packet; after the handshake we say QUIT. A correct server throws the NOOP away
/// with the plaintext buffer (RFC 3207, 4.2: the client must not pipeline past STARTTLS, and a server must not act on what it did), so QUIT's 221 comes first;
/// a vulnerable one answers the NOOP inside TLS, and its 250 comes first. The reply codes differ,
/// so nothing has to be timed.
/// </summary>
internal static class StartTlsInjectionProbe
{
    /// <summary>Checks whether commands sent in plaintext together with STARTTLS are answered inside TLS (CVE-2011-0411 and kin).</summary>
    public static async Task<(bool? Injection, bool? BytesAfterReady, string? Plaintext)> CheckAsync(DeepProbeContext context)
    {
        using var slot = await context.TakeSlotAsync().ConfigureAwait(false);
        var log = context.Log is null ? null : new Action<string>(line => context.Log("[Deep injection] " + line));
        SmtpConnection? connection = null;
        try
        {
            connection = await SmtpConnection.ConnectAsync(context.Address, context.Port, context.Timeout, log, context.CancellationToken, context.SourceAddress).ConfigureAwait(false);
            var banner = await connection.ReadReplyAsync(context.CancellationToken).ConfigureAwait(false);
            if (banner.Code != 220)
            {
                return Unknown(context, "banner " + banner.Lines[0]);
            }

            var ehlo = await connection.CommandAsync("EHLO " + context.HeloName, context.CancellationToken).ConfigureAwait(false);
            if (!ehlo.IsPositive || !SmtpCapabilities.Has(SmtpCapabilities.Keywords(ehlo), "STARTTLS"))
            {
                return Unknown(context, "no STARTTLS offered");
            }

            connection.Log("C: STARTTLS");
            connection.Log("C: NOOP (in the same packet)");
            await connection.WriteAsync(Encoding.ASCII.GetBytes("STARTTLS\r\nNOOP\r\n"), context.CancellationToken).ConfigureAwait(false);
            var ready = await connection.ReadReplyAsync(context.CancellationToken, exact: true).ConfigureAwait(false);
            if (ready.Code != 220)
            {
                return Unknown(context, "STARTTLS " + ready.Lines[0]);
            }

            var recording = new FirstBytesRecordingStream(connection.Stream);
            TlsSession session;
            try
            {
                session = await TlsHandshake.AuthenticateAsync(recording, context.ServerName ?? context.Address.ToString(), null, connection.Abort, context.Timeout, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or System.IO.IOException)
            {
                // Plaintext where the ServerHello belongs: the server answered the NOOP before TLS.
                var first = recording.FirstBytes;
                if (first.Length > 0 && first[0] is >= (byte)'2' and <= (byte)'5')
                {
                    var line = SmtpReplyReader.Printable(Encoding.ASCII.GetString(first).Split('\n')[0].TrimEnd('\r'));
                    connection.Log("S: " + line);
                    return (false, true, line);
                }

                return Unknown(context, "handshake: " + ex.Message);
            }

            connection.UseStream(session.Stream);
            var firstReply = await connection.CommandAsync("QUIT", context.CancellationToken).ConfigureAwait(false);
            return firstReply.Code switch
            {
                250 => (true, false, null),
                221 => (false, false, null),
                _ => Unknown(context, "QUIT inside TLS got " + firstReply.Lines[0]),
            };
        }
        catch (Exception ex) when (TlsProbeConnection.IsProbeFailure(ex))
        {
            return Unknown(context, ex.Message);
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static (bool?, bool?, string?) Unknown(DeepProbeContext context, string why)
    {
        context.Note("STARTTLS injection: not checked (" + why + ").");
        return (null, null, null);
    }
}
