using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpTls.Diagnostics;
using SmtpTls.Localization;
using SmtpTls.Replies;
using SmtpConnection = SmtpTls.Smtp.SmtpConnection;
using TlsHandshake = SmtpTls.Smtp.TlsHandshake;

namespace SmtpTls.Sending;

/// <summary>
/// One send, start to end: connect under the TLS policy, check the certificate, authenticate if
/// asked to and allowed, send the message, QUIT. Every refusal happens before MAIL FROM; every
/// failure after it leaves nothing behind (MailKit answers a refused command with RSET, and a
/// broken-off data phase never gets its final dot). Fills one <see cref="SmtpSendResult"/>.
/// </summary>
internal sealed class SendRun
{
    private const string StepConnect = "Send.Step.Connect";
    private const string StepSession = "Send.Step.Session";
    private const string StepAuthenticate = "Send.Step.Authenticate";
    private const string StepSend = "Send.Step.Send";


    private readonly SendRequest _request;
    private readonly SmtpTestMessageOptions _options;
    private readonly CultureInfo _culture;
    private readonly SmtpSendResult _result;
    private readonly List<string> _warnings = new();
    private readonly RedactingProtocolLogger _logger;
    private readonly ServerTextCleaner _cleaner;
    private readonly SessionDeadline _deadline;
    private readonly string _testId;
    private string _step = StepConnect;
    private string? _plaintextWarning;
    private bool _warnedDataAfterStartTls;

    /// <summary>Prepares one send of a checked request; nothing connects until <see cref="RunAsync"/>.</summary>
    public SendRun(SendRequest request)
    {
        _request = request;
        _options = request.Options;
        _culture = request.Culture;
        _testId = TestMessageFactory.NewTestId();
        var credential = _options.Credential;
        var oauth = _options.OAuthCredential;
        var scrubber = SecretScrubber.For(credential?.UserName, credential?.Password)
            .With(oauth is null ? null : OAuthSecretForms.For(oauth.UserName, oauth.RevealToken()));
        _logger = new RedactingProtocolLogger(scrubber, _culture, _options.Transcript);
        _cleaner = new ServerTextCleaner(scrubber);
        _deadline = new SessionDeadline(_options.Timeout);
        _result = new SmtpSendResult
        {
            Server = request.Target.Host,
            Port = request.Port,
            ServerName = request.ServerName,
            TlsMode = _options.TlsMode.ToString(),
            From = request.From.Address,
            To = request.To.Select(t => t.Address).ToArray(),
            TestId = _testId,
            MessageId = TestMessageFactory.MessageId(_testId, request.From),
            Subject = TestMessageFactory.Subject(_options.Subject, _testId, TestMessageFactory.SendingHost(), _culture),
        };
    }

    /// <summary>Runs the send step by step; what the server or the network does ends up in the result, never as an exception.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SmtpSendResult> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _result.StartedAt = DateTimeOffset.UtcNow;
        SmtpClient? client = null;
        try
        {
            client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            CheckRequireTls(client);
            await AuthenticateAsync(client, cancellationToken).ConfigureAwait(false);
            await SendMessageAsync(client, cancellationToken).ConfigureAwait(false);
            await QuitAsync(client).ConfigureAwait(false);
        }
        catch (SendFailure failure)
        {
            Fail(await PortMismatchAsync(failure, cancellationToken).ConfigureAwait(false) ?? failure);
            await QuitAsync(client).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: drop the connection without QUIT, so a half-sent message never gets its final dot.
            client?.Dispose();
            client = null;
            throw;
        }
        finally
        {
            client?.Dispose();
            _logger.Complete();
            _result.Transcript = _logger.Lines.ToArray();
            _result.Warnings = _warnings.ToArray();
            _result.Duration = clock.Elapsed;
        }

