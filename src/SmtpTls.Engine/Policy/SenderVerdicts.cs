using System;
using System.Globalization;
using System.Linq;
using SmtpTls.Dns.Dnssec;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>What one MX endpoint looks like to a sender: the validated DNS states and what the probe saw.</summary>
internal sealed class SenderContext
{
    /// <summary>Gathers what a sender would know about one MX endpoint.</summary>
    public SenderContext(string domain, DnssecAnswer? mx, SmtpDnssecState mxState, SmtpDaneHostResult host, SmtpDaneEndpointResult endpoint, MxEndpoint probed, CultureInfo culture)
    {
        Domain = domain;
        Mx = mx;
        MxState = mxState;
        Host = host;
        Endpoint = endpoint;
        Probed = probed;
        Culture = culture;
    }

    /// <summary>The next-hop domain.</summary>
    public string Domain { get; }

    /// <summary>The validated MX answer, or null when it was not validated.</summary>
    public DnssecAnswer? Mx { get; }

    /// <summary>The DNSSEC state of the MX answer.</summary>
    public SmtpDnssecState MxState { get; }

    /// <summary>The DANE result of the MX host (TLSA records and the address answers' states).</summary>
    public SmtpDaneHostResult Host { get; }

    /// <summary>The DANE result of this endpoint (its chain against the TLSA records).</summary>
    public SmtpDaneEndpointResult Endpoint { get; }

    /// <summary>What the probe of this endpoint presented.</summary>
    public MxEndpoint Probed { get; }

    /// <summary>The language of the verdict's reason.</summary>
    public CultureInfo Culture { get; }
}

/// <summary>
/// The sender's verdict per TLS security level, after Postfix's semantics (smtp_tls_security_level,
/// src/smtp/smtp_tls_policy.c dane_init and dane_incompat; TLS_README) and RFC 7672 section 2.2:
/// <list type="bullet">
/// <item><c>dane</c>: a bogus MX, address or TLSA answer defers; unsigned address records, TLSA records in
/// an unsigned zone or no TLSA records fall back to opportunistic TLS ("may"); unusable records to
/// unauthenticated mandatory TLS ("encrypt"); usable records must match. With unsigned MX records
/// Postfix 3.6+ still uses secure TLSA records (smtp_tls_dane_insecure_mx_policy = dane) and logs "Trusted".</item>
/// <item><c>dane-only</c>: as dane, but every fallback defers.</item>
/// <item><c>verify</c>: mandatory TLS, the chain must reach a trusted CA and name the MX host (smtp_tls_verify_cert_match = hostname).</item>
/// <item><c>secure</c>: as verify, names the next-hop domain or a subdomain (smtp_tls_secure_cert_match = nexthop, dot-nexthop).</item>
/// <item><c>mta-sts</c> (enforce, RFC 8461 section 5): the MX host matches the policy and its certificate is CA-valid for it.</item>
/// </list>
/// Every level needs an MX lookup that does not fail validation (a validating resolver answers SERVFAIL).
/// </summary>
internal static class SenderVerdicts
{
    /// <summary>The verdict of a sender at security <paramref name="level"/> (dane, dane-only, verify, secure).</summary>
    public static SmtpSenderVerdict Judge(string level, SenderContext c)
    {
        if (c.MxState == SmtpDnssecState.Bogus)
        {
            return Defer(level, "MxLookupFailed", c, c.Mx?.Failure.ToString());
        }

        if (c.Host.AddressDnssec == nameof(SmtpDnssecState.Bogus))
        {
            return Defer(level, "AddressLookupFailed", c, c.Host.AddressAnswer?.Failure.ToString());
        }

        return level is "dane" or "dane-only" ? Dane(level, c) : Pkix(level, c);
    }

    /// <summary>The verdict of a sender that enforces the domain's MTA-STS policy; <paramref name="check"/> is this MX host's check against it, or null.</summary>
    public static SmtpSenderVerdict JudgeMtaSts(SmtpMtaStsMxCheck? check, SenderContext c)
    {
        const string level = "mta-sts";
        if (c.MxState == SmtpDnssecState.Bogus)
        {
            return Defer(level, "MxLookupFailed", c, c.Mx?.Failure.ToString());
        }

        if (check is null || !check.PatternMatch)
        {
            return Defer(level, "MxNotInPolicy", c);
        }

        var failure = CertificateFailure(c, c.Probed.HostnameMatch == true);
        return failure is null ? Deliver(level, "Verified", "MtaStsVerified", c) : Defer(level, failure, c, c.Probed.MxHost);
    }

