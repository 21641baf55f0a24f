using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTls.Probing;
using SmtpTls.Probing.Deep;
using SmtpTls.Smtp;
using Xunit;

namespace SmtpTls.Tests.Probing.Deep;

/// <summary>The pure parts of the deep scan: hello options, the server flight parser, the suite catalog and the findings.</summary>
[Trait("Against", "Unit")]
public class DeepScanPartsTests
{
    [Fact]
    public void Hello_EmptyKeyShare_SendsAnEmptyShareList_ForAHelloRetryRequest()
    {
        var spec = new TlsHelloSpec(SmtpTlsProtocol.Tls13) { Groups = new ushort[] { 0x11ec }, EmptyKeyShare = true };
        var extensions = TlsHelloTests.Extensions(TlsClientHelloBuilder.Build(spec));
        Assert.Equal(new byte[] { 0, 0 }, extensions[0x0033]);
        Assert.Equal(new byte[] { 0, 2, 0x11, 0xec }, extensions[0x000a]);
    }

    [Fact]
    public void Hello_AsksForStaplingTicketsAndCompression_OnlyWhenTold()
    {
        var plain = TlsClientHelloBuilder.Build(new TlsHelloSpec(SmtpTlsProtocol.Tls12));
        var asking = TlsClientHelloBuilder.Build(new TlsHelloSpec(SmtpTlsProtocol.Tls12) { StatusRequest = true, SessionTicket = true, OfferCompression = true });
        Assert.False(TlsHelloTests.Extensions(plain).ContainsKey(0x0005));
        var extensions = TlsHelloTests.Extensions(asking);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0 }, extensions[0x0005]);
        Assert.Empty(extensions[0x0023]);
        Assert.Equal(new byte[] { 2, 1, 0 }, CompressionMethods(asking));
        Assert.Equal(new byte[] { 1, 0 }, CompressionMethods(plain));
    }

    [Fact]
    public void Flight_Tls12_ReadsCertificatesStaplingKeyExchangeAndRequest_OnlyWhenComplete()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=mx.example.org", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var der = certificate.RawData;

        var messages = new List<byte>();
        messages.AddRange(Message(2, ServerHelloBody(0x0303, 0x009e, sessionIdLength: 32, extensions: new ushort[] { 0xff01, 0x0017, 0x0005, 0x0023 })));
        messages.AddRange(Message(11, U24(der.Length + 3).Concat(U24(der.Length)).Concat(der).ToArray()));
        messages.AddRange(Message(22, new byte[] { 1 }.Concat(U24(3)).Concat(new byte[] { 0x30, 0x01, 0x00 }).ToArray()));
        var prime = new byte[] { 0 }.Concat(new byte[] { 0x80 }).Concat(new byte[255]).ToArray();
        messages.AddRange(Message(12, new byte[] { 0x01, 0x00 }.Concat(prime.Skip(1)).Concat(new byte[] { 0, 1, 2 }).ToArray()));
        messages.AddRange(Message(13, new byte[] { 1, 1, 0, 0, 0, 0 }));
        messages.AddRange(Message(14, Array.Empty<byte>()));

        // Split over records of 1,000 bytes, and fed in growing pieces.
        var records = new List<byte>();
        for (var offset = 0; offset < messages.Count; offset += 1000)
        {
            records.AddRange(TlsHelloTests.Record(0x16, 0x0303, messages.Skip(offset).Take(1000).ToArray()));
        }

        var bytes = records.ToArray();
        for (var length = 1; length < bytes.Length; length += 97)
        {
            Assert.True(TlsServerFlightParser.NeedsMore(TlsServerFlightParser.Parse(bytes, length)));
        }

        var flight = TlsServerFlightParser.Parse(bytes, bytes.Length);
        Assert.True(flight.Complete);
        Assert.Equal(TlsHelloAnswerKind.ServerHello, flight.Hello.Kind);
        Assert.Equal(32, flight.Hello.SessionIdLength);
        Assert.Contains((ushort)0xff01, flight.Hello.Extensions);
        Assert.Single(flight.Certificates);
        Assert.Equal(der, flight.Certificates[0]);
        Assert.Equal(new byte[] { 0x30, 0x01, 0x00 }, flight.OcspResponse);
        Assert.Equal(2048, flight.DhPrimeBits);
        Assert.True(flight.CertificateRequested);
    }

    [Fact]
    public void Flight_Tls13_EndsWithTheServerHello_AndAHelloRetryRequestNamesItsGroup()
    {
        var hrr = TlsHelloTests.ServerHello(0x0303, 0x1301, supportedVersion: 0x0304, helloRetry: true);

        // Append key_share(selected_group = X25519MLKEM768) to the retry request by rebuilding it.
        var body = ServerHelloBody(0x0303, 0x1301, sessionIdLength: 0, extensions: Array.Empty<ushort>(), extra: new byte[] { 0, 0x2b, 0, 2, 3, 4, 0, 0x33, 0, 2, 0x11, 0xec }, helloRetry: true);
        var bytes = TlsHelloTests.Record(0x16, 0x0303, Message(2, body));
        var flight = TlsServerFlightParser.Parse(bytes, bytes.Length);
        Assert.False(TlsServerFlightParser.NeedsMore(flight));
        Assert.True(flight.Hello.IsHelloRetryRequest);
        Assert.Equal((ushort)0x11ec, flight.Hello.SelectedGroup);
        Assert.Equal(0x0304, flight.Hello.Version);
        Assert.False(TlsServerFlightParser.NeedsMore(TlsServerFlightParser.Parse(hrr, hrr.Length)));
    }

    [Fact]
    public void Flight_AlertAndNonTls_AreAnswers()
    {
        var alert = TlsHelloTests.Record(0x15, 0x0303, new byte[] { 2, 86 });
        var flight = TlsServerFlightParser.Parse(alert, alert.Length);
        Assert.Equal(TlsHelloAnswerKind.Alert, flight.Hello.Kind);
        Assert.Equal(86, flight.Hello.AlertDescription);

        var smtp = System.Text.Encoding.ASCII.GetBytes("500 5.5.2 Error: bad syntax\r\n");
        Assert.Equal(TlsHelloAnswerKind.Smtp, TlsServerFlightParser.Parse(smtp, smtp.Length).Hello.Kind);
    }

    [Fact]
    public void Flight_HostileLengths_NeverThrow()
    {
        var random = new Random(20);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            bytes[0] = 0x16;
            if (bytes.Length > 2)
            {
                bytes[1] = 3;
            }

            var flight = TlsServerFlightParser.Parse(bytes, bytes.Length);
            Assert.NotNull(flight.Hello);
        }
    }

    [Fact]
    public void Catalog_HasUniqueNamedSuites_AndCallsTheRightOnesWeak()
    {
        var all = CipherSuiteCatalog.All;
        Assert.True(all.Count > 100);
        Assert.Equal(all.Count, all.Select(e => e.Code).Distinct().Count());
        Assert.All(all, e => Assert.StartsWith("TLS_", e.Name));
        Assert.Equal(5, CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls13).Count);
        Assert.DoesNotContain((ushort)0xc02f, CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls10));
        Assert.Contains((ushort)0xc02f, CipherSuiteCatalog.ForProtocol(SmtpTlsProtocol.Tls12));

        Assert.Equal("RC4 (RFC 7465)", CipherSuiteCatalog.Find(0x0005)!.WeakReason);
        Assert.StartsWith("3DES", CipherSuiteCatalog.Find(0x000a)!.WeakReason);
        Assert.Equal("NULL encryption", CipherSuiteCatalog.Find(0x0002)!.WeakReason);
        Assert.Equal("EXPORT grade", CipherSuiteCatalog.Find(0x0003)!.WeakReason);
        Assert.Null(CipherSuiteCatalog.Find(0xc030)!.WeakReason);
        Assert.True(CipherSuiteCatalog.Find(0xc030)!.ForwardSecrecy);
        Assert.False(CipherSuiteCatalog.Find(0x009c)!.ForwardSecrecy);
        Assert.True(CipherSuiteCatalog.Find(0x1301)!.ForwardSecrecy);

        // Every suite the protocol scan names is in the catalog with the same name.
        foreach (var code in TlsCipherSuites.Tls12.Concat(TlsCipherSuites.Legacy).Concat(TlsCipherSuites.Weak))
        {
            Assert.Equal(TlsCipherSuites.Name(code), CipherSuiteCatalog.Find(code)?.Name);
        }
    }

    [Fact]
    public void Verdict_NamesWhatAnAuditorFlags()
    {
        var deep = new SmtpTlsDeepResult
        {
            CipherSuites = new[]
            {
                CipherSuiteCatalog.Describe(0x000a, SmtpTlsProtocol.Tls12, null),
                CipherSuiteCatalog.Describe(0xc02f, SmtpTlsProtocol.Tls12, null),
                CipherSuiteCatalog.Describe(0x1301, SmtpTlsProtocol.Tls13, null),
            },
            CipherOrder = new[] { new SmtpTlsCipherOrder("Tls13", 1, null), new SmtpTlsCipherOrder("Tls12", 2, false) },
            Groups = new[] { new SmtpTlsGroup("x25519", 0x1d, true, true, false, true) },
            DhParameterBits = 1024,
            SecureRenegotiation = false,
            Compression = true,
            FallbackScsv = false,
            ExtendedMasterSecret = false,
            OcspStaple = new SmtpTlsOcspStaple("Revoked", DateTime.UtcNow, DateTime.UtcNow.AddDays(1), 0),
            StartTlsInjection = true,
            BytesAfterStartTls = true,
            PlaintextAfterStartTls = "250 2.0.0 Ok",
            StartTlsAfterTls = true,
        };
        var findings = new FindingList(CultureInfo.GetCultureInfo("en-US"));
        DeepVerdict.Evaluate(deep, findings);
        var ids = findings.ToArray().Select(f => f.Id).ToArray();
        Assert.Equal(
            new[]
            {
                "StartTlsInjection", "WeakCipher", "NoForwardSecrecy", "WeakDhParameters", "InsecureRenegotiation", "TlsCompression",
                "OcspStapleProblem", "DataAfterStartTls", "StartTlsAfterTls", "NoServerCipherOrder", "NoFallbackScsv",
                "NoExtendedMasterSecret", "NoPostQuantumGroup",
            },
            ids);
        Assert.Contains("TLS_RSA_WITH_3DES_EDE_CBC_SHA", findings.ToArray().First(f => f.Id == "WeakCipher").Message);

        var german = new FindingList(CultureInfo.GetCultureInfo("de-DE"));
        DeepVerdict.Evaluate(deep, german);
        Assert.Contains("Forward Secrecy", german.ToArray().First(f => f.Id == "NoForwardSecrecy").Message);
    }

    [Fact]
    public void Verdict_StaysQuietForAGoodServer()
    {
        var deep = new SmtpTlsDeepResult
        {
            CipherSuites = new[] { CipherSuiteCatalog.Describe(0xc02f, SmtpTlsProtocol.Tls12, 1), CipherSuiteCatalog.Describe(0x1301, SmtpTlsProtocol.Tls13, null) },
            CipherOrder = new[] { new SmtpTlsCipherOrder("Tls13", 1, null), new SmtpTlsCipherOrder("Tls12", 1, null) },
            Groups = new[] { new SmtpTlsGroup("X25519MLKEM768", 0x11ec, true, false, true, true) },
            DhParameterBits = null,
            SecureRenegotiation = true,
            Compression = false,
            FallbackScsv = true,
            ExtendedMasterSecret = true,
            StartTlsInjection = false,
            BytesAfterStartTls = false,
            StartTlsAfterTls = false,
        };
        var findings = new FindingList(CultureInfo.GetCultureInfo("en-US"));
        DeepVerdict.Evaluate(deep, findings);
        Assert.Empty(findings.ToArray());
    }

    private static byte[] CompressionMethods(byte[] hello)
    {
        var p = 9 + 2 + 32;
        p += 1 + hello[p];
        p += 2 + ((hello[p] << 8) | hello[p + 1]);
        return hello.Skip(p).Take(1 + hello[p]).ToArray();
    }

    private static byte[] ServerHelloBody(int version, ushort suite, int sessionIdLength, ushort[] extensions, byte[]? extra = null, bool helloRetry = false)
    {
        var body = new List<byte> { (byte)(version >> 8), (byte)version };
        body.AddRange(helloRetry
            ? new byte[] { 0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C }
            : Enumerable.Repeat((byte)7, 32));
        body.Add((byte)sessionIdLength);
        body.AddRange(Enumerable.Repeat((byte)9, sessionIdLength));
        body.Add((byte)(suite >> 8));
        body.Add((byte)suite);
        body.Add(0);
        var ext = new List<byte>();
        foreach (var type in extensions)
        {
            ext.AddRange(new byte[] { (byte)(type >> 8), (byte)type, 0, 0 });
        }

        ext.AddRange(extra ?? Array.Empty<byte>());
        body.Add((byte)(ext.Count >> 8));
        body.Add((byte)ext.Count);
        body.AddRange(ext);
        return body.ToArray();
    }

    private static byte[] Message(byte type, byte[] body) => new[] { type }.Concat(U24(body.Length)).Concat(body).ToArray();

    private static byte[] U24(int value) => new[] { (byte)(value >> 16), (byte)(value >> 8), (byte)value };
}
