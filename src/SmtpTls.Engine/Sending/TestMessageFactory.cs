using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using SmtpTls.Localization;

namespace SmtpTls.Sending;

/// <summary>
/// Builds the test message. Its defaults make it easy to find in the target mailbox and to match
/// with the result: a short random test ID in the subject, the body, an <c>X-SmtpTls-Test-Id</c>
/// header and the Message-ID, plus the sending host, the time and the TLS parameters in the body.
/// </summary>
internal static class TestMessageFactory
{
    /// <summary>The header that carries the test ID, for mail filters and searches.</summary>
    public const string TestIdHeader = "X-SmtpTls-Test-Id";

    /// <summary>A fresh 12-hex-digit test ID (48 random bits: unique enough for any mailbox).</summary>
    public static string NewTestId()
    {
        var bytes = new byte[6];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>The name of this machine as the body and subject show it.</summary>
    public static string SendingHost()
    {
        try
        {
            return Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    /// <summary>The Message-ID for <paramref name="testId"/>, in the sender's domain so that it is unique and traceable.</summary>
    public static string MessageId(string testId, MailboxAddress from)
    {
        var domain = from.Domain;

        // A Message-ID must be ASCII; an internationalized or literal domain gets a neutral one.
        if (string.IsNullOrEmpty(domain) || domain.Any(c => c > 127 || c == '[' || c == ']'))
        {
            domain = "smtptls.invalid";
        }

        return "smtptls." + testId + "@" + domain;
    }

    /// <summary>The subject: the given one on a single line, else the default with test ID and host.</summary>
    public static string Subject(string? subject, string testId, string host, CultureInfo culture)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return LocalizedText.Format("Send.Message.Subject", culture, testId, host);
        }

        // A line break in a header value would end the header; keep what the user wrote on one line.
        return subject!.Replace("\r\n", " ").Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>The default body: what an administrator needs to match the message with the test.</summary>
    public static string DefaultBody(string testId, string host, DateTimeOffset sentAt, string server, string tls, CultureInfo culture)
    {
        var body = new StringBuilder();
        body.Append(LocalizedText.Get("Send.Message.Intro", culture)).Append("\r\n\r\n");
        body.Append(LocalizedText.Format("Send.Message.TestId", culture, testId)).Append("\r\n");
        body.Append(LocalizedText.Format("Send.Message.SentFrom", culture, host)).Append("\r\n");
        body.Append(LocalizedText.Format("Send.Message.SentAt", culture, sentAt.UtcDateTime)).Append("\r\n");
        body.Append(LocalizedText.Format("Send.Message.Server", culture, server)).Append("\r\n");
        body.Append(LocalizedText.Format("Send.Message.Tls", culture, tls)).Append("\r\n");
        return body.ToString();
    }

    /// <summary>Builds the message.</summary>
    public static MimeMessage Create(MailboxAddress from, System.Collections.Generic.IEnumerable<MailboxAddress> to, string messageId, string testId, string subject, string body, DateTimeOffset date)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(from.Name, from.Address));
        message.To.AddRange(to.Select(t => (InternetAddress)new MailboxAddress(t.Name, t.Address)));
        message.Subject = subject;
        message.MessageId = messageId;
        message.Date = date;
        message.Headers.Add(TestIdHeader, testId);
        message.Headers.Add(HeaderId.XMailer, "SmtpTls Send-SmtpTestMessage");
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
