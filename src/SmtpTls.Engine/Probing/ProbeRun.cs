using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Diagnostics;
using SmtpTls.Localization;
using SmtpTls.Replies;
using SmtpTls.Smtp;

namespace SmtpTls.Probing;

/// <summary>The state of one <see cref="SmtpTlsProbe.ProbeAsync"/> call: the dialogue, step by step, filling the result.</summary>
internal sealed class ProbeRun
{
    private const int MaxTranscriptLines = SmtpReadLimits.MaxTranscriptLines;

    private readonly SmtpTlsProbeOptions _options;
    private readonly CultureInfo _culture;
    private readonly SmtpTlsResult _result = new();
    private readonly FindingList _findings;
    private readonly List<string> _transcript = new();
    private readonly string _heloName;
    private string _step = "Probe.Step.Connect";
    private IPAddress? _address;
    private IPAddress[] _candidates = Array.Empty<IPAddress>();
    private SmtpTlsMode _mode = SmtpTlsMode.StartTls;
    private Task<ProtocolScanResult>? _scan;
    private Task<SmtpTlsDeepResult>? _deep;
    private bool _checkNotRun;
    // What failed, as a typed value for the reply knowledge; the last failure recorded is the one explained.
    private SmtpFailure? _failure;
    private Certificates.BuiltChain? _handshakeChain;
    private IDisposable? _addressLease;
    private CancellationTokenSource? _call;
    private CancellationToken _callerToken;
    private TimeSpan _waitedForAddress;
    private SmtpReply? _refusal;
    private bool _refusalAtStartTls;

    /// <summary>Prepares one check; nothing connects until <see cref="RunAsync"/>.</summary>
    public ProbeRun(SmtpTlsProbeOptions options)
    {
        _options = options;
        _culture = options.Culture ?? CultureInfo.CurrentUICulture;
        _findings = new FindingList(_culture);
        _heloName = string.IsNullOrWhiteSpace(options.HeloName) ? DefaultHeloName.Get() : options.HeloName!.Trim();
    }

    /// <summary>Runs the check step by step; what the server or the network does ends up in the result, never as an exception.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpTlsResult> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _result.Timestamp = DateTimeOffset.UtcNow;
        _result.Server = _options.Server;
        _result.Port = _options.Port ?? (_options.TlsMode == SmtpTlsMode.Implicit ? 465 : 25);
        _result.TlsMode = EnumName(_options.TlsMode == SmtpTlsMode.Implicit ? SmtpTlsMode.Implicit : SmtpTlsMode.StartTls);
        if (_options.MailTarget is { } mail)
        {
            _result.Domain = mail.Domain;
            _result.MxHost = mail.MxHost;
            _result.MxPreference = mail.Preference;
            _result.IsImplicitMx = mail.IsImplicitMx;
        }

