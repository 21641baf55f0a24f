using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Dns;

namespace SmtpTls.Commands;

/// <summary>
/// What the cmdlets that check endpoints (Test-SmtpTls, Get-SmtpCertificate) add to the connection parameters: many
/// servers from the pipeline (-Server), the probe's -TlsMode, name resolution (-DnsServer, -AddressFamily) and how
/// many servers are checked at once (-ThrottleLimit).
/// </summary>
public abstract class SmtpEndpointCommandBase : SmtpConnectionCommandBase
{
    /// <summary>Bound on every network step of one check unless -TimeoutSeconds says otherwise.</summary>
    private const int DefaultTimeoutSeconds = 10;

    private Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>? _hostResolver;

    /// <summary>Gives the endpoint checks their default timeout.</summary>
    private protected SmtpEndpointCommandBase()
        : base(DefaultTimeoutSeconds)
    {
    }

    /// <summary>Host names, IPv4/IPv6 literals, <c>host:port</c> or <c>[IPv6]:port</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] Server { get; set; } = Array.Empty<string>();

    /// <summary>Auto (465 implicit TLS, else STARTTLS), StartTls or Implicit.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.Auto;

    /// <summary>The DNS server to ask, as <c>ip[:port]</c>; default: the system's resolvers.</summary>
    [Parameter]
    [ValidateDnsServer]
    public string? DnsServer { get; set; }

    /// <summary>Which addresses of a host name to check: Any (IPv4 and IPv6, default), IPv4 or IPv6.</summary>
    [Parameter]
    public AddressFamilyPreference AddressFamily { get; set; } = AddressFamilyPreference.Any;

    /// <summary>How many servers are checked at once. Default 32.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>The resolver of -DnsServer (or of the system, when <see cref="NeedsDnsResolver"/> says so); null otherwise.</summary>
    private protected SmtpDnsResolver? DnsResolver { get; private set; }

    /// <summary>Whether the cmdlet needs a DNS resolver even without -DnsServer (a domain's MX records are DNS only).</summary>
    private protected virtual bool NeedsDnsResolver => false;

    /// <inheritdoc />
    private protected override int ConcurrentWork => ThrottleLimit;

    /// <inheritdoc />
    private protected override SmtpOptionsBuilder ReadOptions()
    {
        var options = base.ReadOptions();
        options.TlsMode = TlsMode;
        options.AddressFamily = AddressFamily;
        options.HostResolver = _hostResolver;
        return options;
    }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            if (!string.IsNullOrEmpty(DnsServer))
            {
                DnsResolver = new SmtpDnsResolver(DnsServer);
            }
            else if (NeedsDnsResolver)
            {
                DnsResolver = new SmtpDnsResolver();
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "DnsServerUnavailable", ErrorCategory.InvalidArgument, DnsServer));
        }

        if (!string.IsNullOrEmpty(DnsServer) && DnsResolver is { } resolver)
        {
            // Host names given with -Server resolve through the same server (never the system resolver).
            var family = AddressFamily;
            _hostResolver = async (host, token) =>
            {
                var resolved = await resolver.ResolveHostAsync(host, family, token).ConfigureAwait(false);
                if (resolved.Addresses.Count == 0)
                {
                    throw new InvalidOperationException(resolved.Error ?? host + ": " + resolved.Status);
                }

                return resolved.Addresses.Select(IPAddress.Parse).ToArray();
            };
        }
    }
}
