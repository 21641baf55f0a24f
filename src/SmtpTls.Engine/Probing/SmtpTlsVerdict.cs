using System;
using System.Globalization;
using System.Linq;
using SmtpTls.Replies;
using SmtpTls.Smtp;

namespace SmtpTls.Probing;

/// <summary>
/// Turns what the dialogue, the certificate analysis and the protocol scan found into findings and
/// the status. Kept apart from the network code so the rules can be read (and tested) in one place.
/// </summary>
internal sealed class SmtpTlsVerdict
{
    // Chain problems that are about time, not trust: they have findings of their own.
    private static readonly string[] TimeStatuses = { "NotTimeValid", "NotTimeNested", "NoError", "RevocationStatusUnknown", "OfflineRevocation", "IncompleteChain" };

    private readonly SmtpTlsProbeOptions _options;
    private readonly SmtpTlsResult _result;
    private readonly FindingList _findings;
    private readonly CultureInfo _culture;

    /// <summary>Prepares the verdict of one check.</summary>
    public SmtpTlsVerdict(SmtpTlsProbeOptions options, SmtpTlsResult result, FindingList findings, CultureInfo culture)
    {
        _options = options;
        _result = result;
        _findings = findings;
        _culture = culture;
    }

    /// <summary>One finding per answer the enforcement check can get, so that "could not tell" is never silence.</summary>
    private void EvaluateEnforcement()
    {
        var step = _result.EnforcementStep ?? string.Empty;
        var reply = _result.EnforcementReply is { } text ? text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty : string.Empty;
        switch (_result.Enforcement)
        {
            case nameof(SmtpTlsEnforcement.NotEnforced):
                _findings.Add(SmtpTlsFindingId.TlsNotEnforced, SmtpTlsFindingSeverity.Info, "Finding.TlsNotEnforced", _result.EnforcementRecipient ?? "postmaster");
                break;
            case nameof(SmtpTlsEnforcement.TlsRequired):
                if (_result.EnforcementStep is not null)
                {
                    _findings.Add(SmtpTlsFindingId.TlsEnforced, SmtpTlsFindingSeverity.Info, "Finding.TlsEnforced", step, reply);
                }

                break;
            case nameof(SmtpTlsEnforcement.AuthenticationRequired):
                _findings.Add(SmtpTlsFindingId.EnforcementAuthenticationRequired, SmtpTlsFindingSeverity.Info,
                    _result.AuthBeforeTls.Length > 0 ? "Finding.EnforcementAuthenticationRequired.AuthBeforeTls" : "Finding.EnforcementAuthenticationRequired", step, reply);
                break;
            case nameof(SmtpTlsEnforcement.RelayDenied):
                _findings.Add(SmtpTlsFindingId.EnforcementRelayDenied, SmtpTlsFindingSeverity.Info, "Finding.EnforcementRelayDenied", _result.EnforcementRecipient ?? "postmaster", reply);
                break;
            case nameof(SmtpTlsEnforcement.RefusedOtherReason):
                _findings.Add(SmtpTlsFindingId.EnforcementRefused, SmtpTlsFindingSeverity.Info, "Finding.EnforcementRefused", step, reply);
                break;
            case nameof(SmtpTlsEnforcement.Unknown):
                _findings.Add(SmtpTlsFindingId.EnforcementUnknown, SmtpTlsFindingSeverity.Info, "Finding.EnforcementUnknown", step, reply);
                break;
        }
    }

    /// <summary>The chain the TLS handshake built with the analysis' first policy, so the analysis need not build it again.</summary>
    public Certificates.BuiltChain? HandshakeChain { get; set; }

