using System.Collections.Generic;
using System.Linq;

namespace SmtpTls.Probing.Deep;

/// <summary>The findings of a deep scan: what an auditor would flag, each with its own id.</summary>
internal static class DeepVerdict
{
    /// <summary>Names listed in a finding before "and N more".</summary>
    private const int MaxNamesListed = 6;

    /// <summary>Turns what the deep scan found into findings.</summary>
    public static void Evaluate(SmtpTlsDeepResult deep, FindingList findings)
    {
        var weak = deep.CipherSuites.Where(s => s.Weak).Select(s => s.Name).Distinct().ToList();
        if (weak.Count > 0)
        {
            findings.Add(SmtpTlsFindingId.WeakCipher, SmtpTlsFindingSeverity.Warning, "Finding.WeakCipher", List(weak));
        }

        var noForwardSecrecy = deep.CipherSuites.Where(s => !s.ForwardSecrecy).Select(s => s.Name).Distinct().ToList();
        if (noForwardSecrecy.Count > 0)
        {
            findings.Add(SmtpTlsFindingId.NoForwardSecrecy, SmtpTlsFindingSeverity.Warning, "Finding.NoForwardSecrecy", List(noForwardSecrecy));
        }

        // TLS 1.3 is left out: all five of its suites are strong, so the client may choose among them.
        var clientOrder = deep.CipherOrder.Where(o => o.ServerOrder == false && o.Protocol != nameof(SmtpTlsProtocol.Tls13)).Select(o => o.Protocol).ToList();
        if (clientOrder.Count > 0)
        {
            findings.Add(SmtpTlsFindingId.NoServerCipherOrder, SmtpTlsFindingSeverity.Info, "Finding.NoServerCipherOrder", string.Join(", ", clientOrder));
        }

        if (deep.DhParameterBits is { } dh && dh < 2048)
        {
            findings.Add(SmtpTlsFindingId.WeakDhParameters, SmtpTlsFindingSeverity.Warning, "Finding.WeakDhParameters", dh);
        }

        if (deep.SecureRenegotiation == false)
        {
            findings.Add(SmtpTlsFindingId.InsecureRenegotiation, SmtpTlsFindingSeverity.Warning, "Finding.InsecureRenegotiation");
        }

        if (deep.Compression == true)
        {
            findings.Add(SmtpTlsFindingId.TlsCompression, SmtpTlsFindingSeverity.Warning, "Finding.TlsCompression");
        }

        if (deep.FallbackScsv == false)
        {
            var versions = deep.CipherOrder.Select(o => o.Protocol).Where(p => p != nameof(SmtpTlsProtocol.Ssl3)).ToList();
            findings.Add(SmtpTlsFindingId.NoFallbackScsv, SmtpTlsFindingSeverity.Info, "Finding.NoFallbackScsv", versions.Count > 1 ? versions[1] : "?", versions.FirstOrDefault() ?? "?");
        }

        if (deep.ExtendedMasterSecret == false)
        {
            findings.Add(SmtpTlsFindingId.NoExtendedMasterSecret, SmtpTlsFindingSeverity.Info, "Finding.NoExtendedMasterSecret");
        }

        if (deep.OcspStaple is { } staple && (staple.Status != "Good" || staple.NextUpdate < System.DateTime.UtcNow))
        {
            findings.Add(SmtpTlsFindingId.OcspStapleProblem, SmtpTlsFindingSeverity.Warning, "Finding.OcspStapleProblem", staple.ToString());
        }

        if (deep.CipherOrder.Any(o => o.Protocol == nameof(SmtpTlsProtocol.Tls13)) && !deep.Groups.Any(g => g.PostQuantum))
        {
            findings.Add(SmtpTlsFindingId.NoPostQuantumGroup, SmtpTlsFindingSeverity.Info, "Finding.NoPostQuantumGroup");
        }

        if (deep.StartTlsInjection == true)
        {
            findings.Add(SmtpTlsFindingId.StartTlsInjection, SmtpTlsFindingSeverity.Error, "Finding.StartTlsInjection");
        }

        if (deep.BytesAfterStartTls == true)
        {
            // The pipelined command answered before TLS: the same finding the main dialogue gives for data after "220 Ready".
            findings.Add(SmtpTlsFindingId.DataAfterStartTls, SmtpTlsFindingSeverity.Warning, "Finding.DataAfterStartTls", deep.PlaintextAfterStartTls?.Length ?? 0, deep.PlaintextAfterStartTls ?? string.Empty);
        }

        if (deep.StartTlsAfterTls == true)
        {
            findings.Add(SmtpTlsFindingId.StartTlsAfterTls, SmtpTlsFindingSeverity.Warning, "Finding.StartTlsAfterTls");
        }
    }

    private static string List(IReadOnlyList<string> names) =>
        names.Count <= MaxNamesListed ? string.Join(", ", names) : string.Join(", ", names.Take(MaxNamesListed)) + " (+" + (names.Count - MaxNamesListed) + ")";
}
