# The hostile-server cases of HostileServers.Tests.ps1: behaviour name (tests/SmtpTls.HostileServer),
# the id Send-SmtpTestMessage and Test-SmtpTls must end with, and the credentials used where AUTH is the point.
@(
    @{ Name = 'endless-greeting'; Send = 'ReplyTooLong'; Test = 'NotSmtp' }
    @{ Name = 'endless-continuation'; Send = 'TooManyReplyLines'; Test = 'NotSmtp' }
    @{ Name = 'trickle'; Send = 'ReplyTooSlow'; Test = 'Timeout' }
    @{ Name = 'echo-password'; Send = 'AuthenticationFailed'; Test = 'TlsNotOffered'; Password = 'Pa55-w0rd!x'; SendTlsMode = 'None' }
    @{ Name = 'echo-password'; Send = 'AuthenticationFailed'; Test = 'TlsNotOffered'; Password = 'Zq'; SendTlsMode = 'None' }
    @{ Name = 'echo-auth-line'; Send = 'AuthenticationFailed'; Test = 'TlsNotOffered'; Password = 'Pa55-w0rd!x'; SendTlsMode = 'None' }
    @{ Name = 'escape-sequences'; Send = 'TlsNotAvailable'; Test = 'TlsNotAvailable' }
    @{ Name = 'hostile-hostname'; Send = 'TlsNotAvailable'; Test = 'TlsNotAvailable' }
    @{ Name = 'data-after-starttls'; Send = 'TlsHandshakeFailed'; Test = 'DataAfterStartTls' }
)
