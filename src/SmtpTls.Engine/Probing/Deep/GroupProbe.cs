using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// Which key-exchange groups the server accepts. TLS 1.3: one group offered with no key share; a
/// server that accepts it must ask for a share of exactly that group in a HelloRetryRequest, so no
/// key material is ever made (the ML-KEM hybrids included). TLS 1.2 and older: ECDHE suites with one curve;
/// the curve in the ServerKeyExchange confirms it.
/// </summary>
internal static class GroupProbe
{
    /// <summary>Finds the key-exchange groups the server accepts and the one it prefers.</summary>
    public static async Task<(SmtpTlsGroup[] Groups, string? Preferred)> ScanAsync(DeepProbeContext context)
    {
        var ecdheSuites = CipherSuiteCatalog.All.Where(e => e.KeyExchange == "ECDHE" && e.FirstProtocol != "TLSv1.3").Select(e => e.Code).ToArray();
        var curves = TlsGroups.All.Where(g => TlsGroups.IsEllipticCurve(g.Code)).Select(g => g.Code).ToArray();

        var tls13 = TlsGroups.All.Select(g => Tls13Async(context, new[] { g.Code })).ToArray();
        var tls12 = curves.Select(c => Tls12Async(context, ecdheSuites, new[] { c })).ToArray();
        var preferred13 = Tls13Async(context, TlsGroups.All.Select(g => g.Code).ToArray());
        var preferred12 = Tls12Async(context, ecdheSuites, curves);

        var accepted13 = await Task.WhenAll(tls13).ConfigureAwait(false);
        var accepted12 = await Task.WhenAll(tls12).ConfigureAwait(false);
        var preferredCode = await preferred13.ConfigureAwait(false) ?? await preferred12.ConfigureAwait(false);

        var groups = new List<SmtpTlsGroup>();
        foreach (var (code, name, postQuantum) in TlsGroups.All)
        {
            var in13 = accepted13.Contains(code);
            var in12 = accepted12.Contains(code);
            if (in13 || in12)
            {
                groups.Add(new SmtpTlsGroup(name, code, in13, in12, postQuantum, preferredCode == code));
            }
        }

        return (groups.ToArray(), preferredCode is { } p ? TlsGroups.Name(p) : null);
    }

    private static async Task<ushort?> Tls13Async(DeepProbeContext context, ushort[] groups)
    {
        var spec = new TlsHelloSpec(SmtpTlsProtocol.Tls13) { Groups = groups, EmptyKeyShare = true, ServerName = context.ServerName };
        var flight = await context.ExchangeAsync("group " + (groups.Length == 1 ? TlsGroups.Name(groups[0]) : "all") + "/1.3", spec).ConfigureAwait(false);
        var hello = flight.Hello;
        return hello.Kind == TlsHelloAnswerKind.ServerHello && hello.Version == 0x0304 && hello.SelectedGroup is { } g && groups.Contains(g) ? g : null;
    }

    private static async Task<ushort?> Tls12Async(DeepProbeContext context, ushort[] suites, ushort[] curves)
    {
        var spec = new TlsHelloSpec(SmtpTlsProtocol.Tls12) { CipherSuites = suites, Groups = curves, ServerName = context.ServerName };
        var flight = await context.ExchangeAsync("group " + (curves.Length == 1 ? TlsGroups.Name(curves[0]) : "all") + "/1.2", spec).ConfigureAwait(false);
        return flight.Hello.Kind == TlsHelloAnswerKind.ServerHello && flight.Hello.Version is >= 0x0301 and <= 0x0303 && flight.EcdheCurve is { } c && curves.Contains(c) ? c : null;
    }
}
