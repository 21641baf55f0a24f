using System;
using System.IO;
using Org.BouncyCastle.Ocsp;

namespace SmtpTls.Probing.Deep;

/// <summary>Reads the status and age of a stapled OCSP response (RFC 6960) with BouncyCastle, which the engine carries through MimeKit.</summary>
internal static class OcspStapleReader
{
    private static readonly string[] ResponderErrors = { "Successful", "MalformedRequest", "InternalError", "TryLater", "Reserved", "SigRequired", "Unauthorized" };

    /// <summary>Reads a stapled OCSP response (RFC 6960): its status, the certificate status and the validity window at <paramref name="now"/>.</summary>
    public static SmtpTlsOcspStaple Read(byte[] der, DateTime now)
    {
        try
        {
            var response = new OcspResp(der);
            if (response.Status != OcspRespStatus.Successful)
            {
                var status = response.Status >= 0 && response.Status < ResponderErrors.Length ? ResponderErrors[response.Status] : "Error" + response.Status;
                return new SmtpTlsOcspStaple(status, null, null, null);
            }

            if (response.GetResponseObject() is not BasicOcspResp basic || basic.Responses.Length == 0)
            {
                return new SmtpTlsOcspStaple("Unreadable", null, null, null);
            }

            var single = basic.Responses[0];
            var certStatus = single.GetCertStatus();
            var name = certStatus is null ? "Good" : certStatus is RevokedStatus ? "Revoked" : "Unknown";
            var thisUpdate = DateTime.SpecifyKind(single.ThisUpdate, DateTimeKind.Utc);
            DateTime? nextUpdate = single.NextUpdate is { } next ? DateTime.SpecifyKind(next, DateTimeKind.Utc) : null;
            return new SmtpTlsOcspStaple(name, thisUpdate, nextUpdate, Math.Round((now - thisUpdate).TotalHours, 1));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or OcspException or FormatException)
        {
            return new SmtpTlsOcspStaple("Unreadable", null, null, null);
        }
    }
}
