using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SmtpTls.Probing;
using SmtpTls.Smtp;
using Xunit;

namespace SmtpTls.Tests.Probing;

[Trait("Against", "Unit")]
public class TlsHelloTests
{
    [Theory]
    [InlineData(SmtpTlsProtocol.Ssl3, 0x0300, 0x0300)]
    [InlineData(SmtpTlsProtocol.Tls10, 0x0301, 0x0301)]
    [InlineData(SmtpTlsProtocol.Tls11, 0x0301, 0x0302)]
    [InlineData(SmtpTlsProtocol.Tls12, 0x0301, 0x0303)]
    [InlineData(SmtpTlsProtocol.Tls13, 0x0301, 0x0303)]
    public void ClientHello_HasTheRecordAndHelloVersionOfItsProtocol(SmtpTlsProtocol protocol, int recordVersion, int helloVersion)
    {
        var hello = TlsClientHelloBuilder.Build(protocol, "mx.example.org");
        Assert.Equal(0x16, hello[0]);
        Assert.Equal(recordVersion, (hello[1] << 8) | hello[2]);
        Assert.Equal(hello.Length - 5, (hello[3] << 8) | hello[4]);
        Assert.Equal(0x01, hello[5]);
        Assert.Equal(hello.Length - 9, (hello[6] << 16) | (hello[7] << 8) | hello[8]);
        Assert.Equal(helloVersion, (hello[9] << 8) | hello[10]);
    }

