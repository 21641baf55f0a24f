using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// Runs every probe of <c>Test-SmtpTls -Deep</c> against one endpoint, side by side on connections of
/// their own (at most <see cref="DeepProbeContext.MaxConcurrentConnections"/> at once), each built on
/// hand-made ClientHellos so that the answers do not depend on what the local TLS library allows.
/// </summary>
internal static class DeepScanner
{
    private static readonly SmtpTlsProtocol[] Protocols =
    {
        SmtpTlsProtocol.Tls13, SmtpTlsProtocol.Tls12, SmtpTlsProtocol.Tls11, SmtpTlsProtocol.Tls10, SmtpTlsProtocol.Ssl3,
    };

    /// <summary>Runs every probe of the deep scan against the context's endpoint.</summary>
    public static async Task<SmtpTlsDeepResult> ScanAsync(DeepProbeContext context)
    {
        var clock = Stopwatch.StartNew();
        var result = new SmtpTlsDeepResult();

        var suites = Protocols.Select(p => CipherSuiteEnumerator.EnumerateAsync(context, p)).ToArray();
        var groups = GroupProbe.ScanAsync(context);
        var certificates = CertificateVariantProbe.ScanAsync(context);
        var features = TlsFeatureProbe.ReadFeaturesAsync(context, result);
        var injection = context.Mode == SmtpTlsMode.Implicit ? null : StartTlsInjectionProbe.CheckAsync(context);

        var outcomes = await Task.WhenAll(suites).ConfigureAwait(false);
        var accepted = outcomes.Where(o => o.Accepted.Count > 0).Select(o => o.Protocol).ToArray();
        var fallback = TlsFeatureProbe.FallbackScsvAsync(context, accepted);

        var list = new List<SmtpTlsCipherSuite>();
        var order = new List<SmtpTlsCipherOrder>();
        foreach (var outcome in outcomes.Where(o => o.Accepted.Count > 0))
        {
            for (var i = 0; i < outcome.Accepted.Count; i++)
            {
                list.Add(CipherSuiteCatalog.Describe(outcome.Accepted[i], outcome.Protocol, outcome.ServerOrder == true ? i + 1 : null));
            }

            order.Add(new SmtpTlsCipherOrder(outcome.Protocol.ToString(), outcome.Accepted.Count, outcome.ServerOrder));
        }

        result.CipherSuites = list.ToArray();
        result.CipherOrder = order.ToArray();
        (result.Groups, result.PreferredGroup) = await groups.ConfigureAwait(false);
        (result.Certificates, result.DistinctCertificates, result.SniChangesCertificate) = await certificates.ConfigureAwait(false);
        await features.ConfigureAwait(false);
        if (!accepted.Any(p => p < SmtpTlsProtocol.Tls13) && accepted.Contains(SmtpTlsProtocol.Tls13))
        {
            // TLS 1.3 has neither compression nor renegotiation; the TLS 1.2 hello was refused for that reason.
            result.Compression = false;
            context.Note("TLS 1.3 only: no renegotiation, no compression, and the certificates travel encrypted.");
        }

        result.FallbackScsv = await fallback.ConfigureAwait(false);
        if (injection is not null)
        {
            (result.StartTlsInjection, result.BytesAfterStartTls, result.PlaintextAfterStartTls) = await injection.ConfigureAwait(false);
        }

        result.Connections = context.Connections;
        result.Notes = context.Notes;
        result.Duration = clock.Elapsed;
        return result;
    }
}
