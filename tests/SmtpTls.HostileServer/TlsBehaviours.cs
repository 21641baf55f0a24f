using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmtpTls.HostileServer;

/// <summary>
/// The TLS servers no package here can play, for the deep scan: one that answers a command
/// pipelined behind STARTTLS inside TLS (the CVE-2011-0411 class, fixed in every MTA this bed can
/// run), one that speaks TLS 1.3 with nothing but the ML-KEM hybrid X25519MLKEM768 (OpenSSL 3.0
/// here has no ML-KEM), and one with the TLS 1.2 features OpenSSL no longer lets a server lack
/// (secure renegotiation, no compression, extended master secret, fallback SCSV).
/// </summary>
internal static class TlsBehaviours
{
    /// <summary>The code point of X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem).</summary>
    public const ushort X25519MlKem768 = 0x11ec;

    private static readonly Lazy<X509Certificate2> Certificate = new(CreateCertificate);

    // SHA-256 of "HelloRetryRequest" (RFC 8446, 4.1.3).
    private static readonly byte[] HelloRetryRandom = Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    /// <summary>The behaviours by name, merged into <see cref="Behaviours.All"/>.</summary>
    public static IEnumerable<KeyValuePair<string, Func<SmtpSession, CancellationToken, Task>>> All { get; } =
        new Dictionary<string, Func<SmtpSession, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            ["starttls-injection"] = InjectableAsync,
            ["tls13-mlkem-only"] = MlKemOnlyAsync,
            ["tls12-weak-features"] = WeakFeaturesAsync,
        };

    /// <summary>
    /// Keeps what the client pipelined behind STARTTLS and answers it inside TLS, as Postfix before
    /// 2.8.0 and many other MTAs did (CVE-2011-0411): QUIT's 221 then comes after a 250 for the NOOP.
    /// </summary>
    private static async Task InjectableAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        if (!await GreetUntilStartTlsAsync(session, "starttls-injection", cancellationToken))
        {
            return;
        }

        var pipelined = Encoding.ASCII.GetString(session.TakeBuffered());
        await session.WriteLineAsync("220 2.0.0 Ready to start TLS", cancellationToken);
        await using var tls = new SslStream(session.Stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate.Value }, cancellationToken);
        var lines = new Queue<string>(pipelined.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        var reader = new StreamReader(tls, Encoding.ASCII, false, 1024, leaveOpen: true);
        while (true)
        {
            var line = lines.Count > 0 ? lines.Dequeue() : await ReadBoundedLineAsync(reader, cancellationToken);
            if (line is null)
            {
                return;
            }

            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            var reply = verb switch
            {
                // STARTTLS again inside TLS, which RFC 3207 (4.2) forbids: the deep scan's StartTlsAfterTls.
                "EHLO" => $"250-{Behaviours.HostName}\r\n250-PIPELINING\r\n250 STARTTLS",
                "QUIT" => "221 2.0.0 Bye",
                "NOOP" or "RSET" => "250 2.0.0 Ok",
                _ => "502 5.5.2 Error: command not recognized",
            };
            await tls.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cancellationToken);
            if (verb == "QUIT")
            {
                return;
            }
        }
    }

    /// <summary>
    /// Takes a ClientHello after STARTTLS and accepts exactly one thing: TLS 1.3 with X25519MLKEM768,
    /// which it asks for in a HelloRetryRequest when no share came with the hello; everything else
    /// gets handshake_failure. Enough for a group probe, which never goes past the retry request.
    /// </summary>
    private static async Task MlKemOnlyAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        if (!await GreetUntilStartTlsAsync(session, "tls13-mlkem-only", cancellationToken))
        {
            return;
        }

        await session.WriteLineAsync("220 2.0.0 Ready to start TLS", cancellationToken);
        var record = await session.ReadTlsRecordBytesAsync(cancellationToken);
        var (versions, groups, suites) = record is null ? default : ReadClientHello(record);
        if (versions?.Contains((ushort)0x0304) == true && groups?.Contains(X25519MlKem768) == true && suites?.Contains((ushort)0x1301) == true)
        {
            await session.WriteAsync(HelloRetryRequest(0x1301, X25519MlKem768), cancellationToken);
        }
        else
        {
            await session.WriteAsync(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 40 }, cancellationToken);
        }

        await session.CloseGracefullyAsync(cancellationToken);
    }

    /// <summary>
    /// A TLS 1.2/1.1 server of the kind no current library is: it answers every ClientHello up to TLS 1.2
    /// with a ServerHello that chooses DEFLATE when offered, carries neither renegotiation_info (RFC 5746)
    /// nor extended_master_secret (RFC 7627), ignores TLS_FALLBACK_SCSV, and staples an OCSP response
    /// that says tryLater; then its certificate and ServerHelloDone. Nothing after that is ever read.
    /// </summary>
    private static async Task WeakFeaturesAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        if (!await GreetUntilStartTlsAsync(session, "tls12-weak-features", cancellationToken))
        {
            return;
        }

        await session.WriteLineAsync("220 2.0.0 Ready to start TLS", cancellationToken);
        var record = await session.ReadTlsRecordBytesAsync(cancellationToken);
        var hello = record is null ? null : ReadLegacyHello(record);
        if (hello is null || hello.Value.Version < 0x0302)
        {
            await session.WriteAsync(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 70 }, cancellationToken);
        }
        else
        {
            var (version, suites, compression, statusRequest) = hello.Value;
            var chosen = suites.FirstOrDefault(s => s is 0xc02f or 0xc013 or 0x009c or 0x002f);
            if (chosen == 0)
            {
                await session.WriteAsync(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 40 }, cancellationToken);
            }
            else
            {
                await session.WriteAsync(WeakFlight((ushort)Math.Min(version, 0x0303), chosen, compression, statusRequest), cancellationToken);
            }
        }

        await session.CloseGracefullyAsync(cancellationToken);
    }

    /// <summary>Version, suites, whether DEFLATE is offered and whether status_request is there, of a pre-1.3 ClientHello.</summary>
    private static (int Version, ushort[] Suites, bool Deflate, bool StatusRequest)? ReadLegacyHello(byte[] record)
    {
        try
        {
            var h = record.AsSpan(5);
            if (record[0] != 0x16 || h[0] != 1)
            {
                return null;
            }

            var version = (h[4] << 8) | h[5];
            var p = 4 + 2 + 32;
            p += 1 + h[p];
            var suitesLength = (h[p] << 8) | h[p + 1];
            var suites = List(h.Slice(p + 2, suitesLength));
            p += 2 + suitesLength;
            var compression = h.Slice(p + 1, h[p]).ToArray();
            p += 1 + h[p];
            var statusRequest = false;
            if (p + 2 <= h.Length)
            {
                var end = Math.Min(h.Length, p + 2 + ((h[p] << 8) | h[p + 1]));
                p += 2;
                while (p + 4 <= end)
                {
                    var type = (h[p] << 8) | h[p + 1];
                    statusRequest |= type == 0x0005;
                    p += 4 + ((h[p + 2] << 8) | h[p + 3]);
                }
            }

            return (version, suites, compression.Contains((byte)1), statusRequest);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[] WeakFlight(ushort version, ushort suite, bool deflate, bool statusRequest)
    {
        var serverHello = new List<byte> { (byte)(version >> 8), (byte)version };
        serverHello.AddRange(RandomNumberGenerator.GetBytes(32));
        serverHello.Add(0);
        serverHello.AddRange(new[] { (byte)(suite >> 8), (byte)suite, (byte)(deflate ? 1 : 0) });
        byte[] extensions = statusRequest ? [0x00, 0x05, 0x00, 0x00] : [];
        serverHello.AddRange(new[] { (byte)(extensions.Length >> 8), (byte)extensions.Length });
        serverHello.AddRange(extensions);

        var der = Certificate.Value.RawData;
        var certificate = new List<byte>();
        certificate.AddRange(U24(der.Length + 3));
        certificate.AddRange(U24(der.Length));
        certificate.AddRange(der);

        var messages = new List<byte>();
        messages.AddRange(Message(2, serverHello));
        messages.AddRange(Message(11, certificate));
        if (statusRequest)
        {
            // An OCSPResponse whose responseStatus is tryLater (3): the responder could not answer.
            byte[] tryLater = [0x30, 0x03, 0x0a, 0x01, 0x03];
            messages.AddRange(Message(22, new byte[] { 1 }.Concat(U24(tryLater.Length)).Concat(tryLater).ToList()));
        }

        messages.AddRange(Message(14, new List<byte>()));
        var record = new List<byte> { 0x16, (byte)(version >> 8), (byte)version, (byte)(messages.Count >> 8), (byte)messages.Count };
        record.AddRange(messages);
        return record.ToArray();

        static IEnumerable<byte> Message(byte type, List<byte> body) => new[] { type }.Concat(U24(body.Count)).Concat(body);

        static byte[] U24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];
    }

    private static async Task<bool> GreetUntilStartTlsAsync(SmtpSession session, string name, CancellationToken cancellationToken)
    {
        await session.WriteLineAsync($"220 {Behaviours.HostName} ESMTP {name}", cancellationToken);
        while (await session.ReadLineAsync(cancellationToken) is { } line)
        {
            switch (line.Split(' ', 2)[0].ToUpperInvariant())
            {
                case "EHLO":
                    await session.WriteLineAsync($"250-{Behaviours.HostName}\r\n250-PIPELINING\r\n250 STARTTLS", cancellationToken);
                    break;
                case "STARTTLS":
                    return true;
                case "QUIT":
                    await session.WriteLineAsync("221 2.0.0 Bye", cancellationToken);
                    return false;
                default:
                    await session.WriteLineAsync("502 5.5.2 Error: command not recognized", cancellationToken);
                    break;
            }
        }

        return false;
    }

    private static async Task<string?> ReadBoundedLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken);
        return line is { Length: > SmtpSession.MaxLineLength } ? null : line;
    }

    /// <summary>supported_versions, supported_groups and the suites of a ClientHello record; nulls where absent or malformed.</summary>
    private static (ushort[]? Versions, ushort[]? Groups, ushort[]? Suites) ReadClientHello(byte[] record)
    {
        try
        {
            var h = record.AsSpan(5);
            if (record[0] != 0x16 || h[0] != 1)
            {
                return default;
            }

            var p = 4 + 2 + 32;
            p += 1 + h[p];
            var suitesLength = (h[p] << 8) | h[p + 1];
            var suites = List(h.Slice(p + 2, suitesLength));
            p += 2 + suitesLength;
            p += 1 + h[p];
            var end = p + 2 + ((h[p] << 8) | h[p + 1]);
            p += 2;
            ushort[]? versions = null, groups = null;
            while (p + 4 <= end)
            {
                var type = (h[p] << 8) | h[p + 1];
                var size = (h[p + 2] << 8) | h[p + 3];
                var data = h.Slice(p + 4, size);
                if (type == 0x002b)
                {
                    versions = List(data.Slice(1, data[0]));
                }
                else if (type == 0x000a)
                {
                    groups = List(data.Slice(2, (data[0] << 8) | data[1]));
                }

                p += 4 + size;
            }

            return (versions, groups, suites);
        }
        catch (ArgumentOutOfRangeException)
        {
            return default;
        }
    }

    private static ushort[] List(ReadOnlySpan<byte> data)
    {
        var values = new ushort[data.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)((data[2 * i] << 8) | data[2 * i + 1]);
        }

        return values;
    }

    private static byte[] HelloRetryRequest(ushort suite, ushort group)
    {
        var body = new List<byte> { 0x03, 0x03 };
        body.AddRange(HelloRetryRandom);
        body.Add(0);
        body.AddRange(new[] { (byte)(suite >> 8), (byte)suite, (byte)0 });
        byte[] extensions = [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, (byte)(group >> 8), (byte)group];
        body.AddRange(new[] { (byte)(extensions.Length >> 8), (byte)extensions.Length });
        body.AddRange(extensions);
        var handshake = new List<byte> { 2, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var record = new List<byte> { 0x16, 0x03, 0x03, (byte)(handshake.Count >> 8), (byte)handshake.Count };
        record.AddRange(handshake);
        return record.ToArray();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Behaviours.HostName, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // A certificate with an ephemeral key cannot be used by SslStream on Linux until it is exported once.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
