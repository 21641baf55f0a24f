using System;

namespace SmtpTls;

/// <summary>The OCSP response a server stapled to its certificate (TLS 1.2 status_request).</summary>
public sealed class SmtpTlsOcspStaple
{
    /// <summary>Creates an entry.</summary>
    public SmtpTlsOcspStaple(string status, DateTime? thisUpdate, DateTime? nextUpdate, double? ageHours)
    {
        Status = status;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        AgeHours = ageHours;
    }

    /// <summary>Good, Revoked, Unknown, or the responder's error (MalformedRequest, InternalError, TryLater, Unauthorized, ...), or Unreadable.</summary>
    public string Status { get; }

    /// <summary>When the responder vouched for the status.</summary>
    public DateTime? ThisUpdate { get; }

    /// <summary>When the response stops being valid.</summary>
    public DateTime? NextUpdate { get; }

    /// <summary>Hours since <see cref="ThisUpdate"/> at the time of the check.</summary>
    public double? AgeHours { get; }

    /// <inheritdoc />
    public override string ToString() => Status + (AgeHours is { } age ? " (" + Math.Round(age, 1) + " h old)" : string.Empty);
}
