using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Probing;
using Xunit;

namespace SmtpTls.Tests.Probing;

/// <summary>The whole probe against in-process scripted servers: good dialogues and every fault case.</summary>
[Trait("Against", "Scripted")]
public class SmtpTlsProbeTests
{
    private static readonly TrustAnchors Anchor = TrustAnchors.FromCertificates(new[] { ScriptedSmtpServer.Certificate });

    private static SmtpTlsProbeOptions Options(ScriptedSmtpServer server, string? serverName = "mx.test.example", double timeoutSeconds = 5) => new(server.Endpoint)
    {
        ServerName = serverName,
        TrustAnchors = Anchor,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        BannerWait = TimeSpan.FromMilliseconds(300),
        Culture = CultureInfo.GetCultureInfo("en-US"),
    };

    private static Func<ScriptedSession, CancellationToken, Task> Implicit(string ehlo = "250-mx.test.example\r\n250 AUTH PLAIN") => async (session, ct) =>
    {
        await session.StartTlsAsync(ct);
        await session.WriteLineAsync("220 mx.test.example ESMTP implicit", ct);
        while (await session.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
            {
                await session.WriteLineAsync("221 Bye", ct);
                return;
            }

            await session.WriteLineAsync(line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase) ? ehlo : "502 no", ct);
        }
    };

    private static string[] Ids(SmtpTlsResult result) => result.Findings.Select(f => f.Id).ToArray();

    [Fact]
    public async Task GoodStartTls_Passes_WithTheDialogueAndTheCertificateOfThisConnection()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var lines = new ConcurrentQueue<string>();
        var options = Options(server);
        options.Transcript = lines.Enqueue;

        var result = await SmtpTlsProbe.ProbeAsync(options);

        Assert.True(result.Status == "Passed", string.Join("; ", result.Findings.Select(f => f.ToString())));
        Assert.Equal("StartTls", result.TlsMode);
        Assert.Equal("127.0.0.1", result.Address);
        Assert.True(result.Connected);
        Assert.True(result.StartTlsOffered);
        Assert.StartsWith("220", result.StartTlsReply);
        Assert.True(result.TlsEstablished);
        Assert.Contains(result.Protocol, new[] { "Tls12", "Tls13" });
        Assert.False(string.IsNullOrEmpty(result.CipherSuite));
        Assert.Equal(ScriptedSmtpServer.Certificate.Thumbprint, result.PresentedChain[0].Thumbprint);
        Assert.Equal(ScriptedSmtpServer.Certificate.Thumbprint, result.Certificate!.Thumbprint);
        Assert.True(result.CertificateValid);
        Assert.True(result.HostnameMatch);
        Assert.InRange(result.DaysUntilExpiry!.Value, 85, 90);
        Assert.Empty(result.AuthBeforeTls);
        Assert.Equal(new[] { "PLAIN", "LOGIN" }, result.AuthAfterTls);
        Assert.Contains("STARTTLS", result.CapabilitiesBeforeTls);
        Assert.Null(result.Resolution);
        Assert.Null(result.TlsEnforced);
        Assert.Contains("C: STARTTLS", lines);
        Assert.Contains("C: STARTTLS", result.Transcript);
    }

    [Fact]
    public async Task EveryProbeSeesTheCertificateItself_NoResumedSession()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());

        // The control: against this server, a client that allows resumption does ask for it on its
        // second connection. Without that, the check below could not fail. (Its first connection may
        // already resume: other tests of this process talked to the same server certificate.)
        await StartTlsWithResumptionAllowedAsync(server.Port);
        await StartTlsWithResumptionAllowedAsync(server.Port);
        var control = server.ClientHellos.ToArray();
        Assert.Equal(2, control.Length);
        Assert.True(ClientHelloResumption.OffersResumption(control[1]), "a client that allows resumption should ask for it on its second connection");

        server.ClientHellos.Clear();
        for (var i = 0; i < 3; i++)
        {
            var result = await SmtpTlsProbe.ProbeAsync(Options(server));
            Assert.Single(result.PresentedChain);
            Assert.Equal("Passed", result.Status);
        }

        // Seen by the server on the wire: no probe asked to resume, so each one got the certificate itself.
        var hellos = server.ClientHellos.ToArray();
        Assert.Equal(3, hellos.Length);
        Assert.All(hellos, hello => Assert.False(ClientHelloResumption.OffersResumption(hello), "a probe asked to resume a TLS session"));
    }

    /// <summary>STARTTLS with an SslStream that allows resumption; reads a reply over TLS so that session tickets arrive.</summary>
    private static async Task StartTlsWithResumptionAllowedAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        async Task<string> ReadReplyAsync(System.IO.Stream s)
        {
            var reply = new System.Text.StringBuilder();
            var one = new byte[1];
            while (await s.ReadAsync(one) == 1)
            {
                reply.Append((char)one[0]);
                if (one[0] == '\n' && System.Text.RegularExpressions.Regex.IsMatch(reply.ToString(), @"(^|\n)\d{3} [^\n]*\n$"))
                {
                    break;
                }
            }

            return reply.ToString();
        }

        async Task<string> CommandAsync(System.IO.Stream s, string command)
        {
            await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\r\n"));
            return await ReadReplyAsync(s);
        }

        await ReadReplyAsync(stream);
        await CommandAsync(stream, "EHLO control.test");
        Assert.StartsWith("220", await CommandAsync(stream, "STARTTLS"));
        using var ssl = new SslStream(stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mx.test.example", AllowTlsResume = true });
        Assert.StartsWith("250", await CommandAsync(ssl, "EHLO control.test"));
        Assert.StartsWith("221", await CommandAsync(ssl, "QUIT"));
    }

    [Fact]
    public async Task SelfSignedWithoutAnchor_IsUntrusted_AndResolved()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server);
        options.TrustAnchors = null;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal("Failed", result.Status);
        Assert.True(result.TlsEstablished);
        Assert.False(result.CertificateValid);
        Assert.Contains(nameof(SmtpTlsFindingId.CertificateUntrusted), Ids(result));
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task WrongName_IsANameMismatch()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var result = await SmtpTlsProbe.ProbeAsync(Options(server, "mail.other.example"));
        Assert.False(result.HostnameMatch);
        Assert.Contains(nameof(SmtpTlsFindingId.CertificateNameMismatch), Ids(result));
        Assert.Contains("mx.test.example", result.Findings.First(f => f.Id == nameof(SmtpTlsFindingId.CertificateNameMismatch)).Message);
        Assert.Equal("Failed", result.Status);
    }

    [Fact]
    public async Task IPAddressWithoutServerName_SaysNoNameWasChecked()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var result = await SmtpTlsProbe.ProbeAsync(Options(server, serverName: null));
        Assert.Null(result.ServerName);
        Assert.Null(result.HostnameMatch);
        Assert.Contains(nameof(SmtpTlsFindingId.NameNotChecked), Ids(result));
        Assert.Equal("Warning", result.Status);
    }

    [Fact]
    public async Task ExpiryWarning_FollowsTheOption()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server);
        options.ExpiryWarningDays = 120;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Contains(nameof(SmtpTlsFindingId.CertificateExpiringSoon), Ids(result));
        Assert.Equal("Warning", result.Status);
    }

    [Fact]
    public async Task StartTls454_IsTlsNotAvailable_WithTheFullReply()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(startTlsReply: "454 4.7.0 TLS not available due to local problem"));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.True(result.StartTlsOffered);
        Assert.False(result.TlsEstablished);
        Assert.Equal("454 4.7.0 TLS not available due to local problem", result.StartTlsReply);
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.TlsNotAvailable) }, Ids(result));
        Assert.Equal("Failed", result.Status);
        Assert.NotNull(result.Resolution);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, result.Resolution!.Category);
    }

    [Fact]
    public async Task NoStartTls_IsTlsNotOffered()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(ehloExtras: "250-PIPELINING\r\n"));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.False(result.StartTlsOffered);
        Assert.Contains(nameof(SmtpTlsFindingId.TlsNotOffered), Ids(result));
        Assert.Equal("Failed", result.Status);
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task AuthBeforeTls_IsAWarning()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(ehloExtras: "250-STARTTLS\r\n250-AUTH=LOGIN\r\n250-AUTH PLAIN LOGIN\r\n"));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { "LOGIN", "PLAIN" }, result.AuthBeforeTls);
        Assert.Contains(nameof(SmtpTlsFindingId.AuthBeforeTls), Ids(result));
        Assert.Equal("Warning", result.Status);
    }

    [Theory]
    [InlineData("530 5.7.0 Must issue a STARTTLS command first", "250 2.1.5 Ok", "TlsRequired", "MAIL FROM", nameof(SmtpTlsFindingId.TlsEnforced))]
    [InlineData("250 2.1.0 Ok", "250 2.1.5 Ok", "NotEnforced", null, nameof(SmtpTlsFindingId.TlsNotEnforced))]
    [InlineData("250 OK", "550 STARTTLS required", "TlsRequired", "RCPT TO", nameof(SmtpTlsFindingId.TlsEnforced))]
    [InlineData("250 OK", "550 Encryption required for this recipient", "TlsRequired", "RCPT TO", nameof(SmtpTlsFindingId.TlsEnforced))]
    [InlineData("530 5.7.0 Must issue an AUTH command first", "250 2.1.5 Ok", "AuthenticationRequired", "MAIL FROM", nameof(SmtpTlsFindingId.EnforcementAuthenticationRequired))]
    [InlineData("530 5.7.0 Authentication required.", "250 2.1.5 Ok", "AuthenticationRequired", "MAIL FROM", nameof(SmtpTlsFindingId.EnforcementAuthenticationRequired))]
    [InlineData("250 OK", "554 5.7.1 <postmaster@test.example>: Relay access denied", "RelayDenied", "RCPT TO", nameof(SmtpTlsFindingId.EnforcementRelayDenied))]
    [InlineData("550 Administrative prohibition", "250 2.1.5 Ok", "RefusedOtherReason", "MAIL FROM", nameof(SmtpTlsFindingId.EnforcementRefused))]
    [InlineData("250 OK", "451 4.7.1 Greylisted, try again later", "Unknown", "RCPT TO", nameof(SmtpTlsFindingId.EnforcementUnknown))]
    public async Task CheckEnforcement_AsksAsASender_AndNamesWhatTheRefusalMeans(string mailReply, string rcptReply, string enforcement, string? step, string finding)
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(mailReply: mailReply, rcptReply: rcptReply));
        var options = Options(server);
        options.CheckEnforcement = true;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal(enforcement, result.Enforcement);
        Assert.Equal(step, result.EnforcementStep);
        Assert.Equal(enforcement switch { "TlsRequired" => true, "NotEnforced" => false, _ => (bool?)null }, result.TlsEnforced);
        Assert.Contains(finding, Ids(result));
        Assert.Equal("Passed", result.Status);
        Assert.Contains("C: RSET", result.Transcript);
        Assert.DoesNotContain(result.Transcript, l => l.StartsWith("C: DATA", StringComparison.Ordinal));
        if (mailReply.StartsWith("250", StringComparison.Ordinal))
        {
            // No -Domain and no -EnforcementDomain: the postmaster of the server name's parent domain.
            Assert.Contains("C: RCPT TO:<postmaster@test.example>", result.Transcript);
        }
        else
        {
            Assert.DoesNotContain(result.Transcript, l => l.StartsWith("C: RCPT", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CheckEnforcement_UsesTheEnforcementDomain()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server);
        options.CheckEnforcement = true;
        options.EnforcementDomain = "example.org";
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Contains("C: RCPT TO:<postmaster@example.org>", result.Transcript);
        Assert.Equal("postmaster@example.org", result.EnforcementRecipient);
    }

    [Fact]
    public async Task ImplicitTls_Passes()
    {
        await using var server = new ScriptedSmtpServer(Implicit());
        var options = Options(server);
        options.TlsMode = SmtpTlsMode.Implicit;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal("Passed", result.Status);
        Assert.Equal("Implicit", result.TlsMode);
        Assert.StartsWith("220 mx.test.example", result.Banner);
        Assert.Equal(new[] { "PLAIN" }, result.AuthAfterTls);
        Assert.Null(result.StartTlsReply);
    }

    [Fact]
    public async Task StartTlsProbeOfAnImplicitPort_IsAPortMismatch()
    {
        await using var server = new ScriptedSmtpServer(Implicit());
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.PortMismatch) }, Ids(result));
        Assert.Contains("implicit", result.Findings[0].Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Failed", result.Status);
        // PortMismatch rather than Timeout is the outcome; the bound only says that the probe ended.
        Assert.True(result.Duration < TimeSpan.FromSeconds(20), result.Duration.ToString());
    }

    [Fact]
    public async Task ImplicitProbeOfAStartTlsPort_IsAPortMismatch()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server);
        options.TlsMode = SmtpTlsMode.Implicit;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.PortMismatch) }, Ids(result));
        Assert.Contains("STARTTLS", result.Findings[0].Message);
        Assert.StartsWith("220 mx.test.example", result.Banner);
    }

    [Fact]
    public async Task Tarpit_TimesOutWithinTheTimeout()
    {
        await using var server = new ScriptedSmtpServer((s, ct) => s.SilentAsync(ct));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server, timeoutSeconds: 1.5));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.Timeout) }, Ids(result));
        // Waited for the 1.5 s timeout, then ended (a generous bound, several times the timeout).
        Assert.InRange(result.Duration.TotalSeconds, 1.0, 10);
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task SilenceAfterReadyToStartTls_TimesOutInTheHandshake()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(tls: false));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server, timeoutSeconds: 1.5));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.Timeout) }, Ids(result));
        Assert.StartsWith("220", result.StartTlsReply);
        // Waited for the 1.5 s timeout, then ended (a generous bound, several times the timeout).
        Assert.InRange(result.Duration.TotalSeconds, 1.0, 10);
    }

    [Fact]
    public async Task CloseAfterBanner_IsConnectionFailed()
    {
        await using var server = new ScriptedSmtpServer((s, ct) => s.WriteLineAsync("220 bye at once", ct));
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.ConnectionFailed) }, Ids(result));
        Assert.Equal("220 bye at once", result.Banner);
    }

    [Fact]
    public async Task CloseInTheHandshake_IsTlsHandshakeFailed()
    {
        await using var server = new ScriptedSmtpServer(async (s, ct) =>
        {
            await s.WriteLineAsync("220 x", ct);
            await s.ReadLineAsync(ct);
            await s.WriteLineAsync("250-x\r\n250 STARTTLS", ct);
            await s.ReadLineAsync(ct);
            await s.WriteLineAsync("220 go ahead", ct);
            await s.ReadSomeAsync(ct);
        });
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.TlsHandshakeFailed) }, Ids(result));
        Assert.NotNull(result.Resolution);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("long-line")]
    [InlineData("ehlo-flood")]
    [InlineData("http-first")]
    public async Task NonSmtpPeers_AreNotSmtp(string kind)
    {
        await using var server = new ScriptedSmtpServer(async (s, ct) =>
        {
            switch (kind)
            {
                case "garbage":
                    await s.WriteAsync(Enumerable.Range(0, 300).Select(i => (byte)(i * 37)).ToArray(), ct);
                    break;
                case "long-line":
                    await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes("220 " + new string('x', 1 << 20)), ct);
                    break;
                case "ehlo-flood":
                    await s.WriteLineAsync("220 x", ct);
                    await s.ReadLineAsync(ct);
                    await s.WriteLineAsync(string.Join("\r\n", Enumerable.Range(0, 10_000).Select(i => "250-X" + i)) + "\r\n250 END", ct);
                    break;
                case "http-first":
                    await s.WriteLineAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n", ct);
                    break;
            }

            await s.SilentAsync(ct);
        });
        // A 30 s timeout: recognising the peer must not wait for it (the peer stays silent afterwards).
        var result = await SmtpTlsProbe.ProbeAsync(Options(server, timeoutSeconds: 30));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.NotSmtp) }, Ids(result));
        Assert.True(result.Duration < TimeSpan.FromSeconds(15), result.Duration.ToString());
    }

    [Fact]
    public async Task HttpServerThatWaitsForARequest_IsFoundByTheSecondConnection()
    {
        await using var server = new ScriptedSmtpServer(async (s, ct) =>
        {
            if (await s.ReadLineAsync(ct) is not null)
            {
                await s.WriteLineAsync("HTTP/1.1 400 Bad Request\r\n", ct);
            }
        });
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.NotSmtp) }, Ids(result));
        Assert.Contains("HTTP", result.Findings[0].Message);
    }

    [Theory]
    [InlineData("banner")]
    [InlineData("ehlo")]
    [InlineData("starttls")]
    public async Task Reply421_AtAnyStep_EndsWithConnectionFailed(string step)
    {
        await using var server = new ScriptedSmtpServer(async (s, ct) =>
        {
            const string bye = "421 4.3.2 Service not available, closing transmission channel";
            await s.WriteLineAsync(step == "banner" ? bye : "220 x", ct);
            if (step == "banner")
            {
                return;
            }

            await s.ReadLineAsync(ct);
            await s.WriteLineAsync(step == "ehlo" ? bye : "250-x\r\n250 STARTTLS", ct);
            if (step == "ehlo")
            {
                return;
            }

            await s.ReadLineAsync(ct);
            await s.WriteLineAsync(bye, ct);
        });
        var result = await SmtpTlsProbe.ProbeAsync(Options(server));
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.ConnectionFailed) }, Ids(result));
        Assert.Contains("421", result.Findings[0].Message);
        Assert.NotNull(result.Resolution);
    }

    [Fact]
    public async Task RefusedConnection_IsConnectionFailed()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await SmtpTlsProbe.ProbeAsync(new SmtpTlsProbeOptions("127.0.0.1:" + port) { Timeout = TimeSpan.FromSeconds(2) });
        Assert.False(result.Connected);
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.ConnectionFailed) }, Ids(result));
        Assert.Equal("Failed", result.Status);
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("mx.example.org:99999")]
    public async Task UnusableInput_IsAnErrorResult_NotAnException(string server)
    {
        var result = await SmtpTlsProbe.ProbeAsync(new SmtpTlsProbeOptions(server));
        Assert.Equal("Error", result.Status);
        Assert.Equal(new[] { nameof(SmtpTlsFindingId.InvalidTarget) }, Ids(result));
        Assert.False(result.Connected);
    }

    [Fact]
    public async Task Cancellation_EndsATarpitAtOnce()
    {
        await using var server = new ScriptedSmtpServer((s, ct) => s.SilentAsync(ct));
        using var cts = new CancellationTokenSource(300);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SmtpTlsProbe.ProbeAsync(Options(server, timeoutSeconds: 30), cts.Token));
        // Far below the 30 s timeout, far above the 300 ms: load cannot break it, a missed token can.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Messages_FollowTheCulture()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue(startTlsReply: "454 4.7.0 TLS not available due to local problem"));
        var options = Options(server);
        options.Culture = CultureInfo.GetCultureInfo("de-DE");
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Contains("lehnt es aber ab", result.Findings[0].Message);
    }

    [Fact]
    public async Task ProtocolScan_FindsWhatTheServerAccepts_IndependentOfTheLocalTlsLibrary()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var options = Options(server);
        options.ProtocolScan = true;
        var result = await SmtpTlsProbe.ProbeAsync(options);
        Assert.Equal(new[] { "Ssl3", "Tls10", "Tls11", "Tls12", "Tls13" }, result.SupportedProtocols.Select(p => p.Protocol));
        Assert.True(result.SupportedProtocols.Single(p => p.Protocol == "Tls12").Accepted, result.SupportedProtocols.Single(p => p.Protocol == "Tls12").Detail);
        Assert.True(result.SupportedProtocols.Single(p => p.Protocol == "Tls13").Accepted);
        Assert.False(result.SupportedProtocols.Single(p => p.Protocol == "Ssl3").Accepted);

        // A working server: its whole flight follows the 1.2 ServerHello, and a 1.3 handshake completes.
        Assert.True(result.SupportedProtocols.Single(p => p.Protocol == "Tls12").HandshakeCompletes);
        Assert.True(result.SupportedProtocols.Single(p => p.Protocol == "Tls13").HandshakeCompletes);
        Assert.Null(result.SupportedProtocols.Single(p => p.Protocol == "Ssl3").HandshakeCompletes);

        // The probe, one hello per version, the weak-cipher hello and one real TLS 1.3 handshake.
        Assert.Equal(1 + 5 + 1 + 1, server.Connections);
    }

    [Fact]
    public async Task ManyProbesAtOnce_AllComplete()
    {
        await using var server = new ScriptedSmtpServer(ScriptedSmtpServer.Dialogue());
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => SmtpTlsProbe.ProbeAsync(Options(server, timeoutSeconds: 20))));
        Assert.All(results, r => Assert.Equal("Passed", r.Status));
    }
}
