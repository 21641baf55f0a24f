using System;
using System.Management.Automation;
using SmtpTls.Dns;

namespace SmtpTls.Commands;

/// <summary>Checks that a -DnsServer argument is <c>ip[:port]</c> before anything runs, with the parser's own explanation.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateDnsServerAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = arguments is PSObject wrapped ? wrapped.BaseObject as string : arguments as string;
        if (!DnsServerEndpoint.TryParse(text, out _, out var error))
        {
            throw new ValidationMetadataException(error);
        }
    }
}
