using System;

namespace SmtpTls.Commands;

/// <summary>
/// Get-SmtpCertificate saw no certificate from a server: the connection, STARTTLS or the handshake
/// failed first (454, no STARTTLS, wrong port type, timeout). Carries the probe's full result, and
/// the reply knowledge's explanation in <c>Data["SmtpTls.Resolution"]</c> for Resolve-SmtpError.
/// </summary>
public sealed class SmtpCertificateUnavailableException : Exception
{
    /// <summary>The key under which <see cref="Exception.Data"/> holds the <see cref="SmtpErrorResolution"/>.</summary>
    public const string ResolutionKey = "SmtpTls.Resolution";

    /// <summary>Creates the exception for <paramref name="result"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public SmtpCertificateUnavailableException(string message, SmtpTlsResult result)
        : base(message)
    {
        Result = result ?? throw new ArgumentNullException(nameof(result));
        if (result.Resolution is not null)
        {
            try
            {
                Data[ResolutionKey] = result.Resolution;
            }
            catch (ArgumentException)
            {
                // .NET Framework accepts only [Serializable] values in Exception.Data; Result.Resolution
                // still carries the explanation.
            }
        }
    }

    /// <summary>What the probe saw: findings, the server's replies, the transcript.</summary>
    public SmtpTlsResult Result { get; }
}
