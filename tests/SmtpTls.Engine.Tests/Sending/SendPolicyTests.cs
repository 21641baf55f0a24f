using System;
using MailKit.Security;
using SmtpTls.Sending;
using Xunit;

namespace SmtpTls.Tests.Sending;

[Trait("Against", "Unit")]
public class SendPolicyTests
{
    [Theory]
    [InlineData(SmtpSendTlsMode.Auto, 25, SmtpSendTlsMode.StartTls)]
    [InlineData(SmtpSendTlsMode.Auto, 587, SmtpSendTlsMode.StartTls)]
    [InlineData(SmtpSendTlsMode.Auto, 465, SmtpSendTlsMode.Implicit)]
    [InlineData(SmtpSendTlsMode.StartTls, 465, SmtpSendTlsMode.StartTls)]
    [InlineData(SmtpSendTlsMode.Implicit, 25, SmtpSendTlsMode.Implicit)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 465, SmtpSendTlsMode.Opportunistic)]
    [InlineData(SmtpSendTlsMode.None, 465, SmtpSendTlsMode.None)]
    public void Effective_ResolvesAutoByPort(SmtpSendTlsMode mode, int port, SmtpSendTlsMode expected)
    {
        Assert.Equal(expected, SendPolicy.Effective(mode, port));
    }

    [Theory]
    [InlineData(SmtpSendTlsMode.Auto, 25, SecureSocketOptions.StartTls)]
    [InlineData(SmtpSendTlsMode.Auto, 465, SecureSocketOptions.SslOnConnect)]
    [InlineData(SmtpSendTlsMode.StartTls, 587, SecureSocketOptions.StartTls)]
    [InlineData(SmtpSendTlsMode.Implicit, 465, SecureSocketOptions.SslOnConnect)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData(SmtpSendTlsMode.None, 25, SecureSocketOptions.None)]
    public void SocketOptions_NeverLetsARequiredModeFallBack(SmtpSendTlsMode mode, int port, SecureSocketOptions expected)
    {
        Assert.Equal(expected, SendPolicy.SocketOptions(mode, port));
    }

    [Theory]
    [InlineData(null, null, SmtpSendTlsMode.Auto, 25)]
    [InlineData(null, null, SmtpSendTlsMode.Implicit, 465)]
    [InlineData(null, 587, SmtpSendTlsMode.Auto, 587)]
    [InlineData(2525, 587, SmtpSendTlsMode.Implicit, 2525)]
    public void ChoosePort_PortInServerWins_ThenPortParameter_ThenTheModesDefault(int? inServer, int? parameter, SmtpSendTlsMode mode, int expected)
    {
        Assert.Equal(expected, SendPolicy.ChoosePort(inServer, parameter, mode));
    }

    [Fact]
    public void ChoosePort_RejectsPortsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SendPolicy.ChoosePort(null, 70000, SmtpSendTlsMode.Auto));
    }

    // mode, port, what the server did, is the plaintext retry -> action, error id, warning key
    [Theory]
    [InlineData(SmtpSendTlsMode.Auto, 25, TlsOutcome.Established, false, SendAction.Proceed, null, null)]
    [InlineData(SmtpSendTlsMode.Auto, 25, TlsOutcome.NotOffered, false, SendAction.Refuse, SmtpSendErrorId.TlsNotOffered, null)]
    [InlineData(SmtpSendTlsMode.Auto, 25, TlsOutcome.Refused, false, SendAction.Refuse, SmtpSendErrorId.TlsNotAvailable, null)]
    [InlineData(SmtpSendTlsMode.Auto, 25, TlsOutcome.HandshakeFailed, false, SendAction.Refuse, SmtpSendErrorId.TlsHandshakeFailed, null)]
    [InlineData(SmtpSendTlsMode.Auto, 25, TlsOutcome.NotAttempted, false, SendAction.Refuse, SmtpSendErrorId.TlsNotEstablished, null)]
    [InlineData(SmtpSendTlsMode.Auto, 465, TlsOutcome.Established, false, SendAction.Proceed, null, null)]
    [InlineData(SmtpSendTlsMode.StartTls, 587, TlsOutcome.NotOffered, false, SendAction.Refuse, SmtpSendErrorId.TlsNotOffered, null)]
    [InlineData(SmtpSendTlsMode.StartTls, 587, TlsOutcome.Refused, false, SendAction.Refuse, SmtpSendErrorId.TlsNotAvailable, null)]
    [InlineData(SmtpSendTlsMode.Implicit, 465, TlsOutcome.HandshakeFailed, false, SendAction.Refuse, SmtpSendErrorId.TlsHandshakeFailed, null)]
    [InlineData(SmtpSendTlsMode.Implicit, 465, TlsOutcome.NotAttempted, false, SendAction.Refuse, SmtpSendErrorId.TlsNotEstablished, null)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.Established, false, SendAction.Proceed, null, null)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.NotOffered, false, SendAction.ProceedWithWarning, null, "Send.Warning.PlaintextNotOffered")]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.Refused, false, SendAction.RetryWithoutTls, null, "Send.Warning.PlaintextRefused")]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.NotAttempted, true, SendAction.ProceedWithWarning, null, null)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.Refused, true, SendAction.Refuse, SmtpSendErrorId.TlsNotEstablished, null)]
    [InlineData(SmtpSendTlsMode.Opportunistic, 25, TlsOutcome.HandshakeFailed, false, SendAction.Refuse, SmtpSendErrorId.TlsHandshakeFailed, null)]
    [InlineData(SmtpSendTlsMode.None, 25, TlsOutcome.NotAttempted, false, SendAction.ProceedWithWarning, null, "Send.Warning.PlaintextNone")]
    [InlineData(SmtpSendTlsMode.None, 465, TlsOutcome.NotAttempted, false, SendAction.ProceedWithWarning, null, "Send.Warning.PlaintextNone")]
    public void DecideTls_RequiredModesNeverFallBack(SmtpSendTlsMode mode, int port, TlsOutcome outcome, bool isRetry, SendAction action, SmtpSendErrorId? errorId, string? warningKey)
    {
        var decision = SendPolicy.DecideTls(mode, port, outcome, isRetry);
        Assert.Equal(action, decision.Action);
        Assert.Equal(errorId, decision.ErrorId);
        Assert.Equal(warningKey, decision.WarningKey);
    }

    [Fact]
    public void DecideTls_NoRequiredModeEverProceedsWithoutTls()
    {
        foreach (var mode in new[] { SmtpSendTlsMode.Auto, SmtpSendTlsMode.StartTls, SmtpSendTlsMode.Implicit })
        {
            foreach (var port in new[] { 25, 465, 587 })
            {
                foreach (TlsOutcome outcome in Enum.GetValues(typeof(TlsOutcome)))
                {
                    foreach (var retry in new[] { false, true })
                    {
                        var decision = SendPolicy.DecideTls(mode, port, outcome, retry);
                        Assert.True(outcome == TlsOutcome.Established || decision.Action == SendAction.Refuse, $"{mode} {port} {outcome} retry={retry}: {decision}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false, false, SendAction.Proceed, null)]
    [InlineData(false, false, true, SendAction.Proceed, null)]
    [InlineData(true, true, false, SendAction.Proceed, null)]
    [InlineData(true, false, false, SendAction.Refuse, SmtpSendErrorId.InsecureAuthenticationRefused)]
    [InlineData(true, false, true, SendAction.ProceedWithWarning, null)]
    public void DecideAuthentication_NeverSendsCredentialsInPlaintextUnlessAllowed(bool credential, bool tls, bool allowInsecure, SendAction action, SmtpSendErrorId? errorId)
    {
        var decision = SendPolicy.DecideAuthentication(credential, tls, allowInsecure);
        Assert.Equal(action, decision.Action);
        Assert.Equal(errorId, decision.ErrorId);
        if (action == SendAction.ProceedWithWarning)
        {
            Assert.Equal("Send.Warning.InsecureAuthentication", decision.WarningKey);
        }
    }

    public static TheoryData<string, SmtpCertificateInfo?, SmtpSendErrorId?> Certificates() => new()
    {
        { "valid", Certificate(), null },
        { "no name checked", Certificate(nameMatches: null), null },
        { "none presented", null, SmtpSendErrorId.CertificateUntrusted },
        { "expired", Certificate(expired: true, chainValid: false), SmtpSendErrorId.CertificateExpired },
        { "not yet valid", Certificate(notYetValid: true, chainValid: false), SmtpSendErrorId.CertificateExpired },
        { "untrusted", Certificate(chainValid: false), SmtpSendErrorId.CertificateUntrusted },
        { "wrong name", Certificate(nameMatches: false), SmtpSendErrorId.CertificateNameMismatch },
        { "expired and wrong name", Certificate(expired: true, chainValid: false, nameMatches: false), SmtpSendErrorId.CertificateExpired },
    };

    [Theory]
    [MemberData(nameof(Certificates))]
    public void DecideCertificate_RefusesEveryProblem_UnlessSkipped(string description, SmtpCertificateInfo? certificate, SmtpSendErrorId? problem)
    {
        var strict = SendPolicy.DecideCertificate(certificate, skipValidation: false);
        var skipped = SendPolicy.DecideCertificate(certificate, skipValidation: true);

        Assert.Equal(problem, SendPolicy.CertificateProblem(certificate));
        Assert.Equal(problem is null ? SendAction.Proceed : SendAction.Refuse, strict.Action);
        Assert.Equal(problem, strict.ErrorId);

        // Skipping always warns, and says whether the certificate was actually bad.
        Assert.Equal(SendAction.ProceedWithWarning, skipped.Action);
        Assert.Equal(problem is null ? "Send.Warning.CertificateSkippedValid" : "Send.Warning.CertificateSkippedInvalid", skipped.WarningKey);
        Assert.False(string.IsNullOrEmpty(description));
    }

    private static SmtpCertificateInfo Certificate(bool expired = false, bool notYetValid = false, bool chainValid = true, bool? nameMatches = true) => new()
    {
        Subject = "CN=mx.example.org",
        IsExpired = expired,
        IsNotYetValid = notYetValid,
        ChainValid = chainValid,
        HostnameMatch = nameMatches,
        IsValid = chainValid && nameMatches != false,
    };
}
