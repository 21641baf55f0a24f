using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;
using SmtpTls.Localization;

namespace SmtpTls.Sending;

/// <summary>
/// MailKit's certificate validation callback for one connection. It hands the chain the server
/// presented to <see cref="CertificateAnalyzer"/> (the module's one validation logic, also behind
/// Test-SmtpTls and Get-SmtpCertificate) and lets <see cref="SendPolicy.DecideCertificate"/> say
/// yes or no; SslStream's own verdict is not used, so -TrustedRootPath and the host-name rules are
/// the same everywhere. A refusal ends the handshake, long before MAIL FROM.
/// </summary>
internal sealed class CertificateCheck
{
    private readonly SendRequest _request;
    private readonly RedactingProtocolLogger _logger;
    private int _invocations;

    /// <summary>The check for the connections of one send.</summary>
    /// <param name="request">The send: the name the certificate must carry, the trust anchors, the policy.</param>
    /// <param name="logger">The send's transcript.</param>
    public CertificateCheck(SendRequest request, RedactingProtocolLogger logger)
    {
        _request = request;
        _logger = logger;
    }

    /// <summary>The analysis of the last certificate seen; null before the handshake or when none was presented.</summary>
    public SmtpCertificateInfo? Certificate { get; private set; }

    /// <summary>The policy's decision on it; null until the callback ran.</summary>
    public PolicyDecision? Decision { get; private set; }

    /// <summary>What is wrong with the certificate, in words; null when it is valid.</summary>
    public string? Problem { get; private set; }

    /// <summary>Whether the callback ran on this connection (it must, for every TLS session the sender uses).</summary>
    public bool Ran => _invocations > 0;

    /// <summary>The callback for MailKit's <c>ServerCertificateValidationCallback</c>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _invocations++;
        try
        {
            var presented = CopyPresentedChain(certificate, chain);
            Certificate = presented.Count == 0 ? null : Analyze(presented);
            Problem = Describe(Certificate, _request.ExpectedName, _request.Culture);
            Decision = SendPolicy.DecideCertificate(Certificate, _request.Options.SkipCertificateValidation);
            _logger.Note(Certificate is null
                ? LocalizedText.Format("Send.Note.NoCertificate", _request.Culture, Problem)
                : LocalizedText.Format("Send.Note.Certificate", _request.Culture, Certificate.Subject, Certificate.Issuer, Certificate.NotAfter, Problem ?? LocalizedText.Format("Send.Certificate.Valid", _request.Culture, _request.ExpectedName)));
            return Decision.Allows;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or InvalidOperationException or FormatException)
        {
            // A certificate the analysis cannot read is not one to send over: refuse, and say why.
            Certificate = null;
            Problem = ex.Message;
            Decision = SendPolicy.DecideCertificate(null, _request.Options.SkipCertificateValidation);
            _logger.Note(LocalizedText.Format("Send.Note.NoCertificate", _request.Culture, Problem));
            return Decision.Allows;
        }
    }

    /// <summary>What is wrong with <paramref name="info"/> for <paramref name="expectedName"/>, in words; null when it is valid.</summary>
    internal static string? Describe(SmtpCertificateInfo? info, string expectedName, CultureInfo culture)
    {
        if (info is null)
        {
            return LocalizedText.Get("Send.Certificate.None", culture);
        }

        if (info.IsExpired)
        {
            return LocalizedText.Format("Send.Certificate.Expired", culture, info.NotAfter);
        }

        if (info.IsNotYetValid)
        {
            return LocalizedText.Format("Send.Certificate.NotYetValid", culture, info.NotBefore);
        }

        if (!info.ChainValid)
        {
            // The chain texts are sentences; they are embedded in one here, so without their final dots.
            var statuses = info.ChainStatus.Length > 0 ? string.Join("; ", info.ChainStatus.Select(s => s.TrimEnd('.', ' '))) : info.Issuer;
            return LocalizedText.Format("Send.Certificate.Untrusted", culture, statuses);
        }

        if (info.HostnameMatch == false)
        {
            var names = info.DnsNames.Concat(info.IPAddresses).ToList();
            if (names.Count == 0 && info.CommonName is not null)
            {
                names.Add(info.CommonName);
            }

            return LocalizedText.Format("Send.Certificate.NameMismatch", culture, expectedName, string.Join(", ", names));
        }

        return null;
    }

    private SmtpCertificateInfo Analyze(IReadOnlyList<X509Certificate2> presented)
    {
        var info = CertificateAnalyzer.Analyze(presented, _request.ExpectedName, _request.Options.TrustAnchors, DateTimeOffset.UtcNow, CertificateAnalyzer.DefaultExpiryWarningDays, _request.Culture);
        info.Server = _request.Target.Host;
        info.Port = _request.Port;
        return info;
    }

    private static List<X509Certificate2> CopyPresentedChain(X509Certificate? leaf, X509Chain? chain)
    {
        var result = new List<X509Certificate2>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (leaf is not null)
        {
            // SslStream resets its objects after the callback: keep copies of the raw bytes.
            var copy = new X509Certificate2(leaf.GetRawCertData());
            result.Add(copy);
            seen.Add(copy.Thumbprint);
        }

        // The intermediates the server sent are in ExtraStore; ChainElements may hold store certificates instead.
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                var copy = new X509Certificate2(extra.RawData);
                if (seen.Add(copy.Thumbprint))
                {
                    result.Add(copy);
                }
            }
        }

        return result;
    }
}
