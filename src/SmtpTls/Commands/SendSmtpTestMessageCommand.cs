using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using SmtpTls.Localization;
using SmtpTls.Sending;

namespace SmtpTls.Commands;

/// <summary>
/// <para type="synopsis">Sends a real test message under an explicit TLS policy, never downgrading silently.</para>
/// <para type="description">Connects with MailKit, requires TLS by default (implicit TLS on 465, STARTTLS elsewhere),
/// checks the certificate like Test-SmtpTls, optionally authenticates, sends a recognizable test message and returns
/// an SmtpSendResult with the server's final reply, the queue ID and the redacted dialogue. A server without working
/// STARTTLS, or with an invalid certificate, gets no message; -TlsMode Opportunistic/None and
/// -SkipCertificateValidation weaken that only explicitly and with a warning.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Send, "SmtpTestMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SmtpSendResult))]
public sealed class SendSmtpTestMessageCommand : SmtpConnectionCommandBase
{
    /// <summary>Bound on every network step unless -TimeoutSeconds says otherwise: a send waits longer than a check (DATA, queueing).</summary>
    private const int DefaultTimeoutSeconds = 30;

    private System.Security.Cryptography.X509Certificates.X509Certificate2? _clientCertificate;

    /// <summary>Gives sending its default timeout.</summary>
    public SendSmtpTestMessageCommand()
        : base(DefaultTimeoutSeconds)
    {
    }

    /// <summary>Host name, IPv4/IPv6 literal, <c>host:port</c> or <c>[IPv6]:port</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = string.Empty;

    /// <summary>The sender (MAIL FROM and From header).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string From { get; set; } = string.Empty;

    /// <summary>The recipients (RCPT TO and To header).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] To { get; set; } = Array.Empty<string>();

    /// <summary>The subject; default: "SmtpTls test message &lt;id&gt; from &lt;host&gt;".</summary>
    [Parameter]
    public string? Subject { get; set; }

    /// <summary>The plain-text body; default: test ID, sending host, time, server and TLS parameters.</summary>
    [Parameter]
    public string? Body { get; set; }

    /// <summary>Authenticate (AUTH) with these credentials; only over TLS unless -AllowInsecureAuthentication.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// An OAuth 2.0 access token (SecureString or plain string) for AUTH OAUTHBEARER, or XOAUTH2 where only that is
    /// offered; needs -UserName; only over TLS unless -AllowInsecureAuthentication. Never shown in the transcript.
    /// </summary>
    [Parameter]
    [SecureStringTransformation]
    [ValidateNotNull]
    public System.Security.SecureString? AccessToken { get; set; }

    /// <summary>The mailbox the access token was issued for (required with -AccessToken).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UserName { get; set; }

    /// <summary>
    /// The TLS client certificate presented when the server asks: an X509Certificate2 with its private key, a PFX/P12
    /// path, or a PEM file holding the certificate and its key.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? ClientCertificate { get; set; }

    /// <summary>The password of the -ClientCertificate PFX file or encrypted PEM key.</summary>
    [Parameter]
    [SecureStringTransformation]
    public System.Security.SecureString? ClientCertificatePassword { get; set; }

    /// <summary>Send with REQUIRETLS (RFC 8689): only over verified TLS to a server that advertises it; otherwise nothing is sent.</summary>
    [Parameter]
    public SwitchParameter RequireTls { get; set; }

    /// <summary>Auto (default: implicit TLS on 465, else STARTTLS required), StartTls, Implicit, Opportunistic or None.</summary>
    [Parameter]
    public SmtpSendTlsMode TlsMode { get; set; } = SmtpSendTlsMode.Auto;

    /// <summary>Send even when the certificate is invalid (expired, untrusted, wrong name), with a warning.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateValidation { get; set; }

