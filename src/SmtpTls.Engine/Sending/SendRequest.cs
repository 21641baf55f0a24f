using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpTls.Localization;
using SmtpTls.Probing;
using SmtpTls.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// The options of one send, checked and parsed: where to connect, which name the certificate must
/// carry, the envelope addresses. Everything that can be wrong with the input is found here, before
/// a single packet leaves the machine.
/// </summary>
internal sealed class SendRequest
{
    private static readonly Regex HeloPattern = new(
        @"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?|\[(?:IPv6:)?[0-9A-Fa-f:.]+\])$",
        RegexOptions.CultureInvariant);

    private SendRequest(SmtpTestMessageOptions options, SmtpTarget target, int port, string? serverName, MailboxAddress from, IReadOnlyList<MailboxAddress> to, string heloName)
    {
        Options = options;
        Target = target;
        Port = port;
        ServerName = serverName;
        From = from;
        To = to;
        HeloName = heloName;
        Culture = options.Culture ?? CultureInfo.CurrentUICulture;
        EffectiveMode = SendPolicy.Effective(options.TlsMode, port);
    }

    /// <summary>The options as the caller gave them.</summary>
    public SmtpTestMessageOptions Options { get; }

    /// <summary>The server, parsed.</summary>
    public SmtpTarget Target { get; }

    /// <summary>The port connected to: the one in the server text, else the option, else the TLS mode's default.</summary>
    public int Port { get; }

    /// <summary>-ServerName, else the host name; null for an IP literal without -ServerName.</summary>
    public string? ServerName { get; }

    /// <summary>What the certificate must name: the server name, else the IP literal itself.</summary>
    public string ExpectedName => ServerName ?? Target.Host;

    /// <summary>The host MailKit is given: SNI and the TLS target name.</summary>
    public string TlsHost => ServerName ?? Target.Host;

    /// <summary>The sender, parsed as exactly one mailbox.</summary>
    public MailboxAddress From { get; }

    /// <summary>The recipients, each parsed as exactly one mailbox.</summary>
    public IReadOnlyList<MailboxAddress> To { get; }

    /// <summary>The name said in EHLO, checked to be a host name or an address literal.</summary>
    public string HeloName { get; }

    /// <summary>The language of messages and of the default subject and body.</summary>
    public CultureInfo Culture { get; }

    /// <summary>The TLS policy with Auto decided by the port (implicit TLS on 465, else STARTTLS required).</summary>
    public SmtpSendTlsMode EffectiveMode { get; }

    /// <summary>"host:port" as the messages show it (IPv6 in brackets).</summary>
    public string Endpoint => (Target.Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + Target.Host + "]" : Target.Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks <paramref name="options"/>; returns null and fills <paramref name="errors"/> when something is unusable.</summary>
    public static SendRequest? TryCreate(SmtpTestMessageOptions options, List<SmtpSendInputError> errors)
    {
        var culture = options.Culture ?? CultureInfo.CurrentUICulture;
        if (!SmtpTarget.TryParse(options.Server, out var target, out var targetError))
        {
            errors.Add(new SmtpSendInputError("Server", options.Server, LocalizedText.Format("Send.Error.InvalidServer", culture, options.Server, targetError)));
        }

        if (options.Port is { } p && (p < 1 || p > 65535))
        {
            errors.Add(new SmtpSendInputError("Port", p.ToString(CultureInfo.InvariantCulture), LocalizedText.Format("Send.Error.InvalidPort", culture, p)));
        }

        string? serverName = null;
        if (!string.IsNullOrWhiteSpace(options.ServerName))
        {
            if (SmtpTarget.TryParse(options.ServerName, out var name, out _) && name!.Port is null)
            {
                serverName = name.Host;
            }
            else
            {
                errors.Add(new SmtpSendInputError("ServerName", options.ServerName, LocalizedText.Format("Send.Error.InvalidServerName", culture, options.ServerName)));
            }
        }
        else if (target is not null && !target.IsIPAddress)
        {
            serverName = target.Host;
        }

        var from = ParseMailbox("From", options.From, culture, errors);
        var to = new List<MailboxAddress>();
        foreach (var recipient in options.To)
        {
            if (ParseMailbox("To", recipient, culture, errors) is { } mailbox)
            {
                to.Add(mailbox);
            }
        }

        if (options.To.Count == 0)
        {
            errors.Add(new SmtpSendInputError("To", null, LocalizedText.Get("Send.Error.NoRecipient", culture)));
        }

        var helo = string.IsNullOrWhiteSpace(options.HeloName) ? DefaultHeloName.Get() : options.HeloName!.Trim();
        if (!HeloPattern.IsMatch(helo) || helo.Length > 255)
        {
            errors.Add(new SmtpSendInputError("HeloName", options.HeloName, LocalizedText.Format("Send.Error.InvalidHeloName", culture, options.HeloName)));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add(new SmtpSendInputError("TimeoutSeconds", options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), LocalizedText.Format("Send.Error.InvalidTimeout", culture, options.Timeout.TotalSeconds)));
        }

        if (options.OAuthCredential is not null && options.Credential is not null)
        {
            errors.Add(new SmtpSendInputError("AccessToken", null, LocalizedText.Get("Send.Error.AccessTokenWithCredential", culture)));
        }

        if (errors.Count > 0 || target is null || from is null)
        {
            return null;
        }

        var port = SendPolicy.ChoosePort(target.Port, options.Port, options.TlsMode);
        return new SendRequest(options, target, port, serverName, from, to, helo);
    }

    /// <summary>Parses one address the way the cmdlet promises: exactly one mailbox with a local part and a domain.</summary>
    internal static MailboxAddress? ParseMailbox(string parameter, string? text, CultureInfo culture, List<SmtpSendInputError> errors)
    {
        var trimmed = text?.Trim() ?? string.Empty;

        // CR or LF could smuggle commands into the envelope; MimeKit would parse around them.
        if (trimmed.Length > 0 && trimmed.IndexOfAny(new[] { '\r', '\n', '\0' }) < 0
            && MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            && mailbox.Route.Count == 0
            && !string.IsNullOrEmpty(mailbox.LocalPart)
            && !string.IsNullOrEmpty(mailbox.Domain)
            && !mailbox.Domain.EndsWith(".", StringComparison.Ordinal))
        {
            return mailbox;
        }

        errors.Add(new SmtpSendInputError(parameter, text, LocalizedText.Format("Send.Error.InvalidAddress", culture, parameter, text)));
        return null;
    }
}