    /// <param name="scan">The protocol scan, when one ran.</param>
    /// <param name="checkNotRun">The check could not start (bad input, no address): status Error.</param>
    /// <param name="throttled">The server refused with a rate limit: status Throttled whatever else was found.</param>
    public void Evaluate(ProtocolScanResult? scan, bool checkNotRun, bool throttled = false)
    {
        // Also the certificate read from a hand-built hello when no handshake completed (a TLS 1.0/1.1-only server).
        if (_result.TlsEstablished || _result.PresentedCertificates.Length > 0)
        {
            EvaluateCertificate();
            if (TlsCipherSuites.IsWeak(_result.CipherSuite))
            {
                _findings.Add(SmtpTlsFindingId.WeakCipher, SmtpTlsFindingSeverity.Warning, "Finding.WeakCipher", _result.CipherSuite);
            }
        }

        if (_result.Deep is { } deep)
        {
            // Before the protocol scan: the deep scan's WeakCipher names every weak suite, the scan's only one.
            Deep.DeepVerdict.Evaluate(deep, _findings);
        }

        if (scan is not null)
        {
            EvaluateScan(scan);
        }

        if (_result.AuthBeforeTls.Length > 0)
        {
            _findings.Add(SmtpTlsFindingId.AuthBeforeTls, SmtpTlsFindingSeverity.Warning, "Finding.AuthBeforeTls", string.Join(" ", _result.AuthBeforeTls));
        }

        if (_options.CheckEnforcement)
        {
            EvaluateEnforcement();
        }

        var status = checkNotRun ? SmtpTlsStatus.Error : throttled ? SmtpTlsStatus.Throttled : _findings.WorstSeverity switch
        {
            SmtpTlsFindingSeverity.Error => SmtpTlsStatus.Failed,
            SmtpTlsFindingSeverity.Warning => SmtpTlsStatus.Warning,
            _ => _result.TlsEstablished ? SmtpTlsStatus.Passed : SmtpTlsStatus.Failed,
        };
        _result.Status = EnumNames.Of(status);
    }

    /// <summary>
    /// The worst certificate problem as a typed failure for the reply knowledge (the chain statuses as its
    /// refinements); null when there is none.
    /// </summary>
    public SmtpFailure? CertificateFailure()
    {
        if (!_result.TlsEstablished || _result.Certificate is null)
        {
            return null;
        }

        var certificate = _result.Certificate;
        if (certificate.IsExpired || certificate.IsNotYetValid)
        {
            return SmtpFailure.Known(certificate.IsExpired ? SmtpTlsFindingId.CertificateExpired : SmtpTlsFindingId.CertificateNotYetValid);
        }

        if (_result.CertificateValid == false)
        {
            return SmtpFailure.Known(SmtpTlsFindingId.CertificateUntrusted, null, TrustProblems(certificate));
        }

        return _result.HostnameMatch == false ? SmtpFailure.Known(SmtpTlsFindingId.CertificateNameMismatch) : null;
    }

    private void EvaluateCertificate()
    {
        if (_result.PresentedCertificates.Length == 0)
        {
            _result.CertificateValid = false;
            _findings.Add(SmtpTlsFindingId.CertificateUntrusted, SmtpTlsFindingSeverity.Error, "Finding.NoCertificate");
            return;
        }

        SmtpCertificateInfo certificate;
        try
        {
            certificate = CertificateInspection.Analyze(_result.PresentedCertificates, _result.ServerName, _options.TrustAnchors, _options.ExpiryWarningDays, _culture, _result.Server, _result.Port, HandshakeChain);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            _result.CertificateValid = false;
            _findings.Add(SmtpTlsFindingId.CertificateUntrusted, SmtpTlsFindingSeverity.Error, "Finding.CertificateUntrusted", ex.Message);
            return;
        }

        _result.Certificate = certificate;
        _result.DaysUntilExpiry = certificate.DaysUntilExpiry;
        _result.HostnameMatch = _result.ServerName is null ? null : certificate.HostnameMatch;

        var trustProblems = TrustProblems(certificate);
        _result.CertificateValid = certificate.ChainValid && !certificate.IsExpired && !certificate.IsNotYetValid;

        if (certificate.IsExpired)
        {
            _findings.Add(SmtpTlsFindingId.CertificateExpired, SmtpTlsFindingSeverity.Error, "Finding.CertificateExpired", certificate.NotAfter, -certificate.DaysUntilExpiry);
        }
        else if (certificate.IsNotYetValid)
        {
            _findings.Add(SmtpTlsFindingId.CertificateNotYetValid, SmtpTlsFindingSeverity.Error, "Finding.CertificateNotYetValid", certificate.NotBefore);
        }
        else if (certificate.DaysUntilExpiry <= _options.ExpiryWarningDays)
        {
            _findings.Add(SmtpTlsFindingId.CertificateExpiringSoon, SmtpTlsFindingSeverity.Warning, "Finding.CertificateExpiringSoon", certificate.NotAfter, certificate.DaysUntilExpiry);
        }

        if (certificate.IncompleteChain && certificate.ChainValid)
        {
            // Valid here only thanks to a locally cached intermediate: other senders will not have it.
            _findings.Add(SmtpTlsFindingId.IncompleteChain, SmtpTlsFindingSeverity.Warning, "Finding.IncompleteChain", certificate.MissingIssuer ?? certificate.Issuer);
        }

        if (!certificate.ChainValid)
        {
            if (certificate.IsSelfSigned)
            {
                _findings.Add(SmtpTlsFindingId.CertificateUntrusted, SmtpTlsFindingSeverity.Error, "Finding.CertificateSelfSigned", certificate.Subject);
            }
            else if (certificate.IncompleteChain)
            {
                _findings.Add(SmtpTlsFindingId.IncompleteChain, SmtpTlsFindingSeverity.Error, "Finding.IncompleteChain", certificate.MissingIssuer ?? certificate.Issuer);
            }
            else if (trustProblems.Length > 0)
            {
                _findings.Add(SmtpTlsFindingId.CertificateUntrusted, SmtpTlsFindingSeverity.Error, "Finding.CertificateUntrusted", string.Join(", ", trustProblems));
            }
        }

        if (_result.HostnameMatch is null)
        {
            _findings.Add(SmtpTlsFindingId.NameNotChecked, SmtpTlsFindingSeverity.Warning, "Finding.NameNotChecked");
        }
        else if (certificate.HostnameMatch == false)
        {
            var names = certificate.DnsNames is { Length: > 0 } ? string.Join(", ", certificate.DnsNames) : certificate.Subject;
            _findings.Add(SmtpTlsFindingId.CertificateNameMismatch, SmtpTlsFindingSeverity.Error, "Finding.CertificateNameMismatch", _result.ServerName, names);
        }

        if (IsWeakKey(certificate.KeyAlgorithm, certificate.KeySize))
        {
            _findings.Add(SmtpTlsFindingId.WeakKey, SmtpTlsFindingSeverity.Warning, "Finding.WeakKey", certificate.KeyAlgorithm, certificate.KeySize);
        }
    }