    [Fact]
    public void ClientHello_Tls13_OffersOnly13InSupportedVersions_WithAKeyShare()
    {
        var extensions = Extensions(TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls13, "mx.example.org"));
        Assert.Equal(new byte[] { 2, 0x03, 0x04 }, extensions[0x002b]);
        Assert.Equal(0x001d, (extensions[0x0033][2] << 8) | extensions[0x0033][3]);
        Assert.True(extensions.ContainsKey(0x000d));
    }

    [Fact]
    public void ClientHello_Tls12_HasNoSupportedVersions_SoA13ServerMustAnswerWith12()
    {
        var extensions = Extensions(TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, "mx.example.org"));
        Assert.False(extensions.ContainsKey(0x002b));
        Assert.True(extensions.ContainsKey(0x000d));
    }

    [Fact]
    public void ClientHello_CarriesSni_ButNotForAnIPAddress()
    {
        var named = Extensions(TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, "mx.example.org"));
        Assert.Contains("mx.example.org", Encoding.ASCII.GetString(named[0x0000]));
        Assert.False(Extensions(TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, "192.0.2.1")).ContainsKey(0x0000));
        Assert.False(Extensions(TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, null)).ContainsKey(0x0000));
    }

    [Fact]
    public void ClientHello_Ssl3_HasNoExtensions()
    {
        var hello = TlsClientHelloBuilder.Build(SmtpTlsProtocol.Ssl3, "mx.example.org");
        var p = 9 + 2 + 32;
        p += 1 + hello[p];
        p += 2 + ((hello[p] << 8) | hello[p + 1]);
        p += 1 + hello[p];
        Assert.Equal(hello.Length, p);
    }

    [Fact]
    public void ClientHello_OffersTheGivenSuites()
    {
        var hello = TlsClientHelloBuilder.Build(SmtpTlsProtocol.Tls12, null, new ushort[] { 0x000a, 0x0005 });
        Assert.Equal(new ushort[] { 0x000a, 0x0005 }, Suites(hello));
    }

    [Fact]
    public void Parse_Tls12ServerHello()
    {
        var bytes = ServerHello(0x0303, 0xc02f);
        var answer = TlsServerHelloParser.Parse(bytes, bytes.Length);
        Assert.Equal(TlsHelloAnswerKind.ServerHello, answer.Kind);
        Assert.Equal(0x0303, answer.Version);
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TlsCipherSuites.Name(answer.CipherSuite));
    }

    [Fact]
    public void Parse_Tls13ServerHello_TakesTheVersionFromSupportedVersions()
    {
        var bytes = ServerHello(0x0303, 0x1301, supportedVersion: 0x0304);
        var answer = TlsServerHelloParser.Parse(bytes, bytes.Length);
        Assert.Equal(0x0304, answer.Version);
        Assert.False(answer.IsHelloRetryRequest);
    }

    [Fact]
    public void Parse_HelloRetryRequest_StillCommitsToTls13()
    {
        var bytes = ServerHello(0x0303, 0x1301, supportedVersion: 0x0304, helloRetry: true);
        var answer = TlsServerHelloParser.Parse(bytes, bytes.Length);
        Assert.True(answer.IsHelloRetryRequest);
        Assert.Equal(0x0304, answer.Version);
    }

    [Fact]
    public void Parse_ServerHelloSplitOverRecords_AndArrivingInPieces()
    {
        var whole = ServerHello(0x0302, 0xc013);
        var body = whole.Skip(5).ToArray();
        var split = Record(0x16, 0x0302, body.Take(10).ToArray()).Concat(Record(0x16, 0x0302, body.Skip(10).ToArray())).ToArray();
        for (var length = 1; length < split.Length; length++)
        {
            Assert.Equal(TlsHelloAnswerKind.Incomplete, TlsServerHelloParser.Parse(split, length).Kind);
        }

        var answer = TlsServerHelloParser.Parse(split, split.Length);
        Assert.Equal(TlsHelloAnswerKind.ServerHello, answer.Kind);
        Assert.Equal(0x0302, answer.Version);
    }

    [Fact]
    public void Parse_Alert()
    {
        var bytes = Record(0x15, 0x0301, new byte[] { 2, 70 });
        var answer = TlsServerHelloParser.Parse(bytes, bytes.Length);
        Assert.Equal(TlsHelloAnswerKind.Alert, answer.Kind);
        Assert.Equal(70, answer.AlertDescription);
        Assert.Contains("protocol_version", answer.Describe());
    }

    [Theory]
    [InlineData("220 mx.example.org ESMTP\r\n", "Smtp")]
    [InlineData("HTTP/1.1 400 Bad Request\r\n", "Http")]
    [InlineData("SSH-2.0-OpenSSH\r\n", "NotTls")]
    [InlineData("22", "Incomplete")]
    public void Parse_NonTlsAnswers(string text, string kind)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(kind, TlsServerHelloParser.Parse(bytes, bytes.Length).Kind.ToString());
    }

    [Theory]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA", true)]
    [InlineData("TLS_RSA_WITH_3DES_EDE_CBC_SHA", true)]
    [InlineData("TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", true)]
    [InlineData("TLS_RSA_WITH_NULL_SHA256", true)]
    [InlineData("TLS_AES_256_GCM_SHA384", false)]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false)]
    [InlineData(null, false)]
    public void WeakSuites(string? name, bool weak) => Assert.Equal(weak, TlsCipherSuites.IsWeak(name));

    internal static byte[] ServerHello(int version, ushort suite, int? supportedVersion = null, bool helloRetry = false)
    {
        var body = new List<byte> { (byte)(version >> 8), (byte)version };
        body.AddRange(helloRetry
            ? new byte[] { 0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C }
            : Enumerable.Repeat((byte)7, 32));
        body.Add(0);
        body.Add((byte)(suite >> 8));
        body.Add((byte)suite);
        body.Add(0);
        var extensions = new List<byte> { 0xff, 0x01, 0, 1, 0 };
        if (supportedVersion is { } v)
        {
            extensions.AddRange(new byte[] { 0, 0x2b, 0, 2, (byte)(v >> 8), (byte)v });
        }

        body.Add((byte)(extensions.Count >> 8));
        body.Add((byte)extensions.Count);
        body.AddRange(extensions);
        var handshake = new List<byte> { 2, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        return Record(0x16, version, handshake.ToArray());
    }

    internal static byte[] Record(byte type, int version, byte[] payload) =>
        new byte[] { type, (byte)(version >> 8), (byte)version, (byte)(payload.Length >> 8), (byte)payload.Length }.Concat(payload).ToArray();

    internal static Dictionary<int, byte[]> Extensions(byte[] hello)
    {
        var p = 9 + 2 + 32;
        p += 1 + hello[p];
        p += 2 + ((hello[p] << 8) | hello[p + 1]);
        p += 1 + hello[p];
        var end = p + 2 + ((hello[p] << 8) | hello[p + 1]);
        p += 2;
        var result = new Dictionary<int, byte[]>();
        while (p < end)
        {
            var type = (hello[p] << 8) | hello[p + 1];
            var size = (hello[p + 2] << 8) | hello[p + 3];
            result[type] = hello.Skip(p + 4).Take(size).ToArray();
            p += 4 + size;
        }

        Assert.Equal(hello.Length, p);
        return result;
    }

    private static ushort[] Suites(byte[] hello)
    {
        var p = 9 + 2 + 32;
        p += 1 + hello[p];
        var length = (hello[p] << 8) | hello[p + 1];
        return Enumerable.Range(0, length / 2).Select(i => (ushort)((hello[p + 2 + 2 * i] << 8) | hello[p + 3 + 2 * i])).ToArray();
    }
}