        return _result;
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var retryWithoutTls = false;
        while (true)
        {
            var socketOptions = retryWithoutTls ? SecureSocketOptions.None : SendPolicy.SocketOptions(_options.TlsMode, _request.Port);
            _logger.StartConnection();
            _logger.Note(LocalizedText.Format("Send.Note.Connecting", _culture, _request.Endpoint, _request.TlsHost, PolicyName()));
            var socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
            var check = new CertificateCheck(_request, _logger);
            var client = NewClient(check);
            try
            {
                var outcome = await StartSessionAsync(client, socket, socketOptions, check, cancellationToken).ConfigureAwait(false);
                var decision = SendPolicy.DecideTls(_options.TlsMode, _request.Port, outcome.Outcome, retryWithoutTls);
                switch (decision.Action)
                {
                    case SendAction.Refuse:
                        throw TlsFailure(decision.ErrorId!.Value, outcome.Error);

                    case SendAction.RetryWithoutTls:
                        Warn(decision.WarningKey!, _request.Endpoint, _logger.StartTlsReply ?? outcome.Error?.Message);
                        _logger.Note(LocalizedText.Get("Send.Note.RetryWithoutTls", _culture));
                        client.Dispose();
                        retryWithoutTls = true;
                        continue;

                    case SendAction.ProceedWithWarning when decision.WarningKey is not null:
                        // Said when the envelope is about to go out in plaintext, not for a session refused before that.
                        _plaintextWarning = decision.WarningKey;
                        break;
                }

                RecordTls(client, check);
                WarnDataAfterStartTls();
                return client;
            }
            catch
            {
                // Whether the server asked for a client certificate explains many refusals at this point.
                RecordClientCertificate(client);

                // Refused here means nothing was sent; QUIT if the session is still up, then close.
                await QuitAsync(client).ConfigureAwait(false);
                client.Dispose();
                throw;
            }
        }
    }

    private async Task<(TlsOutcome Outcome, Exception? Error)> StartSessionAsync(SmtpClient client, Socket socket, SecureSocketOptions socketOptions, CertificateCheck check, CancellationToken cancellationToken)
    {
        _step = StepSession;
        try
        {
            // MailKit reads through the bounded stream: session size and step and call deadlines hold below TLS,
            // the line and reply caps in the logger above it (SmtpReadLimits).
            _deadline.StartStep();
            var stream = new BoundedSmtpStream(new NetworkStream(socket, ownsSocket: true), _deadline, socket.Dispose);
            await BoundedAsync(token => client.ConnectAsync(stream, _request.TlsHost, _request.Port, socketOptions, token), stream.Dispose, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException ex) when (!_logger.StartTlsSent)
        {
            // MailKit's StartTls option: EHLO did not list STARTTLS, so it never asked.
            return (TlsOutcome.NotOffered, ex);
        }
        catch (Exception ex) when (SmtpLimitExceededException.Find(ex) is not null)
        {
            throw Classify(ex);
        }
        catch (SmtpCommandException ex) when (_logger.StartTlsSent && !IsPositive(_logger.StartTlsReply))
        {
            return (TlsOutcome.Refused, ex);
        }
        catch (SslHandshakeException ex)
        {
            if (check.Decision is { Allows: false } refusal)
            {
                throw CertificateFailure(refusal.ErrorId!.Value, check, ex);
            }

            if (client is ClientCertificateRecorder { CertificateRequested: true })
            {
                // The server asked for a client certificate and then broke off: it wanted one it trusts.
                throw ClientCertificateFailure(ex);
            }

            return (TlsOutcome.HandshakeFailed, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Classify(ex);
        }

        if (client.IsSecure)
        {
            return (TlsOutcome.Established, null);
        }

        var offered = (client.Capabilities & SmtpCapabilities.StartTLS) != 0;
        return (socketOptions != SecureSocketOptions.None && !offered ? TlsOutcome.NotOffered : TlsOutcome.NotAttempted, null);
    }

    private void RecordTls(SmtpClient client, CertificateCheck check)
    {
        if (!client.IsSecure)
        {
            _logger.Note(LocalizedText.Get("Send.Note.Plaintext", _culture));
            return;
        }

        // Without its own check on this connection (a resumed TLS session skips the callback on some
        // platforms) the certificate is unverified: that is a refusal, not a pass.
        if (!check.Ran && !_options.SkipCertificateValidation)
        {
            throw CertificateFailure(SmtpSendErrorId.CertificateUntrusted, check, null, LocalizedText.Get("Send.Certificate.NotChecked", _culture));
        }

        if (check.Decision?.WarningKey is { } warning)
        {
            Warn(warning, _request.Endpoint, check.Problem);
        }

        _result.TlsEstablished = true;
        RecordClientCertificate(client);
        _result.Protocol = TlsHandshake.MapProtocol(client.SslProtocol)?.ToString() ?? client.SslProtocol.ToString();
        _result.CipherSuite = CipherSuiteOf(client);
        _result.Certificate = check.Certificate;
        _result.CertificateValidationSkipped = _options.SkipCertificateValidation && check.Problem is not null;
        _logger.Note(LocalizedText.Format("Send.Note.TlsEstablished", _culture, _result.Protocol, _result.CipherSuite));
    }

    private async Task AuthenticateAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        var credential = _options.Credential;
        var oauth = _options.OAuthCredential;
        var decision = SendPolicy.DecideAuthentication(credential is not null || oauth is not null, client.IsSecure, _options.AllowInsecureAuthentication);

        // Encrypted to a server whose certificate failed and was accepted only by -SkipCertificateValidation:
        // whoever answered can read the credentials, so that needs -AllowInsecureAuthentication as well.
        if ((credential is not null || oauth is not null) && client.IsSecure && _result.CertificateValidationSkipped)
        {
            if (!_options.AllowInsecureAuthentication)
            {
                throw new SendFailure(
                    SmtpSendErrorId.InsecureAuthenticationRefused,
                    LocalizedText.Format("Send.Error.UnverifiedAuthenticationRefused", _culture, _request.Endpoint),
                    null,
                    null,
                    SmtpFailure.Known(SmtpSendErrorId.InsecureAuthenticationRefused, null, FailureDetail.Unverified));
            }

            Warn("Send.Warning.UnverifiedAuthentication", _request.Endpoint);
        }

        if (decision.Action == SendAction.Refuse)
        {
            throw new SendFailure(
                decision.ErrorId!.Value,
                LocalizedText.Format("Send.Error.InsecureAuthenticationRefused", _culture, _request.Endpoint),
                null,
                null,
                SmtpFailure.Known(decision.ErrorId!.Value));
        }

        if (decision.WarningKey is not null)
        {
            Warn(decision.WarningKey, _request.Endpoint);
        }

        if (oauth is not null)
        {
            _step = StepAuthenticate;
            await OAuthLoginAsync(client, oauth, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (credential is null)
        {
            return;
        }

        _step = StepAuthenticate;
        try
        {
            // OAuth mechanisms need tokens, not a password.
            client.AuthenticationMechanisms.Remove("XOAUTH2");
            client.AuthenticationMechanisms.Remove("OAUTHBEARER");

            // One mechanism, one attempt: a wrong password is one failed login, not one per mechanism.
            var mechanism = PasswordLogin.Choose(client, credential) ?? throw new NotSupportedException("The SMTP server offers no password mechanism this client supports.");
            _result.AuthenticationMechanism = mechanism.MechanismName;
            await BoundedAsync(token => client.AuthenticateAsync(mechanism, token), client.Dispose, cancellationToken).ConfigureAwait(false);
            _result.Authenticated = true;
        }
        catch (NotSupportedException ex)
        {
            throw new SendFailure(SmtpSendErrorId.AuthenticationNotOffered, LocalizedText.Format("Send.Error.AuthenticationNotOffered", _culture, _request.Endpoint), null, ex);
        }
        catch (MailKit.Security.AuthenticationException ex)
        {
            var command = ex.InnerException as SmtpCommandException;
            var reply = command is null ? _logger.LastReply : _logger.FindReply((int)command.StatusCode, command.Message);
            throw new SendFailure(SmtpSendErrorId.AuthenticationFailed, LocalizedText.Format("Send.Error.AuthenticationFailed", _culture, _request.Endpoint, reply ?? ex.Message), reply, ex);
        }
        catch (SmtpCommandException ex)
        {
            var reply = _logger.FindReply((int)ex.StatusCode, ex.Message) ?? (int)ex.StatusCode + " " + ex.Message;
            throw new SendFailure(SmtpSendErrorId.AuthenticationFailed, LocalizedText.Format("Send.Error.AuthenticationFailed", _culture, _request.Endpoint, reply), reply, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Classify(ex);
        }
    }

    private async Task OAuthLoginAsync(SmtpClient client, SmtpOAuthCredential oauth, CancellationToken cancellationToken)
    {
        var mechanism = OAuthLogin.Choose(client, oauth);
        if (mechanism is null)
        {
            var offered = string.Join(" ", client.AuthenticationMechanisms.OrderBy(m => m, StringComparer.Ordinal));
            throw new SendFailure(SmtpSendErrorId.OAuthNotOffered, LocalizedText.Format("Send.Error.OAuthNotOffered", _culture, _request.Endpoint, offered.Length == 0 ? "-" : offered), null, null, SmtpFailure.Known(SmtpSendErrorId.OAuthNotOffered));
        }

        _result.AuthenticationMechanism = mechanism.MechanismName;
        try
        {
            await BoundedAsync(token => client.AuthenticateAsync(mechanism, token), client.Dispose, cancellationToken).ConfigureAwait(false);
            _result.Authenticated = true;
        }
        catch (Exception ex) when (ex is MailKit.Security.AuthenticationException or SmtpCommandException)
        {
            var command = ex as SmtpCommandException ?? ex.InnerException as SmtpCommandException;
            var reply = command is null ? _logger.LastReply : _logger.FindReply((int)command.StatusCode, command.Message) ?? (int)command.StatusCode + " " + command.Message;
            reply ??= ex.Message;
            var challenge = OAuthErrorChallenge.FromTranscript(_logger.Lines);
            if (challenge is not null)
            {
                _logger.Note(LocalizedText.Format("Send.Note.OAuthChallenge", _culture, challenge.Json));
            }

            var status = challenge?.Status ?? "-";
            var resolveText = challenge is null ? reply : reply + "\n" + challenge.ResolveLine;
            throw new SendFailure(
                SmtpSendErrorId.OAuthTokenRejected,
                LocalizedText.Format("Send.Error.OAuthTokenRejected", _culture, _request.Endpoint, oauth.UserName, mechanism.MechanismName, reply, status),
                reply,
                ex,
                string.IsNullOrEmpty(resolveText) ? null : SmtpFailure.Said(SmtpSendErrorId.OAuthTokenRejected, reply ?? string.Empty, resolveText));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Classify(ex);
        }
    }

    /// <summary>RFC 8689 §4.1: REQUIRETLS only over TLS with a verified certificate, and only to a server that advertises it.</summary>
    private void CheckRequireTls(SmtpClient client)
    {
        if (!_options.RequireTls)
        {
            return;
        }

        if (!_result.TlsEstablished || _result.CertificateValidationSkipped)
        {
            throw new SendFailure(SmtpSendErrorId.RequireTlsNotVerified, LocalizedText.Format("Send.Error.RequireTlsNotVerified", _culture, _request.Endpoint), null, null, SmtpFailure.Known(SmtpSendErrorId.RequireTlsNotVerified));
        }

        if ((client.Capabilities & SmtpCapabilities.RequireTLS) == 0)
        {
            throw new SendFailure(SmtpSendErrorId.RequireTlsNotOffered, LocalizedText.Format("Send.Error.RequireTlsNotOffered", _culture, _request.Endpoint), null, null, SmtpFailure.Known(SmtpSendErrorId.RequireTlsNotOffered));
        }

        client.RequireTLS = true;
        _result.RequireTls = true;
    }

    private void RecordClientCertificate(SmtpClient client)
    {
        if (_options.ClientCertificate is { } certificate)
        {
            _result.ClientCertificate = certificate.Subject + " (" + certificate.Thumbprint + ")";
        }

        if (client is ClientCertificateRecorder recorder)
        {
            _result.ClientCertificateRequested = recorder.CertificateRequested;
            if (recorder.CertificateRequested == true)
            {
                var named = recorder.AcceptableIssuers.Length == 0 ? "-" : string.Join("; ", recorder.AcceptableIssuers);
                _logger.Note(LocalizedText.Format(_options.ClientCertificate is null ? "Send.Note.ClientCertificateRequestedNone" : "Send.Note.ClientCertificateRequested", _culture, named));
            }
        }
    }

    private SendFailure ClientCertificateFailure(Exception error)
    {
        var key = _options.ClientCertificate is null ? "Send.Error.ClientCertificateMissing" : "Send.Error.ClientCertificateRejected";
        return new SendFailure(SmtpSendErrorId.ClientCertificateRejected, LocalizedText.Format(key, _culture, _request.Endpoint, ExceptionText.Describe(error)), null, error, SmtpFailure.Known(SmtpSendErrorId.ClientCertificateRejected));
    }

    private async Task SendMessageAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        _step = StepSend;
        var now = DateTimeOffset.UtcNow;
        var host = TestMessageFactory.SendingHost();
        var tls = _result.TlsEstablished
            ? LocalizedText.Format("Send.Message.TlsUsed", _culture, _result.Protocol, _result.CipherSuite, PolicyName())
            : LocalizedText.Format("Send.Message.TlsNone", _culture, PolicyName());
        var server = _request.ServerName is null ? _request.Endpoint : _request.Endpoint + " (" + _request.ServerName + ")";
        var body = _options.Body ?? TestMessageFactory.DefaultBody(_testId, host, now, server, tls, _culture);
        if (_plaintextWarning is not null)
        {
            Warn(_plaintextWarning, _request.Endpoint);
        }

        using var message = TestMessageFactory.Create(_request.From, _request.To, _result.MessageId!, _testId, _result.Subject!, body, now);

        try
        {
            var response = await BoundedAsync(token => client.SendAsync(FormatOptions.Default, message, _request.From, _request.To, token), client.Dispose, cancellationToken).ConfigureAwait(false);

            // SendAsync returns the reply text without its code; the logger has it verbatim.
            _result.Reply = _logger.LastReply ?? _cleaner.Clean("250 " + response);
            _result.QueueId = SmtpQueueId.Parse(_result.Reply);
            _result.Accepted = true;
            _logger.Note(LocalizedText.Format("Send.Note.Accepted", _culture, _result.QueueId ?? "-", _result.MessageId));
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            // MailKit reads every 530 to MAIL FROM as "authentication required"; Postfix also says 530 for "STARTTLS first".
            var reply = _logger.FindReply(530, ex.Message) ?? "530 " + ex.Message;
            var tlsRequired = reply.IndexOf("STARTTLS", StringComparison.OrdinalIgnoreCase) >= 0 || reply.IndexOf("5.7.0 TLS", StringComparison.OrdinalIgnoreCase) >= 0;
            throw tlsRequired
                ? new SendFailure(SmtpSendErrorId.TlsRequired, LocalizedText.Format("Send.Error.TlsRequired", _culture, _request.Endpoint, reply), reply, ex)
                : new SendFailure(SmtpSendErrorId.AuthenticationRequired, LocalizedText.Format("Send.Error.AuthenticationRequired", _culture, _request.Endpoint, reply), reply, ex);
        }
        catch (SmtpCommandException ex)
        {
            var reply = _logger.FindReply((int)ex.StatusCode, ex.Message) ?? (int)ex.StatusCode + " " + ex.Message;
            throw ex.ErrorCode switch
            {
                SmtpErrorCode.SenderNotAccepted => new SendFailure(SmtpSendErrorId.SenderRejected, LocalizedText.Format("Send.Error.SenderRejected", _culture, _request.Endpoint, ex.Mailbox?.Address ?? _result.From, reply), reply, ex),
                SmtpErrorCode.RecipientNotAccepted => new SendFailure(SmtpSendErrorId.RecipientRejected, LocalizedText.Format("Send.Error.RecipientRejected", _culture, _request.Endpoint, ex.Mailbox?.Address, reply), reply, ex),
                _ => new SendFailure(SmtpSendErrorId.MessageRejected, LocalizedText.Format("Send.Error.MessageRejected", _culture, _request.Endpoint, reply), reply, ex),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Classify(ex);
        }
    }

    private async Task QuitAsync(SmtpClient? client)
    {
        if (client is null || !client.IsConnected)
        {
            return;
        }

        try
        {
            // Not the caller's token: after a refusal or Ctrl+C-free failure the server still deserves a QUIT,
            // briefly, and within what is left of the call's deadline.
            var left = _deadline.CallRemaining < _options.Timeout ? _deadline.CallRemaining : _options.Timeout;
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            using var quit = new CancellationTokenSource(left);
            await client.DisconnectAsync(true, quit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or SmtpProtocolException or InvalidOperationException or SmtpCommandException)
        {
            // The outcome is decided; a connection that breaks on QUIT changes nothing.
        }
    }

    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        _step = StepConnect;
        IPAddress[] addresses;
        if (_request.Target.Address is { } literal)
        {
            addresses = new[] { literal };
        }
        else
        {
            _logger.Note(LocalizedText.Format("Send.Note.Resolving", _culture, _request.Target.Host));
            try
            {
                addresses = await SmtpConnection.RunBoundedAsync(_ => System.Net.Dns.GetHostAddressesAsync(_request.Target.Host), () => { }, StepBound(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or ArgumentException)
            {
                throw Classify(ex);
            }
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            _result.Address = address.ToString();
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await SmtpConnection.RunBoundedAsync(
                    async token =>
                    {
#if NET8_0_OR_GREATER
                        await socket.ConnectAsync(address, _request.Port, token).ConfigureAwait(false);
#else
                        await Task.Factory.FromAsync(socket.BeginConnect, socket.EndConnect, (EndPoint)new IPEndPoint(address, _request.Port), null).ConfigureAwait(false);
#endif
                        return true;
                    },
                    socket.Dispose,
                    StepBound(),
                    cancellationToken).ConfigureAwait(false);
                _logger.Note(LocalizedText.Format("Send.Note.Connected", _culture, address));
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw Classify(last ?? new SocketException((int)SocketError.HostNotFound));
    }

    private SmtpClient NewClient(CertificateCheck check) => new ClientCertificateRecorder(_logger)
    {
        ClientCertificates = _options.ClientCertificate is { } clientCertificate ? new System.Security.Cryptography.X509Certificates.X509CertificateCollection { clientCertificate } : null,
        Timeout = (int)Math.Min(int.MaxValue, _options.Timeout.TotalMilliseconds),
        LocalDomain = _request.HeloName,

        // Chains are judged offline by the certificate analysis; revocation lookups would only add network waits.
        CheckCertificateRevocation = false,
        ServerCertificateValidationCallback = check.Validate,
    };

    /// <summary>
    /// Runs a phase of MailKit's (several steps) under the call's deadline. The bounded stream holds each
    /// step to its own; this watchdog catches what waits outside the stream (a handshake on .NET Framework).
    /// </summary>
    private async Task<T> BoundedAsync<T>(Func<CancellationToken, Task<T>> step, Action abort, CancellationToken cancellationToken)
    {
        var left = _deadline.CallRemaining;
        if (left <= TimeSpan.Zero)
        {
            abort();
            throw new SmtpLimitExceededException(SmtpSendErrorId.CallTimeout, "The call did not end within " + _deadline.Call.TotalSeconds + " s.");
        }

        return await SmtpConnection.RunBoundedAsync(step, abort, left, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One step's time, or what is left of the call if that is less.</summary>
    private TimeSpan StepBound()
    {
        var left = _deadline.CallRemaining;
        return left < _options.Timeout ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : _options.Timeout;
    }

    private Task BoundedAsync(Func<CancellationToken, Task> step, Action abort, CancellationToken cancellationToken) =>
        BoundedAsync(
            async token =>
            {
                await step(token).ConfigureAwait(false);
                return true;
            },
            abort,
            cancellationToken);

    private SendFailure TlsFailure(SmtpSendErrorId errorId, Exception? error)
    {
        var mode = _options.TlsMode.ToString();
        switch (errorId)
        {
            case SmtpSendErrorId.TlsNotOffered:
                return new SendFailure(errorId, LocalizedText.Format("Send.Error.TlsNotOffered", _culture, _request.Endpoint, mode), null, error, SmtpFailure.Known(errorId));

            case SmtpSendErrorId.TlsNotAvailable:
                var reply = _logger.StartTlsReply ?? error?.Message ?? string.Empty;
                return new SendFailure(errorId, LocalizedText.Format("Send.Error.TlsNotAvailable", _culture, _request.Endpoint, reply, mode), reply, error);

            case SmtpSendErrorId.TlsHandshakeFailed:
                return new SendFailure(errorId, LocalizedText.Format("Send.Error.TlsHandshakeFailed", _culture, _request.Endpoint, ExceptionText.Describe(error)), null, error);

            default:
                return new SendFailure(errorId, LocalizedText.Format("Send.Error.TlsNotEstablished", _culture, _request.Endpoint, mode), null, error, SmtpFailure.Known(errorId));
        }
    }

    private SendFailure CertificateFailure(SmtpSendErrorId errorId, CertificateCheck check, Exception? error, string? problem = null)
    {
        _result.Certificate = check.Certificate;
        var detail = problem ?? check.Problem ?? LocalizedText.Get("Send.Certificate.None", _culture);

        // The chain statuses refine an untrusted chain (Revoked, PartialChain, ...); expiry and name need none.
        var details = errorId == SmtpSendErrorId.CertificateUntrusted ? TrustCodes(check.Certificate) : Array.Empty<string>();
        return new SendFailure(errorId, LocalizedText.Format("Send.Error.Certificate", _culture, _request.Endpoint, detail), null, error, SmtpFailure.Known(errorId, null, details));
    }

    private static string[] TrustCodes(SmtpCertificateInfo? certificate) =>
        certificate?.ChainStatus.Select(s => s.Split(':')[0].Trim()).Where(c => c.Length > 0 && c != "IncompleteChain").Distinct().ToArray() ?? Array.Empty<string>();

    /// <summary>
    /// A session that failed before any SMTP was spoken may have met the other kind of TLS: a STARTTLS
    /// client waiting for a greeting on an implicit-TLS port, or an implicit-TLS handshake on a port
    /// that greets in plaintext. Asks the port once more, briefly, as Test-SmtpTls does; null when it is not that.
    /// </summary>
    private async Task<SendFailure?> PortMismatchAsync(SendFailure failure, CancellationToken cancellationToken)
    {
        if (_result.Address is null || !IPAddress.TryParse(_result.Address, out var address) || _logger.LastReply is not null)
        {
            return null;
        }

        var implicitMode = _request.EffectiveMode == SmtpSendTlsMode.Implicit;
        var silent = failure.ErrorId == SmtpSendErrorId.Timeout && _step == StepSession && _logger.ServerBytes == 0;
        var handshakeFailed = failure.ErrorId == SmtpSendErrorId.TlsHandshakeFailed;
        if (!(silent && !implicitMode) && !(handshakeFailed && implicitMode))
        {
            return null;
        }

        // Short: the call's time is mostly spent, and a port that speaks answers at once.
        var left = _deadline.CallRemaining;
        var wait = TimeSpan.FromSeconds(3) < left ? TimeSpan.FromSeconds(3) : left;
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        try
        {
            if (!implicitMode)
            {
                if (!await PortModeCheck.SpeaksImplicitTlsAsync(address, _request.Port, _request.ServerName, wait, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                _logger.Note(LocalizedText.Format("Send.Note.PortSpeaksImplicitTls", _culture, _request.Port));
                return new SendFailure(
                    SmtpSendErrorId.PortMismatch,
                    LocalizedText.Format("Send.Error.PortMismatch.Implicit", _culture, _request.Endpoint, _request.Port),
                    null,
                    // The timeout only showed the symptom; the knowledge explains the mismatch by its id.
                    null,
                    SmtpFailure.Known(SmtpSendErrorId.PortMismatch, null, FailureDetail.Implicit));
            }

            var greeting = await PortModeCheck.PlaintextGreetingAsync(address, _request.Port, wait, cancellationToken).ConfigureAwait(false);
            if (greeting is null)
            {
                return null;
            }

            var visible = _cleaner.Clean(greeting)!;
            _logger.Note(LocalizedText.Format("Send.Note.PortGreetsInPlaintext", _culture, _request.Port, visible));
            return new SendFailure(
                SmtpSendErrorId.PortMismatch,
                LocalizedText.Format("Send.Error.PortMismatch.StartTls", _culture, _request.Endpoint, _request.Port, visible),
                visible,
                failure.InnerException,
                SmtpFailure.Known(SmtpSendErrorId.PortMismatch, visible, FailureDetail.StartTls));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A failure that is not a policy decision: the network, the protocol, or the server refusing the session.</summary>
    private SendFailure Classify(Exception ex)
    {
        var stepText = LocalizedText.Get(_step, _culture);
        if (LimitFailure(ex, stepText) is { } limit)
        {
            return limit;
        }

        // A server that requires a client certificate says so right after the handshake (Postfix with
        // smtpd_tls_req_ccert: "421 4.7.1 <host> Error: No client certificate presented") and hangs up.
        if (_logger.LastReply is { } refusal && refusal.Length > 0 && refusal[0] is '4' or '5'
            && refusal.IndexOf("client certificate", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            var key = _options.ClientCertificate is null ? "Send.Error.ClientCertificateMissing" : "Send.Error.ClientCertificateRejected";
            return new SendFailure(SmtpSendErrorId.ClientCertificateRejected, LocalizedText.Format(key, _culture, _request.Endpoint, refusal), refusal, ex);
        }

        if (IsTimeout(ex))
        {
            return _logger.ContentComplete
                ? new SendFailure(SmtpSendErrorId.Timeout, LocalizedText.Format("Send.Error.OutcomeUnknown", _culture, _request.Endpoint, ExceptionText.Describe(ex), _result.MessageId), null, ex)
                : _step == StepSession && _logger.ServerBytes == 0 && _logger.LastReply is null && _request.EffectiveMode != SmtpSendTlsMode.Implicit
                ? new SendFailure(SmtpSendErrorId.Timeout, LocalizedText.Format("Send.Error.NoGreeting", _culture, _request.Endpoint, _options.Timeout.TotalSeconds), null, ex, SmtpFailure.Known(SmtpSendErrorId.Timeout, null, FailureDetail.NoGreeting))
                : new SendFailure(SmtpSendErrorId.Timeout, LocalizedText.Format("Send.Error.Timeout", _culture, _request.Endpoint, _options.Timeout.TotalSeconds, stepText), null, ex, SmtpFailure.Known(SmtpSendErrorId.Timeout, null, FailureDetail.Step(_step)));
        }

        switch (ex)
        {
            case SmtpCommandException command:
                var reply = _logger.FindReply((int)command.StatusCode, command.Message) ?? (int)command.StatusCode + " " + command.Message;
                return new SendFailure(SmtpSendErrorId.ConnectionRejected, LocalizedText.Format("Send.Error.ConnectionRejected", _culture, _request.Endpoint, reply), reply, ex);

            case SocketException when _step == StepConnect:
                return new SendFailure(SmtpSendErrorId.ConnectionFailed, LocalizedText.Format("Send.Error.ConnectionFailed", _culture, _request.Endpoint, ExceptionText.Describe(ex)), null, ex);

            case SslHandshakeException:
                return new SendFailure(SmtpSendErrorId.TlsHandshakeFailed, LocalizedText.Format("Send.Error.TlsHandshakeFailed", _culture, _request.Endpoint, ExceptionText.Describe(ex)), null, ex);

            case SmtpProtocolException or IOException or SocketException or ObjectDisposedException:
                if (_logger.ContentComplete)
                {
                    return new SendFailure(SmtpSendErrorId.ProtocolError, LocalizedText.Format("Send.Error.OutcomeUnknown", _culture, _request.Endpoint, ExceptionText.Describe(ex), _result.MessageId), null, ex);
                }

                // A server that hangs up usually says why first (421): that reply is the better explanation.
                var last = _logger.LastReply;
                var said = last is not null && last.StartsWith("4", StringComparison.Ordinal) ? last : null;
                return new SendFailure(SmtpSendErrorId.ProtocolError, LocalizedText.Format("Send.Error.ProtocolError", _culture, _request.Endpoint, said ?? ExceptionText.Describe(ex), stepText), said, ex);

            default:
                return new SendFailure(SmtpSendErrorId.SendFailed, LocalizedText.Format("Send.Error.SendFailed", _culture, _request.Endpoint, ExceptionText.Describe(ex)), null, ex);
        }
    }

    /// <summary>A cap of <see cref="SmtpTls.Smtp.SmtpReadLimits"/> or a deadline the server broke, named by what it did.</summary>
    private SendFailure? LimitFailure(Exception ex, string stepText)
    {
        var limit = SmtpLimitExceededException.Find(ex);
        if (limit is null && IsTimeout(ex) && _deadline.CallRemaining <= TimeSpan.FromMilliseconds(100))
        {
            // The watchdog of the whole call fired, not a step's.
            limit = new SmtpLimitExceededException(SmtpSendErrorId.CallTimeout, ex.Message);
        }

        if (limit is null || limit.ErrorId == SmtpSendErrorId.Timeout)
        {
            // A silent step is an ordinary timeout (with the "no greeting" hint where it fits).
            return null;
        }

        var seconds = _options.Timeout.TotalSeconds;
        var message = limit.ErrorId switch
        {
            SmtpSendErrorId.CallTimeout => LocalizedText.Format("Send.Error.CallTimeout", _culture, _request.Endpoint, _deadline.Call.TotalSeconds, stepText),
            SmtpSendErrorId.ReplyTooSlow => LocalizedText.Format("Send.Error.ReplyTooSlow", _culture, _request.Endpoint, seconds, stepText),
            SmtpSendErrorId.TranscriptLimit => LocalizedText.Format("Send.Error.TranscriptLimit", _culture, _request.Endpoint, SmtpTls.Smtp.SmtpReadLimits.MaxSessionBytes),
            SmtpSendErrorId.ReplyTooLong => LocalizedText.Format("Send.Error.Limit", _culture, _request.Endpoint, LocalizedText.Format("Send.Limit.ReplyTooLong", _culture, SmtpTls.Smtp.SmtpReadLimits.MaxLineLength)),
            SmtpSendErrorId.TooManyReplyLines => LocalizedText.Format("Send.Error.Limit", _culture, _request.Endpoint, LocalizedText.Format("Send.Limit.TooManyReplyLines", _culture, SmtpTls.Smtp.SmtpReadLimits.MaxReplyLines)),
            _ => LocalizedText.Format("Send.Error.Limit", _culture, _request.Endpoint, LocalizedText.Format("Send.Limit.ReplyTooLarge", _culture, SmtpTls.Smtp.SmtpReadLimits.MaxReplyBytes)),
        };

        // After the whole content went out the server may have the message: say so rather than "nothing was sent".
        if (_logger.ContentComplete)
        {
            message = LocalizedText.Format("Send.Error.OutcomeUnknown", _culture, _request.Endpoint, limit.Message, _result.MessageId);
        }

        return new SendFailure(limit.ErrorId, message, null, limit);
    }

    private static bool IsTimeout(Exception ex)
    {
        // The caller's own cancellation never gets here; a cancellation seen here is MailKit's read timeout or the watchdog.
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OperationCanceledException || e is SocketException { SocketErrorCode: SocketError.TimedOut }
                || e is SmtpLimitExceededException { ErrorId: SmtpSendErrorId.Timeout })
            {
                return true;
            }
        }

        return false;
    }

    private void Fail(SendFailure failure)
    {
        // Everything kept here may quote the server (or MailKit quoting it): scrubbed and escaped at the source.
        _result.Accepted = false;
        _result.ErrorId = failure.ErrorId.ToString();
        _result.ErrorMessage = _cleaner.Clean(failure.Message);
        _result.Reply ??= _cleaner.Clean(failure.Reply);
        WarnDataAfterStartTls();
        _logger.Note(LocalizedText.Format("Send.Note.NotSent", _culture, failure.ErrorId));
        if (failure.InnerException is SmtpLimitExceededException)
        {
            // The reply knowledge has nothing to say about a server that floods or trickles; the id says it all.
            return;
        }

        var resolution = failure.Failure is { } typed ? ResolutionLookup.Resolve(typed.Cleaned(_cleaner.Clean), _culture) : null;
        if (resolution is not null)
        {
            _cleaner.Clean(resolution);
            if (string.IsNullOrEmpty(resolution.Server))
            {
                resolution.Server = _result.Server;
                resolution.Port = _result.Port;
            }

            _result.Resolution = resolution;
        }
    }

    private void WarnDataAfterStartTls()
    {
        if (_logger.DataAfterStartTls && !_warnedDataAfterStartTls)
        {
            _warnedDataAfterStartTls = true;
            Warn("Send.Warning.DataAfterStartTls", _request.Endpoint);
        }
    }

    private void Warn(string key, params object?[] args)
    {
        var text = _cleaner.Clean(LocalizedText.Format(key, _culture, args))!;
        _warnings.Add(text);
        _logger.Note(text);
        _options.Warning?.Invoke(text);
    }

    private string PolicyName()
    {
        var effective = _request.EffectiveMode;
        return _options.TlsMode == effective ? effective.ToString() : _options.TlsMode + " (" + effective + ")";
    }

    private static bool IsPositive(string? reply) => reply is not null && reply.Length > 0 && reply[0] == '2';

    private static string CipherSuiteOf(SmtpClient client)
    {
#if NET8_0_OR_GREATER
        if (client.SslCipherSuite is { } suite)
        {
            return suite.ToString();
        }
#endif
        // .NET Framework exposes only the algorithms, not the suite's name.
        var parts = new[] { client.SslKeyExchangeAlgorithm?.ToString(), client.SslCipherAlgorithm + "-" + client.SslCipherStrength, client.SslHashAlgorithm?.ToString() };
        return string.Join("/", parts.Where(p => !string.IsNullOrEmpty(p) && p != "None"));
    }
}
