using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.HostileServer;

/// <summary>
/// REQUIRETLS (RFC 8689) as no server package on this machine offers it (Debian 12's Postfix is 3.7;
/// Postfix has it from 3.10): real TLS after STARTTLS with the certificate of <see cref="TlsIdentity"/>,
/// REQUIRETLS advertised only inside TLS, and the MAIL parameter checked. The messages are read to
/// the final dot and thrown away: the final reply says whether the envelope carried REQUIRETLS.
/// </summary>
internal static class RequireTlsBehaviours
{
    /// <summary>RFC 8689 §5's refusal, as <c>requiretls-refused</c> answers every RCPT.</summary>
    public const string RefusalReply = "550 5.7.30 REQUIRETLS support required";

    private static int _queueId;

    /// <summary>The behaviours by name.</summary>
    public static IReadOnlyDictionary<string, Func<SmtpSession, CancellationToken, Task>> All { get; } =
        new Dictionary<string, Func<SmtpSession, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            // Advertises REQUIRETLS inside TLS and takes messages with or without it.
            ["requiretls"] = (session, ct) => RunAsync(session, "requiretls", refuseRecipients: false, ct),
            // Advertises REQUIRETLS, then cannot keep the promise for any recipient (5.7.30).
            ["requiretls-refused"] = (session, ct) => RunAsync(session, "requiretls-refused", refuseRecipients: true, ct),
        };

    /// <summary>The MAIL parameters of the extensions advertised (REQUIRETLS only inside TLS, RFC 8689 §4).</summary>
    private static bool IsKnownParameter(string parameter, bool tls) =>
        parameter.StartsWith("SIZE=", StringComparison.OrdinalIgnoreCase)
        || parameter.StartsWith("BODY=", StringComparison.OrdinalIgnoreCase)
        || string.Equals(parameter, "SMTPUTF8", StringComparison.OrdinalIgnoreCase)
        || (tls && string.Equals(parameter, "REQUIRETLS", StringComparison.OrdinalIgnoreCase));

    private static async Task RunAsync(SmtpSession session, string behaviour, bool refuseRecipients, CancellationToken ct)
    {
        await session.WriteLineAsync($"220 {Behaviours.HostName} ESMTP SmtpTls scripted server ({behaviour})", ct);
        var requireTls = false;
        while (await session.ReadLineAsync(ct) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    // RFC 8689 §4: REQUIRETLS is offered only inside TLS.
                    await session.WriteLineAsync(session.IsTls
                        ? $"250-{Behaviours.HostName}\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-REQUIRETLS\r\n250-SMTPUTF8\r\n250 8BITMIME"
                        : $"250-{Behaviours.HostName}\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME", ct);
                    break;
                case "STARTTLS" when !session.IsTls:
                    await session.WriteLineAsync("220 2.0.0 Ready to start TLS", ct);
                    if (!await session.StartTlsAsync(TlsIdentity.Certificate, ct))
                    {
                        return;
                    }

                    requireTls = false;
                    break;
                case "MAIL":
                    var parameters = line.Substring(line.IndexOf('>') + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    requireTls = parameters.Any(p => string.Equals(p, "REQUIRETLS", StringComparison.OrdinalIgnoreCase));
                    var unknown = parameters.FirstOrDefault(p => !IsKnownParameter(p, session.IsTls));
                    await session.WriteLineAsync(
                        unknown is not null ? "555 5.5.4 Unsupported option: " + unknown
                        : "250 2.1.0 Ok", ct);
                    break;
                case "RCPT":
                    await session.WriteLineAsync(refuseRecipients ? RefusalReply : "250 2.1.5 Ok", ct);
                    break;
                case "DATA":
                    await session.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>", ct);
                    while (await session.ReadLineAsync(ct) is { } data && data != ".")
                    {
                    }

                    var id = Interlocked.Increment(ref _queueId).ToString("X6", CultureInfo.InvariantCulture);
                    await session.WriteLineAsync($"250 2.0.0 Ok: queued as RT{id} ({(requireTls ? "REQUIRETLS" : "no REQUIRETLS")})", ct);
                    break;
                case "RSET" or "NOOP":
                    await session.WriteLineAsync("250 2.0.0 Ok", ct);
                    break;
                case "QUIT":
                    await session.WriteLineAsync("221 2.0.0 Bye", ct);
                    await session.CloseGracefullyAsync(ct);
                    return;
                default:
                    await session.WriteLineAsync("502 5.5.2 Error: command not recognized", ct);
                    break;
            }
        }
    }
}

/// <summary>
/// The TLS certificate of the scripted servers that speak TLS: self-signed for the host name they greet
/// with, made once per process, and written as PEM beside the ready-file (tls-certificate.pem) so that
/// a client can trust exactly it.
/// </summary>
internal static class TlsIdentity
{
    private static readonly Lazy<X509Certificate2> Lazy = new(Create);

    public static X509Certificate2 Certificate => Lazy.Value;

    /// <summary>Writes the certificate (without its key) to <paramref name="path"/>.</summary>
    public static void Export(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    private static X509Certificate2 Create()
    {
        // ECDSA: a P-256 key takes a millisecond where RSA takes up to a second on a busy machine, and the
        // certificate is made before the ready-file is written.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Behaviours.HostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Behaviours.HostName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        // A PKCS#12 round trip: SslStream on Linux wants a key it can hand to OpenSSL.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
