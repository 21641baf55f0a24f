using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SmtpTls.Dns.Dnssec;
using Xunit;

namespace SmtpTls.Tests.Dns.Dnssec;

/// <summary>
/// Signatures and NSEC/NSEC3 chains made by another implementation (ldns-signzone from ldnsutils, in
/// tests/packages.txt) for every algorithm SmtpTls verifies, read back from presentation format and
/// checked by the validator's own code: canonical form (an MX target in mixed case included), each
/// algorithm, and the denial proofs.
/// </summary>
[Trait("Against", "Unit")]
public class LdnsSignedZoneTests
{
    private const string Zone =
        "$ORIGIN example.test.\n$TTL 3600\n" +
        "@ IN SOA ns.example.test. hostmaster.example.test. 1 7200 3600 1209600 3600\n" +
        "@ IN NS ns\n@ IN MX 10 MX.Example.Test.\nns IN A 127.0.0.1\nmx IN A 127.0.0.2\n" +
        "_25._tcp.mx IN TLSA 3 1 1 8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d\n" +
        "*.wild IN A 127.0.0.3\n";

    private static readonly WireName Apex = WireName.Parse("example.test");

    [Theory]
    [InlineData("RSASHA256", false)]
    [InlineData("RSASHA512", true)]
    [InlineData("ECDSAP256SHA256", false)]
    [InlineData("ECDSAP384SHA384", true)]
    [InlineData("ED25519", false)]
    public void EveryRrsetSignedByLdns_Verifies_AndATamperedOneDoesNot(string algorithm, bool nsec3)
    {
        var records = SignedZone(algorithm, nsec3);
        var zone = ZoneOf(records);
        var rrsets = records.Where(r => r.Type != RecordType.Rrsig).GroupBy(r => (r.Owner, r.Type)).ToList();
        Assert.True(rrsets.Count >= 8, "the signed zone has its RRsets");
        foreach (var rrset in rrsets)
        {
            var outcome = RrsetVerifier.Verify(rrset.ToList(), records, Apex, zone.Keys, DateTimeOffset.UtcNow);
            Assert.True(outcome.IsValid, algorithm + ": " + rrset.Key.Owner + " " + RecordType.Name(rrset.Key.Type) + ": " + outcome.Detail);
        }

        var a = records.First(r => r.Type == RecordType.A && r.Owner.Equals(WireName.Parse("mx.example.test")));
        var tampered = new WireRecord(a.Owner, a.Type, a.Class, a.Ttl, new byte[] { 127, 0, 0, 9 });
        var bad = RrsetVerifier.Verify(new[] { tampered }, records, Apex, zone.Keys, DateTimeOffset.UtcNow);
        Assert.False(bad.IsValid);
        Assert.Equal(DnssecFailure.SignatureInvalid, bad.Failure);
        var late = RrsetVerifier.Verify(new[] { a }, records, Apex, zone.Keys, DateTimeOffset.UtcNow.AddDays(60));
        Assert.Equal(DnssecFailure.SignatureExpired, late.Failure);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheDenialChainOfLdns_ProvesNoNameNoDataAndTheWildcard(bool nsec3)
    {
        var records = SignedZone("ECDSAP256SHA256", nsec3);
        var zone = ZoneOf(records);
        var authority = records.Where(r => r.Type is RecordType.Nsec or RecordType.Nsec3 || (r.Type == RecordType.Rrsig && RrsigData.TryRead(r)!.TypeCovered is RecordType.Nsec or RecordType.Nsec3)).ToList();

        Assert.Equal(DenialProof.Kind.NameError, DenialProof.Prove(WireName.Parse("nope.example.test"), RecordType.A, zone, authority, DateTimeOffset.UtcNow).Kind);
        Assert.Equal(DenialProof.Kind.NoData, DenialProof.Prove(WireName.Parse("mx.example.test"), RecordType.Tlsa, zone, authority, DateTimeOffset.UtcNow).Kind);
        Assert.Equal(DenialProof.Kind.NoData, DenialProof.Prove(WireName.Parse("_tcp.mx.example.test"), RecordType.Tlsa, zone, authority, DateTimeOffset.UtcNow).Kind);
        Assert.Equal(DenialProof.Kind.NoData, DenialProof.Prove(WireName.Parse("x.wild.example.test"), RecordType.Tlsa, zone, authority, DateTimeOffset.UtcNow).Kind);

        // The existing A record cannot be denied, and proofs without their signatures prove nothing.
        Assert.Equal(DenialProof.Kind.Failed, DenialProof.Prove(WireName.Parse("mx.example.test"), RecordType.A, zone, authority, DateTimeOffset.UtcNow).Kind);
        var unsigned = authority.Where(r => r.Type != RecordType.Rrsig).ToList();
        Assert.Equal(DenialProof.Kind.Failed, DenialProof.Prove(WireName.Parse("nope.example.test"), RecordType.A, zone, unsigned, DateTimeOffset.UtcNow).Kind);

        // A wildcard answer is accepted only with the proof that the name itself does not exist.
        var wildcardSignature = RrsigData.TryRead(records.First(r => r.Type == RecordType.Rrsig && r.Owner.IsWildcard))!;
        Assert.True(DenialProof.ProvesWildcardExpansion(WireName.Parse("x.wild.example.test"), wildcardSignature.Labels, zone, authority, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void AnNsec3ProofUsesTheParametersOfOneChain_RecordsWithAnotherSaltAreNotHashed()
    {
        // The same zone and key, signed twice with two NSEC3 salts: two complete, validly signed chains.
        var (first, second) = SignedZoneTwice("aa", "bb");
        var zone = ZoneOf(first);
        var chainA = Nsec3Authority(first);
        var chainB = Nsec3Authority(second);
        var nope = WireName.Parse("nope.example.test");

        // Either chain alone proves the name error.
        Assert.Equal(DenialProof.Kind.NameError, DenialProof.Prove(nope, RecordType.A, zone, chainA, DateTimeOffset.UtcNow).Kind);
        Assert.Equal(DenialProof.Kind.NameError, DenialProof.Prove(nope, RecordType.A, zone, chainB, DateTimeOffset.UtcNow).Kind);

        // One record of chain B ahead of chain A: the proof is judged with chain B's parameters only, so
        // chain A's records are not hashed (a hostile answer cannot multiply the work with many salts),
        // and one record of B proves nothing.
        var oneOfB = chainB.Where(r => r.Type == RecordType.Nsec3).Take(1).ToList();
        var mixed = oneOfB.Concat(chainB.Where(r => r.Type == RecordType.Rrsig && oneOfB.Any(n => n.Owner.Equals(r.Owner)))).Concat(chainA).ToList();
        Assert.Equal(DenialProof.Kind.Failed, DenialProof.Prove(nope, RecordType.A, zone, mixed, DateTimeOffset.UtcNow).Kind);
    }

    private static List<WireRecord> Nsec3Authority(IReadOnlyList<WireRecord> records) =>
        records.Where(r => r.Type == RecordType.Nsec3 || (r.Type == RecordType.Rrsig && RrsigData.TryRead(r)!.TypeCovered == RecordType.Nsec3)).ToList();

    /// <summary>Signs the zone with one fresh ECDSA key twice, with NSEC3 and two salts.</summary>
    private static (List<WireRecord> First, List<WireRecord> Second) SignedZoneTwice(string firstSalt, string secondSalt)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "smtptls-ldns-" + Guid.NewGuid().ToString("N")));
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "zone"), Zone);
            var key = Run(folder.FullName, "ldns-keygen", "-a", "ECDSAP256SHA256", "example.test").Trim();
            Run(folder.FullName, "ldns-signzone", "-f", "first", "-n", "-t", "0", "-s", firstSalt, "zone", key);
            Run(folder.FullName, "ldns-signzone", "-f", "second", "-n", "-t", "0", "-s", secondSalt, "zone", key);
            List<WireRecord> Read(string file) => File.ReadAllLines(Path.Combine(folder.FullName, file)).Select(Parse).Where(r => r is not null).Select(r => r!).ToList();
            return (Read("first"), Read("second"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static DnssecZone ZoneOf(IReadOnlyList<WireRecord> records) =>
        DnssecZone.Secure(Apex, records.Where(r => r.Type == RecordType.Dnskey).Select(r => DnskeyData.TryRead(r)!).ToList());

    /// <summary>Signs the zone with a fresh key of <paramref name="algorithm"/> and reads the result back.</summary>
    private static List<WireRecord> SignedZone(string algorithm, bool nsec3)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "smtptls-ldns-" + Guid.NewGuid().ToString("N")));
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "zone"), Zone);
            var key = Run(folder.FullName, "ldns-keygen", "-a", algorithm, "example.test").Trim();
            var arguments = new List<string> { "-f", "signed" };
            if (nsec3)
            {
                arguments.AddRange(new[] { "-n", "-t", "0" });
            }

            arguments.AddRange(new[] { "zone", key });
            Run(folder.FullName, "ldns-signzone", arguments.ToArray());
            return File.ReadAllLines(Path.Combine(folder.FullName, "signed")).Select(Parse).Where(r => r is not null).Select(r => r!).ToList();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Run(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(program + " is missing: install ldnsutils (tests/packages.txt).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, program + " failed: " + error);
            return output;
        }
    }

    /// <summary>One line of ldns-signzone's output (owner TTL IN TYPE RDATA) as a record with wire RDATA.</summary>
    private static WireRecord? Parse(string line)
    {
        var comment = line.IndexOf(';');
        var fields = (comment >= 0 ? line.Substring(0, comment) : line).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
        {
            return null;
        }

        var owner = WireName.Parse(fields[0]);
        var type = TypeOf(fields[3]);
        var data = fields.Skip(4).ToArray();
        var rdata = new List<byte>();
        var names = new List<(int, int)>();
        void Name(string text, bool lower)
        {
            var wire = WireName.Parse(text).ToWire(canonical: false);
            if (lower)
            {
                names.Add((rdata.Count, wire.Length));
            }

            rdata.AddRange(wire);
        }

        void U16(int value) => rdata.AddRange(new[] { (byte)(value >> 8), (byte)value });
        void U32(uint value) => rdata.AddRange(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
        uint Time(string text) => (uint)DateTimeOffset.ParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeSeconds();

        switch (type)
        {
            case RecordType.A:
                rdata.AddRange(System.Net.IPAddress.Parse(data[0]).GetAddressBytes());
                break;
            case RecordType.Ns:
                Name(data[0], true);
                break;
            case RecordType.Mx:
                U16(int.Parse(data[0], CultureInfo.InvariantCulture));
                Name(data[1], true);
                break;
            case RecordType.Soa:
                Name(data[0], true);
                Name(data[1], true);
                foreach (var n in data.Skip(2).Take(5))
                {
                    U32(uint.Parse(n, CultureInfo.InvariantCulture));
                }

                break;
            case RecordType.Tlsa:
                rdata.AddRange(data.Take(3).Select(b => byte.Parse(b, CultureInfo.InvariantCulture)));
                rdata.AddRange(Convert.FromHexString(string.Concat(data.Skip(3))));
                break;
            case RecordType.Dnskey:
                U16(int.Parse(data[0], CultureInfo.InvariantCulture));
                rdata.Add(byte.Parse(data[1], CultureInfo.InvariantCulture));
                rdata.Add(byte.Parse(data[2], CultureInfo.InvariantCulture));
                rdata.AddRange(Convert.FromBase64String(string.Concat(data.Skip(3))));
                break;
            case RecordType.Rrsig:
                U16(TypeOf(data[0]));
                rdata.Add(byte.Parse(data[1], CultureInfo.InvariantCulture));
                rdata.Add(byte.Parse(data[2], CultureInfo.InvariantCulture));
                U32(uint.Parse(data[3], CultureInfo.InvariantCulture));
                U32(Time(data[4]));
                U32(Time(data[5]));
                U16(int.Parse(data[6], CultureInfo.InvariantCulture));
                Name(data[7], true);
                rdata.AddRange(Convert.FromBase64String(string.Concat(data.Skip(8))));
                break;
            case RecordType.Nsec:
                Name(data[0], false);
                rdata.AddRange(Bitmap(data.Skip(1)));
                break;
            case RecordType.Nsec3:
                rdata.Add(byte.Parse(data[0], CultureInfo.InvariantCulture));
                rdata.Add(byte.Parse(data[1], CultureInfo.InvariantCulture));
                U16(int.Parse(data[2], CultureInfo.InvariantCulture));
                var salt = data[3] == "-" ? Array.Empty<byte>() : Convert.FromHexString(data[3]);
                rdata.Add((byte)salt.Length);
                rdata.AddRange(salt);
                var next = Base32Hex.Decode(Encoding.ASCII.GetBytes(data[4]))!;
                rdata.Add((byte)next.Length);
                rdata.AddRange(next);
                rdata.AddRange(Bitmap(data.Skip(5)));
                break;
            default:
                return null;
        }

        return new WireRecord(owner, type, 1, uint.Parse(fields[1], CultureInfo.InvariantCulture), rdata.ToArray(), names);
    }

    private static ushort TypeOf(string mnemonic) => mnemonic switch
    {
        "A" => RecordType.A,
        "NS" => RecordType.Ns,
        "SOA" => RecordType.Soa,
        "MX" => RecordType.Mx,
        "TLSA" => RecordType.Tlsa,
        "DNSKEY" => RecordType.Dnskey,
        "RRSIG" => RecordType.Rrsig,
        "NSEC" => RecordType.Nsec,
        "NSEC3" => RecordType.Nsec3,
        "NSEC3PARAM" => 51,
        _ => throw new FormatException("Unknown type in the test zone: " + mnemonic),
    };

    private static byte[] Bitmap(IEnumerable<string> mnemonics)
    {
        var bytes = new List<byte>();
        foreach (var window in mnemonics.Select(TypeOf).GroupBy(t => t >> 8).OrderBy(g => g.Key))
        {
            var bits = new byte[(window.Max(t => t & 0xFF) / 8) + 1];
            foreach (var type in window)
            {
                bits[(type & 0xFF) / 8] |= (byte)(0x80 >> ((type & 0xFF) % 8));
            }

            bytes.Add((byte)window.Key);
            bytes.Add((byte)bits.Length);
            bytes.AddRange(bits);
        }

        return bytes.ToArray();
    }
}