    private void EvaluateScan(ProtocolScanResult scan)
    {
        var legacy = scan.Protocols.Where(p => p.Accepted && TlsVersions.IsLegacy(p.Version)).Select(p => p.Protocol).ToList();
        if (_result.NegotiatedProtocol is { } negotiated && TlsVersions.IsLegacy(negotiated) && !legacy.Contains(negotiated.ToString()))
        {
            legacy.Add(negotiated.ToString());
        }

        if (legacy.Count > 0)
        {
            _findings.Add(SmtpTlsFindingId.LegacyProtocol, SmtpTlsFindingSeverity.Warning, "Finding.LegacyProtocol", string.Join(", ", legacy));
        }

        if (scan.WeakCipherAccepted is not null)
        {
            _findings.Add(SmtpTlsFindingId.WeakCipher, SmtpTlsFindingSeverity.Warning, "Finding.WeakCipher", scan.WeakCipherAccepted);
        }

        if (!_result.TlsEstablished && _findings.Contains(SmtpTlsFindingId.TlsHandshakeFailed) && legacy.Count > 0
            && !scan.Protocols.Any(p => p.Accepted && !TlsVersions.IsLegacy(p.Version)))
        {
            // The handshake failed on our side because this machine refuses what the server offers.
            _findings.Add(SmtpTlsFindingId.TlsLegacyOnly, SmtpTlsFindingSeverity.Info, "Finding.LegacyOnly", string.Join(", ", legacy));
        }
    }

    private static string[] TrustProblems(SmtpCertificateInfo certificate) =>
        certificate.ChainStatus is not { Count: > 0 } ? Array.Empty<string>() // a valid chain: no LINQ pipeline on every check
        : certificate.ChainStatus
            .Select(s => s.Split(':')[0].Trim())
            .Where(s => s.Length > 0 && !TimeStatuses.Contains(s, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    private static bool IsWeakKey(string? algorithm, int size)
    {
        if (string.IsNullOrEmpty(algorithm) || size <= 0)
        {
            return false;
        }

        var upper = algorithm!.ToUpperInvariant();
        if (upper.Contains("RSA") || upper.Contains("DSA") && !upper.Contains("ECDSA"))
        {
            return size < 2048;
        }

        return (upper.Contains("EC") || upper.Contains("ECDSA")) && size < 256;
    }
}
