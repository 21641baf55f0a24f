using System;

namespace SmtpTls.Policy;

/// <summary>
/// What one MX endpoint presented, as the probe saw it: the input of <see cref="DomainPolicyChecker"/>.
/// One entry per (MX host, address) probed; an entry without certificate stands for an endpoint
/// that was not reached or did not complete TLS.
/// </summary>
public sealed class PresentedMxCertificate
{
    /// <summary>Creates an entry.</summary>
    /// <param name="mxHost">The MX host name (Unicode or ASCII) the endpoint belongs to.</param>
    /// <param name="certificate">The analysed certificate presented on that connection; null when none was.</param>
    /// <param name="address">The address probed; null when the host did not resolve.</param>
    /// <param name="port">The SMTP port probed; the TLSA name is <c>_&lt;port&gt;._tcp.&lt;mx&gt;</c> (25 for MX delivery).</param>
    /// <exception cref="ArgumentException"><paramref name="mxHost"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 1..65535.</exception>
    public PresentedMxCertificate(string mxHost, SmtpCertificateInfo? certificate, string? address = null, int port = 25)
    {
        if (string.IsNullOrWhiteSpace(mxHost))
        {
            throw new ArgumentException("An MX host name is required.", nameof(mxHost));
        }

        if (port < 1 || port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 1..65535.");
        }

        MxHost = mxHost.Trim();
        Certificate = certificate;
        Address = string.IsNullOrWhiteSpace(address) ? null : address!.Trim();
        Port = port;
    }

    /// <summary>The MX host name as given.</summary>
    public string MxHost { get; }

    /// <summary>The analysed certificate; null when the endpoint presented none.</summary>
    public SmtpCertificateInfo? Certificate { get; }

    /// <summary>The address probed; null when unknown.</summary>
    public string? Address { get; }

    /// <summary>The SMTP port probed.</summary>
    public int Port { get; }

    /// <inheritdoc />
    public override string ToString() => MxHost + (Address is null ? string.Empty : " [" + Address + "]");
}