    /// <summary>Allow -Credential over an unencrypted session, with a warning.</summary>
    [Parameter]
    public SwitchParameter AllowInsecureAuthentication { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        // The sender's own inputs first, then the shared ones (trust anchors): refused before connecting anywhere.
        LoadClientCertificate();
        if (AccessToken is not null && string.IsNullOrEmpty(UserName))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(LocalizedText.Get("Send.Error.AccessTokenNeedsUserName", EffectiveCulture)), "UserNameMissing", ErrorCategory.InvalidArgument, null));
        }

        base.BeginProcessing();
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var queue = Queue;
        var culture = EffectiveCulture;
        var options = ReadOptions().NewSendOptions(Server, From, To, TlsMode);
        options.Subject = Subject;
        options.Body = Body;
        options.SkipCertificateValidation = SkipCertificateValidation.IsPresent;
        options.AllowInsecureAuthentication = AllowInsecureAuthentication.IsPresent;
        options.Credential = ToNetworkCredential(Credential);
        options.OAuthCredential = AccessToken is null || string.IsNullOrEmpty(UserName) ? null : new SmtpOAuthCredential(UserName!, AccessToken);
        options.ClientCertificate = _clientCertificate;
        options.RequireTls = RequireTls.IsPresent;
        options.Warning = queue.Warning;

        // Input errors are reported before -WhatIf/-Confirm: a bad address is wrong whatever the answer.
        var inputErrors = SmtpTestMessageSender.Validate(options);
        if (inputErrors.Count > 0)
        {
            foreach (var error in inputErrors)
            {
                var id = error.ParameterName is "From" or "To" ? "InvalidAddress" : "Invalid" + error.ParameterName;
                // Without a parameter name, so that the message is not followed by "(Parameter 'From')".
                WriteError(new ErrorRecord(new ArgumentException(error.Message), id, ErrorCategory.InvalidArgument, error.Value));
            }

            return;
        }

        var parsed = SmtpTls.Probing.SmtpTarget.Parse(Server);
        var target = parsed.Host + ":" + SendPolicy.ChoosePort(parsed.Port, Port, TlsMode).ToString(CultureInfo.InvariantCulture);
        var action = LocalizedText.Format("Send.Action", culture, From, string.Join(", ", To), TlsMode);
        if (!ShouldProcess(target, action))
        {
            return;
        }

        var server = Server;
        queue.Start(
            async token =>
            {
                var result = await SmtpTestMessageSender.SendAsync(options, token).ConfigureAwait(false);
                if (!result.Accepted)
                {
                    // A refused message is an error and still a result to read: the error goes out first.
                    queue.Error(new ErrorRecord(new SmtpSendException(result), result.ErrorId ?? nameof(SmtpSendErrorId.SendFailed), CategoryOf(result.ErrorId), server)
                    {
                        ErrorDetails = RecommendedAction(result),
                    });
                }

                return result;
            },
            ex => ex is ArgumentException
                ? new ErrorRecord(ex, "InvalidArgument", ErrorCategory.InvalidArgument, server)
                : new ErrorRecord(ex, nameof(SmtpSendErrorId.SendFailed), ErrorCategory.NotSpecified, server));

        // One message at a time, as typed: the next record's -Confirm question comes after this send has ended,
        // and its warnings and -Verbose lines go out while it runs.
        queue.DrainToEnd(this);
    }

    private void LoadClientCertificate()
    {
        if (ClientCertificate is null)
        {
            return;
        }

        var value = ClientCertificate is PSObject wrapped ? wrapped.BaseObject : ClientCertificate;
        try
        {
            _clientCertificate = value switch
            {
                System.Security.Cryptography.X509Certificates.X509Certificate2 certificate => ClientCertificateSource.Checked(certificate),
                string path => ClientCertificateSource.Load(GetUnresolvedProviderPathFromPSPath(path), ClientCertificatePassword),
                FileInfo file => ClientCertificateSource.Load(file.FullName, ClientCertificatePassword),
                _ => throw new ArgumentException(LocalizedText.Format("Send.Error.ClientCertificateType", EffectiveCulture, value.GetType().FullName)),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException or ItemNotFoundException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message), "ClientCertificateInvalid", ErrorCategory.InvalidArgument, value is string ? value : null));
        }
    }

    private static NetworkCredential? ToNetworkCredential(PSCredential? credential)
    {
        if (credential is null || credential == PSCredential.Empty)
        {
            return null;
        }

        // The whole user name as typed: GetNetworkCredential() would split "DOMAIN\user" and drop the domain from AUTH.
        return new NetworkCredential(credential.UserName, credential.Password);
    }

    private static ErrorCategory CategoryOf(string? errorId) => !Enum.TryParse<SmtpSendErrorId>(errorId, out var id) ? ErrorCategory.NotSpecified : id switch
    {
        SmtpSendErrorId.TlsNotOffered or SmtpSendErrorId.TlsNotAvailable or SmtpSendErrorId.AuthenticationNotOffered => ErrorCategory.ResourceUnavailable,
        SmtpSendErrorId.TlsHandshakeFailed or SmtpSendErrorId.TlsNotEstablished or SmtpSendErrorId.TlsRequired
            or SmtpSendErrorId.CertificateUntrusted or SmtpSendErrorId.CertificateExpired or SmtpSendErrorId.CertificateNameMismatch
            or SmtpSendErrorId.InsecureAuthenticationRefused or SmtpSendErrorId.RequireTlsNotVerified or SmtpSendErrorId.ClientCertificateRejected => ErrorCategory.SecurityError,
        SmtpSendErrorId.OAuthTokenRejected => ErrorCategory.AuthenticationError,
        SmtpSendErrorId.OAuthNotOffered or SmtpSendErrorId.RequireTlsNotOffered => ErrorCategory.ResourceUnavailable,
        SmtpSendErrorId.AuthenticationFailed or SmtpSendErrorId.AuthenticationRequired => ErrorCategory.AuthenticationError,
        SmtpSendErrorId.SenderRejected or SmtpSendErrorId.RecipientRejected or SmtpSendErrorId.MessageRejected or SmtpSendErrorId.ConnectionRejected => ErrorCategory.PermissionDenied,
        SmtpSendErrorId.ConnectionFailed => ErrorCategory.ConnectionError,
        SmtpSendErrorId.Timeout => ErrorCategory.OperationTimeout,
        SmtpSendErrorId.ProtocolError => ErrorCategory.ProtocolError,
        _ => ErrorCategory.NotSpecified,
    };

    private static ErrorDetails? RecommendedAction(SmtpSendResult result)
    {
        var step = result.Resolution?.Remediation?.FirstOrDefault(s => !string.IsNullOrEmpty(s.Action));
        return step is null || string.IsNullOrEmpty(result.ErrorMessage) ? null : new ErrorDetails(result.ErrorMessage) { RecommendedAction = step.Action };
    }
}
