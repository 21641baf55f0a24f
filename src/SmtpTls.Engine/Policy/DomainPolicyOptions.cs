using System;
using System.Globalization;
using SmtpTls.Certificates;
using SmtpTls.Dns;

namespace SmtpTls.Policy;

/// <summary>Settings of one <see cref="DomainPolicyChecker"/> run.</summary>
public sealed class DomainPolicyOptions
{
    /// <summary>The HTTPS port of MTA-STS policy hosts (RFC 8461 section 3.3).</summary>
    public const int DefaultHttpsPort = 443;

    /// <summary>Creates options that look everything up through <paramref name="resolver"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public DomainPolicyOptions(SmtpDnsResolver resolver)
    {
        Resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
    }

    /// <summary>
    /// The DNS resolver for every lookup: TXT, TLSA and the address of <c>mta-sts.&lt;domain&gt;</c>.
    /// The policy host is connected to at the address this resolver returns, never through the
    /// system's resolver, so one explicit DNS server sees every question the check asks.
    /// </summary>
    public SmtpDnsResolver Resolver { get; }

    /// <summary>Extra roots trusted (besides the system store) for the policy host's HTTPS certificate, e.g. a private CA (-TrustedRootPath).</summary>
    public TrustAnchors TrustAnchors { get; set; } = TrustAnchors.None;

    /// <summary>The bound on the whole policy fetch (connect, TLS handshake, request, response). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// FOR TESTS ONLY: the name of the process-wide AppContext value whose port becomes the default of
    /// <see cref="HttpsPortOverride"/>. Tests of the PowerShell module set it with
    /// <c>[AppContext]::SetData('SmtpTls.Test.MtaStsHttpsPort', $port)</c>, because a cmdlet has (and should
    /// have) no parameter for it. Unlike an environment variable, child processes do not inherit it.
    /// </summary>
    public const string TestHttpsPortSwitch = "SmtpTls.Test.MtaStsHttpsPort";

    /// <summary>
    /// FOR TESTS ONLY: the port to fetch MTA-STS policies from instead of 443. Real senders always
    /// use 443, so a check with an override says nothing about what they see; it exists so that a
    /// test can serve policies from an unprivileged loopback port. Null (the default, unless a test set
    /// <see cref="TestHttpsPortSwitch"/>) means 443.
    /// </summary>
    public int? HttpsPortOverride { get; set; } = TestHttpsPort();

    /// <summary>The language of messages and remediations; default: the current UI culture.</summary>
    public CultureInfo? Culture { get; set; }

    /// <summary>
    /// The DNSSEC trust anchor that DANE answers (MX, A/AAAA, TLSA) are validated from inside SmtpTls;
    /// default: IANA's root anchors (<see cref="SmtpDnssecTrustAnchor.IanaRoot"/>). Null turns the
    /// validation off: then only the resolver's AD bit speaks for the records, as in SmtpTls before 2026-12.
    /// </summary>
    public SmtpDnssecTrustAnchor? DnssecTrustAnchor { get; set; } = SmtpDnssecTrustAnchor.IanaRoot;

    /// <summary>Below how many days left on the signature over an MX host's TLSA records <see cref="SmtpPolicyFindingId.DaneSignatureExpiring"/> is reported (default 5; 0 turns it off).</summary>
    public int SignatureExpiryWarningDays { get; set; } = 5;

    /// <summary>Below how many days until the certificate expires a missing next-key record (<see cref="SmtpPolicyFindingId.DaneRolloverNoNextKey"/>) is a warning rather than information (default 30).</summary>
    public int RenewalWarningDays { get; set; } = 30;

    /// <summary>The time certificates are judged at (validity of DANE-TA chains and the policy host); default: now.</summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>The port actually used for policy fetches.</summary>
    internal int HttpsPort => HttpsPortOverride ?? DefaultHttpsPort;

    /// <summary>Checks the settings; called before a run so that a mistake fails before any network traffic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive, or the port override is outside 1..65535.</exception>
    /// <exception cref="ArgumentNullException"><see cref="TrustAnchors"/> is null.</exception>
    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The policy fetch timeout must be positive.");
        }

        if (HttpsPortOverride is { } port && (port < 1 || port > 65535))
        {
            throw new ArgumentOutOfRangeException(nameof(HttpsPortOverride), port, "A TCP port is 1..65535.");
        }

        if (TrustAnchors is null)
        {
            throw new ArgumentNullException(nameof(TrustAnchors), "Use TrustAnchors.None for no extra anchors.");
        }
    }

    /// <summary>The port a test set through <see cref="TestHttpsPortSwitch"/>, if it is one.</summary>
    private static int? TestHttpsPort() =>
        AppContext.GetData(TestHttpsPortSwitch) switch
        {
            int port when port is > 0 and <= 65535 => port,
            string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 => port,
            _ => null,
        };
}
