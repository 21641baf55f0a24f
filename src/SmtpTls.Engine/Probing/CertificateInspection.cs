using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Certificates;

namespace SmtpTls.Probing;

/// <summary>The one place where the probe hands the presented chain to the certificate analysis.</summary>
internal static class CertificateInspection
{
    /// <summary>Analyses the chain the server presented and says which endpoint it came from.</summary>
    public static SmtpCertificateInfo Analyze(
        IReadOnlyList<X509Certificate2> presentedChain, string? serverName, TrustAnchors? trustAnchors, int expiryWarningDays, CultureInfo culture, string server, int port, BuiltChain? handshakeChain = null)
    {
        var info = CertificateAnalyzer.Analyze(presentedChain, serverName, trustAnchors, DateTimeOffset.UtcNow, Math.Max(0, expiryWarningDays), culture, handshakeChain);
        info.Server = server;
        info.Port = port;
        return info;
    }
}
