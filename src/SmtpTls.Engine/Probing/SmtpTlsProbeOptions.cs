using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;

namespace SmtpTls.Probing;

/// <summary>What <see cref="SmtpTlsProbe"/> checks and how. Only <see cref="Server"/> is required.</summary>
public sealed class SmtpTlsProbeOptions
{
    /// <summary>Creates options for <paramref name="server"/> (host name, IP literal, <c>host:port</c> or <c>[v6]:port</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="server"/> is null or empty.</exception>
    public SmtpTlsProbeOptions(string server)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new ArgumentException("A server is required.", nameof(server));
        }

        Server = server;
    }

    /// <summary>The endpoint as the user gave it; parsed with <see cref="SmtpTarget"/>.</summary>
    public string Server { get; private set; }

    /// <summary>The port; a port inside <see cref="Server"/> wins. Default: 465 for implicit TLS, else 25.</summary>
    public int? Port { get; set; }

    /// <summary>How TLS is started.</summary>
    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.Auto;

    /// <summary>The name for SNI and the certificate check; default: the server when it is a host name.</summary>
    public string? ServerName { get; set; }

    /// <summary>The name to say in EHLO; default: the machine's name, or <c>smtptls.invalid</c>.</summary>
    public string? HeloName { get; set; }

    /// <summary>Extra trust anchors (private CAs, -TrustedRootPath), used in addition to the system store.</summary>
    public TrustAnchors? TrustAnchors { get; set; }

    /// <summary>Also find which of SSL 3.0 to TLS 1.3 the server accepts, and whether it accepts weak ciphers.</summary>
    public bool ProtocolScan { get; set; }

    /// <summary>
    /// Runs the deep scan beside the check (implies <see cref="ProtocolScan"/>): every accepted suite per
    /// version, groups, certificates per key type, resumption, renegotiation, compression, fallback
    /// SCSV, stapling and STARTTLS injection, in <see cref="SmtpTlsResult.Deep"/>.
    /// </summary>
    public bool Deep { get; set; }

    /// <summary>Also ask before STARTTLS to take mail (MAIL FROM, RCPT TO postmaster, then RSET; nothing is sent) to see whether TLS is enforced.</summary>
    public bool CheckEnforcement { get; set; }

    /// <summary>
    /// With <see cref="CheckEnforcement"/>: the domain whose postmaster RCPT TO names. Default: the domain of
    /// <see cref="MailTarget"/>, else the server name without its first label.
    /// </summary>
    public string? EnforcementDomain { get; set; }

    /// <summary>Also send EHLO inside TLS to read the capabilities there (AUTH after TLS). Default true.</summary>
    public bool ReadCapabilitiesAfterTls { get; set; } = true;

    /// <summary>Bound on every single network step (connect, each reply, the handshake). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait for a STARTTLS banner before also checking, on a second connection, whether
    /// the port speaks implicit TLS. Default 2 s (at most half the timeout).
    /// </summary>
    public TimeSpan BannerWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A certificate expiring within this many days gives a warning. Default 30.</summary>
    public int ExpiryWarningDays { get; set; } = 30;

    /// <summary>The language of finding messages and transcript notes; default: the current UI culture.</summary>
    public CultureInfo? Culture { get; set; }

    /// <summary>
    /// Receives the dialogue line by line as it happens (for -Verbose). Called from thread-pool
    /// threads, also concurrently by the protocol scan's connections: it must be thread-safe.
    /// </summary>
    public Action<string>? Transcript { get; set; }

    /// <summary>
    /// Which addresses of a host name to try: <see cref="AddressFamilyPreference.Any"/> (default),
    /// IPv4 only or IPv6 only. An IP literal in <see cref="Server"/> is used as it is.
    /// </summary>
    public AddressFamilyPreference AddressFamily { get; set; } = AddressFamilyPreference.Any;

    /// <summary>
    /// Resolves a host name given in <see cref="Server"/> instead of the system resolver (for example
    /// through <see cref="Dns.SmtpDnsResolver.ResolveHostAsync"/> with an explicit DNS server). It
    /// returns the addresses to try in order; an empty list or an exception (its message is reported)
    /// means the name cannot be used. Called with the host name in the form given and the check's
    /// cancellation token; <see cref="Timeout"/> bounds it.
    /// </summary>
    public Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>? HostResolver { get; set; }

    /// <summary>
    /// The mail domain, MX host and address this check is about, when it comes from resolving a
    /// domain (<see cref="Dns.SmtpDnsResolver.ResolveMailHostsAsync"/>): copied into the result's
    /// Domain, MxHost, MxPreference and IsImplicitMx, so that every result says which MX it belongs to.
    /// </summary>
    public SmtpMailTarget? MailTarget { get; set; }

    /// <summary>
    /// Shared by all checks of a run: limits the checks in flight per address and spaces new connections
    /// to one address (see <see cref="SmtpAddressLimiter"/>). Null: no limit.
    /// </summary>
    public SmtpAddressLimiter? AddressLimiter { get; set; }

    /// <summary>
    /// The local address the connections are made from (for a scanner that providers allow-list by address);
    /// null: the system chooses. Only target addresses of its family are tried.
    /// </summary>
    public IPAddress? SourceAddress { get; set; }

    /// <summary>
    /// How often a check that the server refused with a rate limit (<see cref="SmtpTlsStatus.Throttled"/>) is
    /// tried again, after <see cref="ThrottledRetryDelay"/>, doubled for every further try. Default 0.
    /// </summary>
    public int ThrottledRetries { get; set; }

    /// <summary>The wait before the first retry of a throttled check (then doubled, with up to 20 % jitter). Default 10 s.</summary>
    public TimeSpan ThrottledRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A copy of these options for another <paramref name="server"/>: every setting, present and future,
    /// travels with it (the domain check starts each MX check from one template this way).
    /// </summary>
    internal SmtpTlsProbeOptions CopyFor(string server)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new ArgumentException("A server is required.", nameof(server));
        }

        var copy = (SmtpTlsProbeOptions)MemberwiseClone();
        copy.Server = server;
        return copy;
    }
}
