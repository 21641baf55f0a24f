using System;
using System.Collections.Generic;

namespace SmtpTls.Domains;

/// <summary>Everything one <see cref="SmtpTlsDomainCheck"/> found for a mail domain.</summary>
public sealed class SmtpTlsDomainCheckResult
{
    internal SmtpTlsDomainCheckResult(string domain, IReadOnlyList<SmtpTlsResult> results, SmtpDomainPolicyResult? policy, Exception? policyError)
    {
        Domain = domain;
        Results = results;
        Policy = policy;
        PolicyError = policyError;
    }

    /// <summary>The domain as it was asked for.</summary>
    public string Domain { get; }

    /// <summary>
    /// One result per MX address in the order a sender tries them, plus one per MX host without an address,
    /// or a single result for the domain when DNS left nothing to check. With a policy check each carries
    /// <see cref="Policy"/> as <see cref="SmtpTlsResult.Policy"/>.
    /// </summary>
    public IReadOnlyList<SmtpTlsResult> Results { get; }

    /// <summary>The domain's MTA-STS, DANE and TLS-RPT verdict; null without a policy check or when it failed (<see cref="PolicyError"/>).</summary>
    public SmtpDomainPolicyResult? Policy { get; }

    /// <summary>Why the policy check failed as a whole (the TLS results stay valid); null when it ran or was not asked for.</summary>
    public Exception? PolicyError { get; }
}