        // One deadline for the whole check besides each step's: steps that each just beat -TimeoutSeconds
        // cannot stretch a call without end. Its expiry looks like a cancellation inside; it is told apart here.
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(CallBudget);
        _call = call;
        _callerToken = cancellationToken;
        try
        {
            if (await PrepareAsync(call.Token).ConfigureAwait(false))
            {
                if (_mode == SmtpTlsMode.Implicit)
                {
                    await ImplicitAsync(call.Token).ConfigureAwait(false);
                }
                else
                {
                    await StartTlsAsync(call.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when ((IsNetworkFailure(ex) || ex is OperationCanceledException) && call.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            CallTimedOut();
        }
        catch (Exception ex) when (IsNetworkFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            RecordFailure(ex);
        }

        ProtocolScanResult? scan = null;
        SmtpTlsDeepResult? deep = null;
        try
        {
            if (_scan is not null)
            {
                try
                {
                    scan = await _scan.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (call.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    CallTimedOut();
                }
            }

            if (_deep is not null)
            {
                try
                {
                    deep = await _deep.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (call.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The whole check's deadline ended the scan: the result says Timeout, without a half scan.
                    CallTimedOut();
                }
            }
        }
        finally
        {
            // The check's connections are closed: the next check of this address may start.
            _addressLease?.Dispose();
        }

        var refusal = ClassifyRefusal();
        if (scan is not null)
        {
            _result.SupportedProtocols = scan.Protocols;
            Note(LocalizedText.Format(
                "Probe.ProtocolScan",
                _culture,
                string.Join(", ", scan.Protocols.Select(p => p.Protocol + (!p.Accepted ? "-" : p.HandshakeCompletes == false ? "!" : "+"))),
                (int)scan.Duration.TotalMilliseconds));
        }

        if (deep is not null)
        {
            CompareCapabilities(deep);
            _result.Deep = deep;
            Note(LocalizedText.Format(
                "Probe.DeepScan", _culture, deep.CipherSuites.Length, deep.Groups.Length, deep.DistinctCertificates, deep.Connections, (int)deep.Duration.TotalMilliseconds));
        }

        var verdict = new SmtpTlsVerdict(_options, _result, _findings, _culture) { HandshakeChain = _handshakeChain };
        verdict.Evaluate(scan, _checkNotRun, throttled: refusal?.Category == SmtpErrorCategory.RateLimited);
        _handshakeChain = null;
        _result.Findings = _findings.ToArray();
        _result.Resolution = refusal ?? ResolveFailure(verdict);
        _result.Transcript = _transcript.ToArray();
        // The time spent waiting for a turn at the address (-ThrottleLimitPerAddress) is not the check's.
        _result.Duration = clock.Elapsed - _waitedForAddress;
        return _result;
    }

    /// <summary>Parses the target, settles port, mode and name, and resolves the address. False when the check cannot run.</summary>
    private async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        if (!SmtpTarget.TryParse(_options.Server, out var target, out var error))
        {
            _findings.Add(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.InvalidTarget", error);
            _checkNotRun = true;
            return false;
        }

        var port = target!.Port ?? _options.Port ?? (_options.TlsMode == SmtpTlsMode.Implicit ? 465 : 25);
        _result.Server = target.Host;
        _result.Port = port;
        _mode = _options.TlsMode != SmtpTlsMode.Auto ? _options.TlsMode : port == 465 ? SmtpTlsMode.Implicit : SmtpTlsMode.StartTls;
        _result.TlsMode = EnumName(_mode);
        _result.ServerName = !string.IsNullOrWhiteSpace(_options.ServerName)
            ? _options.ServerName!.Trim().TrimEnd('.').ToLowerInvariant()
            : target.IsIPAddress ? null : target.Host;

        if (port is < 1 or > 65535)
        {
            _findings.Add(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.InvalidTarget", "port " + port);
            _checkNotRun = true;
            return false;
        }

        if (target.Address is not null)
        {
            _address = target.Address;
            if (!FitsSource(_address))
            {
                _findings.Add(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.SourceAddressFamily", _address, _options.SourceAddress);
                _checkNotRun = true;
                return false;
            }
        }
        else
        {
            _step = "Probe.Step.Resolve";
            Note(LocalizedText.Format("Probe.Resolving", _culture, target.Host));
            try
            {
                IEnumerable<IPAddress> addresses;
                if (_options.HostResolver is { } resolver)
                {
                    addresses = await SmtpConnection.RunBoundedAsync(token => resolver(target.Host, token), () => { }, _options.Timeout, cancellationToken).ConfigureAwait(false)
                        ?? Array.Empty<IPAddress>();
                }
                else
                {
                    addresses = await SmtpConnection.RunBoundedAsync(_ => System.Net.Dns.GetHostAddressesAsync(target.Host), () => { }, _options.Timeout, cancellationToken).ConfigureAwait(false);
                }

                // IPv4 first: most mail servers are reached over it, and a broken IPv6 route would cost the whole timeout.
                _candidates = addresses
                    .Where(a => a is not null && Wanted(a) && FitsSource(a))
                    .OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0)
                    .ToArray();
                _address = _candidates.FirstOrDefault();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                // The system resolver fails with SocketException; a resolver hook may fail with anything.
                _findings.Add(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.InvalidTarget", ExceptionText.Describe(ex));
                _failure = SmtpFailure.Raised(SmtpTlsFindingId.InvalidTarget, ex);
                _checkNotRun = true;
                return false;
            }

            if (_address is null)
            {
                _findings.Add(SmtpTlsFindingId.InvalidTarget, SmtpTlsFindingSeverity.Error, "Finding.InvalidTarget", target.Host);
                _checkNotRun = true;
                return false;
            }
        }

        SetAddress(_address);
        return true;
    }

    /// <summary>Whether <paramref name="address"/> is of the family the options ask for.</summary>
    private bool Wanted(IPAddress address) => _options.AddressFamily switch
    {
        AddressFamilyPreference.IPv4 => address.AddressFamily == AddressFamily.InterNetwork,
        AddressFamilyPreference.IPv6 => address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => true,
    };

    /// <summary>Whether a connection from <see cref="SmtpTlsProbeOptions.SourceAddress"/> can reach <paramref name="address"/> (same family).</summary>
    private bool FitsSource(IPAddress address) =>
        _options.SourceAddress is not { } source || source.AddressFamily == address.AddressFamily;

    private void SetAddress(IPAddress address)
    {
        _result.Address = address.ToString();
        _result.AddressFamily = address.AddressFamily == AddressFamily.InterNetworkV6 ? nameof(SmtpAddressFamily.IPv6) : nameof(SmtpAddressFamily.IPv4);
    }

    private async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        _step = "Probe.Step.Banner";
        var bannerTask = connection.ReadReplyAsync(cancellationToken);
        var wait = BannerWait;
#if NET8_0_OR_GREATER
        // Most servers greet within the wait: it is awaited here with one timer that goes away with the banner (not a
        // linked token source, a delay task and a WhenAny per check); only a silent port goes on to ReadBannerAsync.
        // The caller's cancellation ends the banner read itself, which ends this wait.
        SmtpReply? banner;
        try
        {
            banner = await (wait > TimeSpan.Zero ? bannerTask.WaitAsync(wait) : bannerTask).ConfigureAwait(false);
        }
        catch (TimeoutException) when (wait > TimeSpan.Zero)
        {
            banner = await ReadBannerAsync(connection, bannerTask, wait, cancellationToken).ConfigureAwait(false);
        }
#else
        var banner = await ReadBannerAsync(connection, bannerTask, wait, cancellationToken).ConfigureAwait(false);
#endif
        if (banner is null)
        {
            return;
        }

        _result.Banner = banner.Text;
        if (banner.Code != 220)
        {
            Rejected(banner);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _step = "Probe.Step.Ehlo";
        SmtpReply? ehlo = await EhloAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!ehlo.IsPositive)
        {
            ehlo = await AfterRefusedEhloAsync(connection, ehlo, cancellationToken).ConfigureAwait(false);
        }

        if (ehlo is null)
        {
            return;
        }

        var keywords = SmtpCapabilities.Keywords(ehlo);
        _result.CapabilitiesBeforeTls = keywords;
        _result.AuthBeforeTls = SmtpCapabilities.AuthMechanisms(keywords);
        _result.StartTlsOffered = SmtpCapabilities.Has(keywords, "STARTTLS");

        if (_options.CheckEnforcement && !await CheckEnforcementAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!_result.StartTlsOffered)
        {
            _findings.Add(SmtpTlsFindingId.TlsNotOffered, SmtpTlsFindingSeverity.Error, "Finding.TlsNotOffered");
            _failure = SmtpFailure.Known(SmtpTlsFindingId.TlsNotOffered);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _step = "Probe.Step.StartTls";

        // Read the answer byte by byte: whatever follows "220 Ready to start TLS" belongs to the TLS layer.
        var startTls = await connection.CommandAsync("STARTTLS", cancellationToken, exact: true).ConfigureAwait(false);
        _result.StartTlsReply = startTls.Text;
        if (startTls.Code != 220)
        {
            if (startTls.Code == 421)
            {
                Rejected(startTls);
            }
            else
            {
                // The finding waits for ClassifyRefusal: "454 too many new TLS sessions" is a rate limit, not missing TLS.
                _refusal = startTls;
                _refusalAtStartTls = true;
                _failure = SmtpFailure.Said(SmtpTlsFindingId.TlsNotAvailable, startTls.Text);
            }

            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // RFC 3207 4.2: nothing may come between the 220 and the handshake; what did is dropped and reported.
        var injected = connection.DiscardPending(out var excerpt);
        if (injected > 0)
        {
            _findings.Add(SmtpTlsFindingId.DataAfterStartTls, SmtpTlsFindingSeverity.Warning, "Finding.DataAfterStartTls", injected, excerpt);
            Note(LocalizedText.Format("Finding.DataAfterStartTls", _culture, injected, excerpt));
        }

        await HandshakeAsync(connection, afterStartTls: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task ImplicitAsync(CancellationToken cancellationToken)
    {
        using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (!await HandshakeAsync(connection, afterStartTls: false, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // The server sends its session tickets and then the greeting in two small writes; with Nagle on
        // its side it holds the greeting until we acknowledge the tickets, and we (having nothing to
        // send) would delay that acknowledgement by up to 40 ms. ReadReplyAsync acknowledges at once.
        _step = "Probe.Step.Banner";
        var banner = await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        _result.Banner = banner.Text;
        if (banner.Code != 220)
        {
            Rejected(banner);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // TLS from the first byte cannot be skipped: nothing can be sent in plaintext here.
        if (_options.CheckEnforcement)
        {
            _result.TlsEnforced = true;
            _result.Enforcement = nameof(SmtpTlsEnforcement.TlsRequired);
        }

        _step = "Probe.Step.EhloAfterTls";
        SmtpReply? ehlo = await EhloAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!ehlo.IsPositive)
        {
            ehlo = await AfterRefusedEhloAsync(connection, ehlo, cancellationToken).ConfigureAwait(false);
        }

        if (ehlo is not null)
        {
            // The array, not the result's read-only list: no enumeration through the interface on every check.
            var keywordsAfterTls = SmtpCapabilities.Keywords(ehlo);
            _result.CapabilitiesAfterTls = keywordsAfterTls;
            _result.AuthAfterTls = SmtpCapabilities.AuthMechanisms(keywordsAfterTls);
            _result.Extensions = SmtpExtensions.FromKeywords(keywordsAfterTls);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the handshake on the connection; false (with findings) when it did not complete.</summary>
    private async Task<bool> HandshakeAsync(SmtpConnection connection, bool afterStartTls, CancellationToken cancellationToken)
    {
        StartScan(cancellationToken);
        _step = "Probe.Step.Handshake";
        var targetHost = _result.ServerName ?? _result.Address!;
        // What the server sent first tells where a failed handshake broke: plaintext on an implicit
        // port, an alert of its own, or nothing at all after "220 Ready to start TLS".
        var recording = new FirstBytesRecordingStream(connection.Stream);
        TlsSession session;
        try
        {
            session = await TlsHandshake.AuthenticateAsync(recording, targetHost, _options.TrustAnchors, connection.Abort, _options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or ObjectDisposedException or TimeoutException or SocketException)
        {
            connection.Log("S: <" + ex.Message + ">");
            if (!afterStartTls && ExplainNonTlsPeer(recording.FirstBytes))
            {
                return false;
            }

            if (ex is TimeoutException)
            {
                RecordFailure(ex);
            }
            else if (!ExplainServerSideFailure(recording.FirstBytes, ex, afterStartTls))
            {
                await ExplainOtherFailureAsync(recording.FirstBytes, ex, afterStartTls, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        connection.UseStream(session.Stream);
        _handshakeChain = session.HandshakeChain;
        _result.TlsEstablished = true;
        _result.Protocol = session.Protocol is { } protocol ? EnumName(protocol) : null;
        _result.NegotiatedProtocol = session.Protocol;
        _result.CipherSuite = session.CipherSuite;
        _result.PresentedCertificates = session.PresentedChain;
        _result.ClientCertificateRequested = session.ClientCertificateRequested;
        _result.ClientCertificateAuthorities = session.ClientCertificateAuthorities;
        if (session.ClientCertificateRequested == true)
        {
            Note(LocalizedText.Format("Probe.ClientCertificateRequested", _culture, session.ClientCertificateAuthorities.Length == 0 ? "-" : string.Join("; ", session.ClientCertificateAuthorities)));
        }
        Note(LocalizedText.Format("Probe.TlsEstablished", _culture, _result.Protocol ?? "?", session.CipherSuite ?? "?"));
        if (session.PresentedChain.Length > 0)
        {
            // The fields the certificate analysis reads too (read once, without a native call per field).
            var leaf = Certificates.CertificateFields.Of(session.PresentedChain[0]);
            Note(LocalizedText.Format("Probe.Certificate", _culture, leaf.Subject, leaf.Issuer, leaf.NotAfter));
        }

        if (afterStartTls && _options.ReadCapabilitiesAfterTls)
        {
            _step = "Probe.Step.EhloAfterTls";
            SmtpReply? ehlo = await EhloAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!ehlo.IsPositive)
            {
                ehlo = await AfterRefusedEhloAsync(connection, ehlo, cancellationToken).ConfigureAwait(false);
            }

            if (ehlo is not null)
            {
                var keywordsAfterTls = SmtpCapabilities.Keywords(ehlo);
                _result.CapabilitiesAfterTls = keywordsAfterTls;
                _result.AuthAfterTls = SmtpCapabilities.AuthMechanisms(keywordsAfterTls);
                _result.Extensions = SmtpExtensions.FromKeywords(keywordsAfterTls);
            }
        }

        if (afterStartTls)
        {
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<SmtpConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        _step = "Probe.Step.Connect";
        var candidates = _candidates.Length > 0 ? _candidates : new[] { _address! };
        for (var i = 0; ; i++)
        {
            _address = candidates[i];
            SetAddress(_address);
            if (_options.AddressLimiter is { IsUnlimited: false } limiter)
            {
                _addressLease?.Dispose();
                // The wait for a turn at this address is not the check's time: it is bounded by the caller's
                // token only, and the whole-check deadline starts again once the turn has come.
                var waiting = Stopwatch.StartNew();
                PauseCallDeadline();
                _addressLease = await limiter.AcquireAsync(_address, _callerToken).ConfigureAwait(false);
                _waitedForAddress += waiting.Elapsed;
                RestartCallDeadline();
            }

            Note(LocalizedText.Format("Probe.Connecting", _culture, _result.Address, _result.Port));
            try
            {
                var connection = await SmtpConnection.ConnectAsync(_address, _result.Port, _options.Timeout, Log, cancellationToken, _options.SourceAddress).ConfigureAwait(false);
                _result.Connected = true;
                return connection;
            }
            catch (Exception ex) when (i + 1 < candidates.Length && ex is SocketException or TimeoutException)
            {
                // A host name with several addresses: the next one may answer, as an MTA would try it.
                Log("* " + ex.Message);
            }
        }
    }

    /// <summary>How long the greeting may take before the port is asked whether it speaks TLS: at most half the timeout, so a short -TimeoutSeconds still leaves room for the second connection.</summary>
    private TimeSpan BannerWait
    {
        get
        {
            var half = TimeSpan.FromTicks(_options.Timeout.Ticks / 2);
            return _options.BannerWait < half ? _options.BannerWait : half;
        }
    }

    /// <summary>
    /// Waits for the greeting (<paramref name="bannerTask"/>). A port that stays silent for <paramref name="wait"/>
    /// may be an implicit-TLS port waiting for our ClientHello: a second connection asks it, while
    /// this one keeps waiting for a slow banner (greet delays of several seconds are common).
    /// On .NET 8 the caller has waited already (a TimeoutException of that wait brings it here).
    /// </summary>
    private async Task<SmtpReply?> ReadBannerAsync(SmtpConnection connection, Task<SmtpReply> bannerTask, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero || bannerTask.IsCompleted)
        {
            // No wait wanted, or the banner (or the read's own failure) came as the wait ended.
            return await bannerTask.ConfigureAwait(false);
        }

#if !NET8_0_OR_GREATER
        using (var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var first = await Task.WhenAny(bannerTask, Task.Delay(wait, stopWaiting.Token)).ConfigureAwait(false);
            stopWaiting.Cancel();
            if (first == bannerTask)
            {
                return await bannerTask.ConfigureAwait(false);
            }
        }
#endif

        Note(LocalizedText.Format("Probe.ImplicitCheck", _culture, wait.TotalSeconds));
        using var stopDetecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var detect = TlsHelloExchange.DetectAsync(_address!, _result.Port, _result.ServerName, _options.Timeout, line => Log("[TLS?] " + line), stopDetecting.Token, _options.SourceAddress);
        if (await Task.WhenAny(bannerTask, detect).ConfigureAwait(false) == detect)
        {
            var answer = await detect.ConfigureAwait(false);
            if (answer.Kind is TlsHelloAnswerKind.ServerHello or TlsHelloAnswerKind.Alert)
            {
                connection.Abort();
                Forget(bannerTask);
                _findings.Add(SmtpTlsFindingId.PortMismatch, SmtpTlsFindingSeverity.Error, "Finding.PortMismatch.Implicit", _result.Port);
                _failure = SmtpFailure.Known(SmtpTlsFindingId.PortMismatch, null, FailureDetail.Implicit);
                return null;
            }

            if (answer.Kind == TlsHelloAnswerKind.Http)
            {
                connection.Abort();
                Forget(bannerTask);
                _findings.Add(SmtpTlsFindingId.NotSmtp, SmtpTlsFindingSeverity.Error, "Finding.NotSmtp.Http", answer.Text);
                return null;
            }
        }
        else
        {
            stopDetecting.Cancel();
            Forget(detect);
        }

        return await bannerTask.ConfigureAwait(false);
    }

    /// <summary>EHLO (see <see cref="AfterRefusedEhloAsync"/> for a refusal).</summary>
    private Task<SmtpReply> EhloAsync(SmtpConnection connection, CancellationToken cancellationToken) =>
        connection.CommandAsync("EHLO " + _heloName, cancellationToken);

    /// <summary>
    /// After a refused EHLO: HELO for servers that do not know ESMTP (its first line as the reply); null (with a
    /// finding, after QUIT) when that is refused too or the EHLO refusal was 421. Apart from the EHLO so that the
    /// check of a server that accepts it takes one async method less.
    /// </summary>
    private async Task<SmtpReply?> AfterRefusedEhloAsync(SmtpConnection connection, SmtpReply ehlo, CancellationToken cancellationToken)
    {
        if (ehlo.Code != 421)
        {
            var helo = await connection.CommandAsync("HELO " + _heloName, cancellationToken).ConfigureAwait(false);
            if (helo.IsPositive)
            {
                return new SmtpReply(helo.Code, new[] { helo.Lines[0] });
            }

            ehlo = helo;
        }

        Rejected(ehlo);
        await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Asks before STARTTLS as a sender would: MAIL FROM, then RCPT TO the postmaster of the checked
    /// domain (RFC 5321 section 4.5.1 requires every server to accept mail for it), then RSET. Never
    /// DATA: nothing is sent. Exim and others enforce TLS in the RCPT ACL, so MAIL alone would not tell.
    /// </summary>
    private async Task<bool> CheckEnforcementAsync(SmtpConnection connection, CancellationToken cancellationToken)
    {
        _step = "Probe.Step.Enforcement";
        var mail = await connection.CommandAsync("MAIL FROM:<>", cancellationToken).ConfigureAwait(false);
        if (mail.Code == 421)
        {
            Rejected(mail);
            return false;
        }

        var step = "MAIL FROM";
        var answer = mail;
        if (mail.IsPositive)
        {
            _step = "Probe.Step.EnforcementRcpt";
            var recipient = EnforcementRecipient();
            _result.EnforcementRecipient = recipient;
            var rcpt = await connection.CommandAsync("RCPT TO:<" + recipient + ">", cancellationToken).ConfigureAwait(false);
            if (rcpt.Code == 421)
            {
                Rejected(rcpt);
                return false;
            }

            step = "RCPT TO";
            answer = rcpt;
        }

        var outcome = EnforcementReplyClassifier.Classify(answer);
        _result.Enforcement = outcome.ToString();
        _result.EnforcementStep = answer.IsPositive ? null : step;
        _result.EnforcementReply = answer.IsPositive ? null : answer.Text;
        _result.TlsEnforced = outcome switch
        {
            SmtpTlsEnforcement.NotEnforced => false,
            SmtpTlsEnforcement.TlsRequired => true,
            _ => null,
        };

        var reset = await connection.CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
        if (reset.Code == 421)
        {
            Rejected(reset);
            return false;
        }

        return true;
    }

    /// <summary>
    /// postmaster of the domain the check is about: the one asked for, the -Domain being checked, or
    /// the server name without its host label (mail.example.com: example.com); a bare "postmaster"
    /// (RFC 5321 section 4.1.1.3) when only an address is known.
    /// </summary>
    private string EnforcementRecipient()
    {
        var domain = !string.IsNullOrWhiteSpace(_options.EnforcementDomain) ? _options.EnforcementDomain!.Trim().TrimEnd('.')
            : _options.MailTarget?.Domain is { Length: > 0 } mailDomain ? mailDomain
            : _result.ServerName is { } name ? ParentOrSelf(name)
            : null;
        return domain is null ? "postmaster" : "postmaster@" + domain;
    }

    private static string ParentOrSelf(string hostName)
    {
        var dot = hostName.IndexOf('.');
        // Keep at least two labels: "example.com" itself, not "com".
        return dot > 0 && hostName.IndexOf('.', dot + 1) > 0 ? hostName.Substring(dot + 1) : hostName;
    }

    private void StartScan(CancellationToken cancellationToken)
    {
        if (_options.Deep && _deep is null)
        {
            // Its dozens of connections stay out of the transcript: it would drown the dialogue that matters.
            _deep = RunDeepAsync(new Deep.DeepProbeContext(
                _address!, _result.Port, _mode, _result.ServerName, _heloName, _options.Timeout, log: null, _options.SourceAddress, _options.AddressLimiter?.MaxPerAddress ?? 0, cancellationToken));
        }

        if (!(_options.ProtocolScan || _options.Deep) || _scan is not null)
        {
            return;
        }

        // Runs beside the main handshake on connections of its own; awaited before the verdict.
        _scan = ProtocolScanner.ScanAsync(_address!, _result.Port, _mode, _result.ServerName, _heloName, _options.Timeout, Log, cancellationToken, _options.SourceAddress);
    }

    /// <summary>
    /// A handshake that broke on the server's side: it answered our ClientHello with internal_error,
    /// closed the connection after agreeing to TLS without sending anything, or signed with a key that
    /// does not belong to its certificate. Such failures get server-side findings and causes, never
    /// "no common version or cipher". False when the failure looks like any other.
    /// </summary>
    private bool ExplainServerSideFailure(byte[] firstBytes, Exception ex, bool afterStartTls)
    {
        var described = ExceptionText.Describe(ex);
        var agreed = afterStartTls && _result.StartTlsReply is { } reply ? reply.Split('\r', '\n')[0] : null;
        var where = agreed ?? LocalizedText.Format("Probe.ImplicitConnect", _culture, _result.Port);

        // An alert record as the server's very first bytes: 0x15, version (2 bytes), length (2), level, description.
        if ((firstBytes.Length >= 7 && firstBytes[0] == 0x15 && firstBytes[6] == 80) ||
            described.IndexOf("alert internal error", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            _findings.Add(SmtpTlsFindingId.TlsHandshakeFailed, SmtpTlsFindingSeverity.Error, "Finding.TlsHandshakeFailed.ServerAlert", where, TlsAlerts.Name(80) + " (80)");
            _failure = SmtpFailure.Known(SmtpTlsFindingId.TlsHandshakeFailed, null, FailureDetail.ServerAlert);
            return true;
        }

        // A plaintext reply where the ServerHello belongs (Dovecot: "421 4.0.0 <host> TLS initialization failed.").
        if (afterStartTls && firstBytes.Length >= 4 && firstBytes[0] != 0x15 && firstBytes[0] != 0x16)
        {
            var line = SmtpReplyReader.Printable(Encoding.ASCII.GetString(firstBytes).Split('\n')[0].TrimEnd('\r'));
            if (line.Length >= 4 && SmtpReplyReader.IsReplyLine(line.Substring(0, 4)))
            {
                Log("S: " + line);
                _findings.Add(SmtpTlsFindingId.TlsHandshakeFailed, SmtpTlsFindingSeverity.Error, "Finding.TlsHandshakeFailed.ServerPlaintext", where, line);
                _failure = SmtpFailure.Said(SmtpTlsFindingId.TlsHandshakeFailed, line);
                return true;
            }
        }

        if (described.IndexOf("bad signature", StringComparison.OrdinalIgnoreCase) >= 0 ||
            described.IndexOf("decrypt error", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            _findings.Add(SmtpTlsFindingId.TlsHandshakeFailed, SmtpTlsFindingSeverity.Error, "Finding.TlsHandshakeFailed.BadSignature", described);
            _failure = SmtpFailure.Raised(SmtpTlsFindingId.TlsHandshakeFailed, ex);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Any other failed handshake: hand-built hellos for TLS 1.2, 1.1 and 1.0 read the certificate a
    /// server with only versions this machine refuses presents (so it is analysed all the same), and
    /// tell a server that closes after "220 Ready to start TLS" whatever it is offered (its side failed)
    /// from one that closes only on the versions it does not speak.
    /// </summary>
    private async Task ExplainOtherFailureAsync(byte[] firstBytes, Exception ex, bool afterStartTls, CancellationToken cancellationToken)
    {
        var fetched = await HelloCertificateFetcher.FetchAsync(_address!, _result.Port, _mode, _result.ServerName, _heloName, _options.Timeout, Log, _options.SourceAddress, cancellationToken).ConfigureAwait(false);
        if (fetched.Certificates.Length > 0)
        {
            _result.PresentedCertificates = fetched.Certificates;
            _findings.Add(SmtpTlsFindingId.CertificateWithoutHandshake, SmtpTlsFindingSeverity.Info, "Finding.CertificateWithoutHandshake", fetched.Version);
            if (fetched.Version is SmtpTlsProtocol.Tls10 or SmtpTlsProtocol.Tls11)
            {
                // The TLS 1.2 hello got no ServerHello: the server speaks only versions this machine refuses.
                _findings.Add(SmtpTlsFindingId.TlsLegacyOnly, SmtpTlsFindingSeverity.Info, "Finding.LegacyOnly", fetched.Version);
            }
        }

        if (afterStartTls && firstBytes.Length == 0 && !fetched.AnyServerHello && IsEndOfStream(ex))
        {
            var agreed = _result.StartTlsReply is { } reply ? reply.Split('\r', '\n')[0] : string.Empty;
            _findings.Add(SmtpTlsFindingId.TlsHandshakeFailed, SmtpTlsFindingSeverity.Error, "Finding.TlsHandshakeFailed.ServerClosed", agreed);
            _failure = SmtpFailure.Known(SmtpTlsFindingId.TlsHandshakeFailed, null, FailureDetail.ServerClosed);
            return;
        }

        _findings.Add(SmtpTlsFindingId.TlsHandshakeFailed, SmtpTlsFindingSeverity.Error, "Finding.TlsHandshakeFailed", ExceptionText.Describe(ex));
        _failure = SmtpFailure.Raised(SmtpTlsFindingId.TlsHandshakeFailed, ex);
    }

    /// <summary>Whether the handshake failed because the peer closed the connection (as .NET and OpenSSL word it).</summary>
    private static bool IsEndOfStream(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            var message = e.Message ?? string.Empty;
            if (message.IndexOf("EOF", StringComparison.OrdinalIgnoreCase) >= 0 ||
                message.IndexOf("0 bytes", StringComparison.Ordinal) >= 0 ||
                message.IndexOf("closed the transport stream", StringComparison.OrdinalIgnoreCase) >= 0 ||
                message.IndexOf("reset by peer", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<SmtpTlsDeepResult> RunDeepAsync(Deep.DeepProbeContext context)
    {
        using (context)
        {
            return await Deep.DeepScanner.ScanAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>EHLO before and after STARTTLS, as the deep scan reports them.</summary>
    private void CompareCapabilities(SmtpTlsDeepResult deep)
    {
        if (_mode != SmtpTlsMode.StartTls || _result.CapabilitiesAfterTls.Length == 0)
        {
            return;
        }

        deep.StartTlsAfterTls = SmtpCapabilities.Has(_result.CapabilitiesAfterTls.ToArray(), "STARTTLS");
        if (_result.AuthAfterTls.Length > 0 || _result.AuthBeforeTls.Length > 0)
        {
            deep.AuthOnlyAfterTls = _result.AuthBeforeTls.Length == 0 && _result.AuthAfterTls.Length > 0;
        }
    }

    /// <summary>After a failed implicit handshake: what did the peer send instead of a ServerHello?</summary>
    private bool ExplainNonTlsPeer(byte[] firstBytes)
    {
        if (firstBytes.Length == 0)
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(firstBytes);
        var firstLine = SmtpReplyReader.Printable(text.Split('\n')[0].TrimEnd('\r'));
        if (firstLine.Length >= 4 && SmtpReplyReader.IsReplyLine(firstLine.Substring(0, 4)))
        {
            _result.Banner = firstLine;
            Log("S: " + firstLine);
            _findings.Add(SmtpTlsFindingId.PortMismatch, SmtpTlsFindingSeverity.Error, "Finding.PortMismatch.StartTls", _result.Port, firstLine);
            _failure = SmtpFailure.Known(SmtpTlsFindingId.PortMismatch, firstLine, FailureDetail.StartTls);
            return true;
        }

        if (text.StartsWith("HTTP/", StringComparison.Ordinal) || text.StartsWith("<", StringComparison.Ordinal))
        {
            _findings.Add(SmtpTlsFindingId.NotSmtp, SmtpTlsFindingSeverity.Error, "Finding.NotSmtp.Http", firstLine);
            return true;
        }

        if (firstBytes[0] != 0x15 && firstBytes[0] != 0x16)
        {
            _findings.Add(SmtpTlsFindingId.NotSmtp, SmtpTlsFindingSeverity.Error, "Finding.NotSmtp", firstLine);
            return true;
        }

        return false;
    }

    /// <summary>A 4xx/5xx reply that ends the session (421 at any step, 554 as greeting); its finding follows in <see cref="ClassifyRefusal"/>.</summary>
    private void Rejected(SmtpReply reply)
    {
        _refusal = reply;
        _refusalAtStartTls = false;
        _failure = SmtpFailure.Said(SmtpTlsFindingId.ConnectionFailed, reply.Text);
    }

    /// <summary>Bound on the whole check (besides each step's): so many steps' worth of the timeout, at most 6 hours.</summary>
    private TimeSpan CallBudget => TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(6).Ticks, _options.Timeout.Ticks * SmtpReadLimits.StepsPerCall));

    private void PauseCallDeadline() => SetCallDeadline(System.Threading.Timeout.InfiniteTimeSpan);

    private void RestartCallDeadline() => SetCallDeadline(CallBudget);

    private void SetCallDeadline(TimeSpan delay)
    {
        try
        {
            _call?.CancelAfter(delay);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void CallTimedOut()
    {
        if (_findings.Contains(SmtpTlsFindingId.Timeout))
        {
            return;
        }

        var seconds = _options.Timeout.TotalSeconds * SmtpReadLimits.StepsPerCall;
        _findings.Add(SmtpTlsFindingId.Timeout, SmtpTlsFindingSeverity.Error, "Finding.CallTimeout", seconds, LocalizedText.Get(_step, _culture));
        _failure = SmtpFailure.Known(SmtpTlsFindingId.Timeout, null, FailureDetail.Step(_step));
    }

    /// <summary>
    /// Asks the reply knowledge what a refusal means: a rate limit ("421 4.7.0 Error: too many connections
    /// from ...", "454 4.7.0 Error: too many new TLS sessions") makes the check Throttled, which tells the
    /// address limiter to go slower; anything else is the refusal it says. Returns the resolution, or null
    /// when the server refused nothing.
    /// </summary>
    private SmtpErrorResolution? ClassifyRefusal()
    {
        if (_refusal is not { } refusal)
        {
            return null;
        }

        var resolution = ResolutionLookup.Resolve(refusal.Text, null, _culture);
        if (resolution?.Category == SmtpErrorCategory.RateLimited)
        {
            _findings.Add(SmtpTlsFindingId.Throttled, SmtpTlsFindingSeverity.Error, "Finding.Throttled", refusal.Lines[0]);
            if (_address is not null)
            {
                _options.AddressLimiter?.ReportThrottled(_address);
            }
        }
        else if (_refusalAtStartTls)
        {
            _findings.Add(SmtpTlsFindingId.TlsNotAvailable, SmtpTlsFindingSeverity.Error, "Finding.TlsNotAvailable", refusal.Lines[0]);
        }
        else
        {
            _findings.Add(SmtpTlsFindingId.ConnectionFailed, SmtpTlsFindingSeverity.Error, "Finding.ConnectionRejected", refusal.Lines[0]);
        }

        return resolution;
    }

    private void RecordFailure(Exception ex)
    {
        var step = LocalizedText.Get(_step, _culture);
        switch (ex)
        {
            case TimeoutException:
                _findings.Add(SmtpTlsFindingId.Timeout, SmtpTlsFindingSeverity.Error, "Finding.Timeout", _options.Timeout.TotalSeconds, step);
                _failure = SmtpFailure.Known(SmtpTlsFindingId.Timeout, null, FailureDetail.Step(_step));
                break;
            case SmtpProtocolException protocol:
                var http = protocol.Received?.StartsWith("HTTP/", StringComparison.Ordinal) == true;
                _findings.Add(SmtpTlsFindingId.NotSmtp, SmtpTlsFindingSeverity.Error, http ? "Finding.NotSmtp.Http" : "Finding.NotSmtp", http ? protocol.Received : protocol.Describe(_culture));
                break;
            default:
                _findings.Add(SmtpTlsFindingId.ConnectionFailed, SmtpTlsFindingSeverity.Error, "Finding.ConnectionFailed", step, ExceptionText.Describe(ex));
                _failure = SmtpFailure.Raised(SmtpTlsFindingId.ConnectionFailed, ex);
                break;
        }
    }

    /// <summary>What the reply knowledge says about the failure: the one the dialogue recorded, else the certificate's.</summary>
    private SmtpErrorResolution? ResolveFailure(SmtpTlsVerdict verdict)
    {
        var failure = _failure ?? verdict.CertificateFailure();
        return failure is null ? null : ResolutionLookup.Resolve(failure, _culture);
    }

    // The names Enum.ToString gives, without its generic formatting machinery on every check (see EnumNames).
    private static string EnumName(SmtpTlsMode value) => value switch
    {
        SmtpTlsMode.Auto => nameof(SmtpTlsMode.Auto),
        SmtpTlsMode.StartTls => nameof(SmtpTlsMode.StartTls),
        SmtpTlsMode.Implicit => nameof(SmtpTlsMode.Implicit),
        _ => value.ToString(),
    };

    private static string EnumName(SmtpTlsProtocol value) => value switch
    {
        SmtpTlsProtocol.Ssl3 => nameof(SmtpTlsProtocol.Ssl3),
        SmtpTlsProtocol.Tls10 => nameof(SmtpTlsProtocol.Tls10),
        SmtpTlsProtocol.Tls11 => nameof(SmtpTlsProtocol.Tls11),
        SmtpTlsProtocol.Tls12 => nameof(SmtpTlsProtocol.Tls12),
        SmtpTlsProtocol.Tls13 => nameof(SmtpTlsProtocol.Tls13),
        _ => value.ToString(),
    };

    private static bool IsNetworkFailure(Exception ex) =>
        ex is TimeoutException or IOException or SocketException or ObjectDisposedException or SmtpProtocolException or AuthenticationException;

    private static void Forget(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void Note(string text) => Log("* " + text);

    private void Log(string line)
    {
        // -Verbose relays what the transcript keeps and no more (SmtpReadLimits).
        lock (_transcript)
        {
            if (_transcript.Count >= MaxTranscriptLines)
            {
                return;
            }

            _transcript.Add(line);
        }

        _options.Transcript?.Invoke(line);
    }
}
