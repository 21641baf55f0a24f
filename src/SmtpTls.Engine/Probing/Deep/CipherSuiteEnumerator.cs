using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SmtpTls.Smtp;

namespace SmtpTls.Probing.Deep;

/// <summary>
/// Finds every suite a server accepts for one version the way testssl.sh does: offer all, note the
/// one chosen, offer the rest again, until the server refuses. The candidates are split by key
/// exchange and authentication into chains that run side by side; two hellos with the accepted
/// suites in opposite orders then tell whether the server or the client order decides, and only
/// when the server's does is the full order found, one suite at a time.
/// </summary>
internal static class CipherSuiteEnumerator
{
    /// <summary>What one version's enumeration found: the suites, in server order when <see cref="ServerOrder"/> is true.</summary>
    public sealed class Outcome
    {
        /// <summary>The version enumerated.</summary>
        public SmtpTlsProtocol Protocol { get; set; }

        /// <summary>The suites the server accepted (IANA codes).</summary>
        public List<ushort> Accepted { get; } = new();

        /// <summary>Whether the server chooses by its own preference; null when that could not be found out.</summary>
        public bool? ServerOrder { get; set; }
    }

    /// <summary>Finds the suites of one version the server accepts and, where it prefers its own, their order.</summary>
    public static async Task<Outcome> EnumerateAsync(DeepProbeContext context, SmtpTlsProtocol protocol)
    {
        var outcome = new Outcome { Protocol = protocol };
        var candidates = CipherSuiteCatalog.ForProtocol(protocol);

        // One hello with everything first: most servers refuse most versions, and then that is all.
        if (await ChooseAsync(context, protocol, candidates, "suites " + protocol).ConfigureAwait(false) is not { } first)
        {
            return outcome;
        }

        var partitions = Partition(protocol, candidates.Where(c => c != first).ToArray());
        var found = await Task.WhenAll(partitions.Select((p, i) => ChainAsync(context, protocol, p, "suites " + protocol + "/" + i))).ConfigureAwait(false);

        // Best first until the server's own order is known: forward secrecy, then key size.
        outcome.Accepted.AddRange(found.SelectMany(f => f).Concat(new[] { first })
            .Select(code => CipherSuiteCatalog.Find(code)!)
            .OrderByDescending(e => e.ForwardSecrecy)
            .ThenBy(e => e.WeakReason is not null)
            .ThenByDescending(e => e.Bits)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => e.Code));
        if (outcome.Accepted.Count < 2)
        {
            return outcome;
        }

        var forward = await ChooseAsync(context, protocol, outcome.Accepted, "order " + protocol + " a").ConfigureAwait(false);
        var reversed = await ChooseAsync(context, protocol, Enumerable.Reverse(outcome.Accepted).ToArray(), "order " + protocol + " b").ConfigureAwait(false);
        if (forward is null || reversed is null)
        {
            context.Note(protocol + ": the server's order could not be determined.");
            return outcome;
        }

        outcome.ServerOrder = forward == reversed;
        if (outcome.ServerOrder == true)
        {
            // The server's own order: remove its favourite, ask again, until one is left.
            var ordered = await ChainAsync(context, protocol, outcome.Accepted, "order " + protocol).ConfigureAwait(false);
            if (ordered.Count == outcome.Accepted.Count)
            {
                outcome.Accepted.Clear();
                outcome.Accepted.AddRange(ordered);
            }
            else
            {
                context.Note(protocol + ": the server's order changed while it was read.");
            }
        }

        return outcome;
    }

    /// <summary>Offers <paramref name="candidates"/> again and again, without the one chosen last time, until the server refuses.</summary>
    private static async Task<List<ushort>> ChainAsync(DeepProbeContext context, SmtpTlsProtocol protocol, IReadOnlyList<ushort> candidates, string name)
    {
        var remaining = candidates.ToList();
        var accepted = new List<ushort>();
        while (remaining.Count > 0)
        {
            var chosen = await ChooseAsync(context, protocol, remaining, name).ConfigureAwait(false);
            if (chosen is not { } suite || !remaining.Remove(suite))
            {
                break;
            }

            accepted.Add(suite);
        }

        return accepted;
    }

    /// <summary>The suite the server picks from <paramref name="offered"/> for exactly <paramref name="protocol"/>, or null when it refuses.</summary>
    private static async Task<ushort?> ChooseAsync(DeepProbeContext context, SmtpTlsProtocol protocol, IReadOnlyList<ushort> offered, string name)
    {
        var flight = await context.ExchangeAsync(name, new TlsHelloSpec(protocol) { CipherSuites = offered, ServerName = context.ServerName }).ConfigureAwait(false);
        var hello = flight.Hello;
        if (hello.Kind != TlsHelloAnswerKind.ServerHello || hello.Version != TlsVersions.ToWire(protocol))
        {
            if (hello.Kind is TlsHelloAnswerKind.Closed or TlsHelloAnswerKind.NotTls && hello.Text is not null)
            {
                context.Note(protocol + ": " + hello.Describe());
            }

            return null;
        }

        if (!offered.Contains(hello.CipherSuite))
        {
            context.Note(protocol + ": the server chose " + TlsCipherSuites.Name(hello.CipherSuite) + ", which was not offered.");
            return null;
        }

        return hello.CipherSuite;
    }

    /// <summary>
    /// Chains by key exchange, authentication and bulk cipher, so that they can run side by side: a
    /// server picks within a part the way it picks among all, and the union is the accepted set. Many
    /// short chains cost a few more connections than one long one, but the scan then takes a few
    /// round trips instead of one per accepted suite.
    /// </summary>
    private static IReadOnlyList<IReadOnlyList<ushort>> Partition(SmtpTlsProtocol protocol, IReadOnlyList<ushort> suites)
    {
        if (protocol == SmtpTlsProtocol.Tls13)
        {
            return new[] { suites };
        }

        string Family(ushort code)
        {
            var entry = CipherSuiteCatalog.Find(code)!;
            var aead = entry.Mac == "AEAD" || entry.Encryption.StartsWith("AESCCM", StringComparison.Ordinal);
            return entry.KeyExchange + "/" + entry.Authentication + (aead ? "/aead" : "/other");
        }

        return suites.GroupBy(Family).Select(g => (IReadOnlyList<ushort>)g.ToArray()).ToArray();
    }
}
