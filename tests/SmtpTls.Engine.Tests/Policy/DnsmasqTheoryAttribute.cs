using SmtpTls.Tests.Dns;
using Xunit;

namespace SmtpTls.Tests.Policy;

/// <summary>A theory that needs dnsmasq; reported as skipped, with the reason, where it is not installed.</summary>
public sealed class DnsmasqTheoryAttribute : TheoryAttribute
{
    public DnsmasqTheoryAttribute()
    {
        if (DnsmasqServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
