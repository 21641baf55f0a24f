using Xunit;

namespace SmtpTls.Tests.Dns;

/// <summary>A fact that needs dnsmasq; reported as skipped, with the reason, where it is not installed.</summary>
public sealed class DnsmasqFactAttribute : FactAttribute
{
    public DnsmasqFactAttribute()
    {
        if (DnsmasqServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