    private static SmtpSenderVerdict Dane(string level, SenderContext c)
    {
        var host = c.Host;
        var tlsa = host.Dnssec;
        if (tlsa == nameof(SmtpDnssecState.NotValidated) || host.AddressDnssec == nameof(SmtpDnssecState.NotValidated) || c.MxState == SmtpDnssecState.NotValidated)
        {
            return new SmtpSenderVerdict { Level = level, Delivers = null, Failure = "NotValidated", Message = Text("NotValidated", c, host.DnssecDetail.Length > 0 ? host.DnssecDetail : host.DnssecReason) };
        }

        if (tlsa == nameof(SmtpDnssecState.Bogus) || host.Status == nameof(SmtpDaneState.LookupFailed))
        {
            return Defer(level, "TlsaLookupError", c, host.DnssecReason.Length > 0 ? host.DnssecReason : host.LookupStatus);
        }

        string? nonDane = null;
        if (host.AddressDnssec == nameof(SmtpDnssecState.Insecure))
        {
            nonDane = "A/AAAA " + nameof(SmtpDnssecState.Insecure);
        }
        else if (tlsa == nameof(SmtpDnssecState.Insecure))
        {
            nonDane = "TLSA " + nameof(SmtpDnssecState.Insecure);
        }
        else if (host.Status == nameof(SmtpDaneState.NoRecords))
        {
            nonDane = "TLSA " + host.LookupStatus;
        }

        if (nonDane is not null)
        {
            return level == "dane" ? Deliver(level, "Opportunistic", "Opportunistic", c, nonDane) : Defer(level, "NoTlsaRecords", c, nonDane);
        }

        if (host.Status == nameof(SmtpDaneState.Unusable))
        {
            if (level == "dane-only")
            {
                return Defer(level, "TlsaRecordsUnusable", c);
            }

            return c.Endpoint.CertificatePresented ? Deliver(level, "Encrypted", "Encrypted", c) : Defer(level, "NoTls", c);
        }

        if (!c.Endpoint.CertificatePresented)
        {
            return Defer(level, "NoTls", c);
        }

        if (c.Endpoint.Matched)
        {
            var trust = c.MxState == SmtpDnssecState.Insecure ? "Trusted" : "Verified";
            return Deliver(level, trust, trust, c);
        }

        // A DANE-TA anchor that matched but a leaf without the right name is a name failure, as Postfix logs it.
        return c.Endpoint.Records.Any(r => r.Outcome == SmtpTlsaMatchResult.NameMismatch)
            ? Defer(level, "NameMismatch", c, host.MxHost)
            : Defer(level, "NoMatchingTlsa", c);
    }

    private static SmtpSenderVerdict Pkix(string level, SenderContext c)
    {
        if (!c.Endpoint.CertificatePresented || c.Probed.Certificate is null)
        {
            return Defer(level, "NoTls", c);
        }

        var name = level == "secure" ? c.Domain : c.Probed.MxHost;
        var nameMatches = level == "secure" ? NamesNextHop(c.Probed.Certificate, c.Domain) : c.Probed.HostnameMatch == true;
        var failure = CertificateFailure(c, nameMatches);
        return failure is null ? Deliver(level, "Verified", "PkixVerified", c, name) : Defer(level, failure, c, name);
    }

    /// <summary>
    /// The first certificate problem in the order OpenSSL's X509_verify_cert meets them, which is what
    /// Postfix reports: the chain to a trusted CA is built first, the peer name (X509_VERIFY_PARAM host,
    /// error 62) is checked next, validity dates and signatures last. Measured with posttls-finger 3.7:
    /// an expired certificate that also lacks the name fails with the name.
    /// </summary>
    private static string? CertificateFailure(SenderContext c, bool nameMatches)
    {
        var info = c.Probed.Certificate;
        if (info is null)
        {
            return "NoTls";
        }

        var untrusted = info.IsSelfSigned || info.ChainStatus.Any(s => s.IndexOf("UntrustedRoot", StringComparison.OrdinalIgnoreCase) >= 0 || s.IndexOf("PartialChain", StringComparison.OrdinalIgnoreCase) >= 0);
        if (untrusted)
        {
            return "CertificateUntrusted";
        }

        if (!nameMatches)
        {
            return "NameMismatch";
        }

        if (info.IsExpired)
        {
            return "CertificateExpired";
        }

        if (info.IsNotYetValid)
        {
            return "CertificateNotYetValid";
        }

        return info.ChainValid ? null : "CertificateUntrusted";
    }

    /// <summary>Postfix "nexthop, dot-nexthop": a certificate name equal to the domain or ending in ".domain" (a wildcard included).</summary>
    private static bool NamesNextHop(SmtpCertificateInfo info, string domain)
    {
        var names = info.DnsNames.Count > 0 ? info.DnsNames.ToList() : info.CommonName is null ? new System.Collections.Generic.List<string>() : new System.Collections.Generic.List<string> { info.CommonName };
        return names.Any(n =>
        {
            var name = n.TrimEnd('.');
            return string.Equals(name, domain, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
        });
    }

    private static SmtpSenderVerdict Deliver(string level, string trust, string textKey, SenderContext c, params object?[] args) =>
        new() { Level = level, Delivers = true, Trust = trust, Message = Text(textKey, c, args) };

    private static SmtpSenderVerdict Defer(string level, string failure, SenderContext c, params object?[] args) =>
        new() { Level = level, Delivers = false, Failure = failure, Message = Text(failure, c, args) };

    private static string Text(string key, SenderContext c, params object?[] args) => LocalizedText.Format("Policy.Sender." + key, c.Culture, args);
}
