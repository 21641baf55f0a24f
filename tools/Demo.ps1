<#
.SYNOPSIS
    The main job of SmtpTls on an embedded default: why does this server defer my mail with 454?
.DESCRIPTION
    Starts a small SMTP server on a free loopback port inside this process. It advertises
    STARTTLS but answers it with "454 4.7.0 TLS not available due to local problem", which is
    what Postfix says when its certificate and key do not match. Then the built module checks
    it with Test-SmtpTls and explains the failure with Resolve-SmtpError. Needs no root, no
    Postfix and no network beyond 127.0.0.1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'

# A scripted server, not a mock of the cmdlets: the module talks real SMTP to it over TCP.
Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

public sealed class DemoSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

    public int Port { get; private set; }

    public void Start()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch { return; }
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            async Task Send(string reply)
            {
                var bytes = Encoding.ASCII.GetBytes(reply + "\r\n");
                await stream.WriteAsync(bytes, 0, bytes.Length, timeout.Token);
            }
            try
            {
                await Send("220 mx.demo.smtptls.test ESMTP (SmtpTls demo server)");
                while (true)
                {
                    var line = await reader.ReadLineAsync(timeout.Token);
                    if (line == null) return;
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await Send("250-mx.demo.smtptls.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME");
                            break;
                        case "HELO": await Send("250 mx.demo.smtptls.test"); break;
                        case "STARTTLS": await Send("454 4.7.0 TLS not available due to local problem"); break;
                        case "MAIL": await Send("530 5.7.0 Must issue a STARTTLS command first"); break;
                        case "RSET": case "NOOP": await Send("250 2.0.0 Ok"); break;
                        case "QUIT": await Send("221 2.0.0 Bye"); return;
                        default: await Send("502 5.5.2 Error: command not recognized"); break;
                    }
                }
            }
            catch (Exception) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
'@

function Write-Step([string] $Text) {
    Write-Host ''
    Write-Host "== $Text" -ForegroundColor Cyan
}

function Show-Resolution($Resolution, [string] $CausesTitle, [string] $StepsTitle) {
    <# Causes and steps are long sentences; a bulleted list reads better than a wrapped table. #>
    Write-Host "${CausesTitle}:"
    foreach ($cause in $Resolution.Causes) { Write-Host "  - $cause" }
    Write-Host ''
    Write-Host "${StepsTitle}:"
    foreach ($step in $Resolution.Remediation) {
        Write-Host ("  [{0}] {1}" -f $step.Audience, $step.Action)
        if ($step.Command) { Write-Host "      > $($step.Command)" }
    }
}

$server = [DemoSmtpServer]::new()
$server.Start()
try {
    Import-Module $ModulePath -Force
    $target = "127.0.0.1:$($server.Port)"
    Write-Host "SmtpTls demo: a mail server on $target advertises STARTTLS but cannot start TLS,"
    Write-Host "like Postfix with a certificate that does not match its key."

    if (Get-Command Test-SmtpTls -Module SmtpTls -ErrorAction SilentlyContinue) {
        Write-Step "Test-SmtpTls -Server $target -ServerName mx.demo.smtptls.test"
        $result = Test-SmtpTls -Server $target -ServerName mx.demo.smtptls.test
        $result | Format-List Server, Port, Status, Banner, StartTlsOffered, StartTlsReply, TlsEstablished, Findings | Out-Host

        Write-Step 'Test-SmtpTls ... | Resolve-SmtpError'
        $resolution = $result | Resolve-SmtpError
    }
    else {
        # Until Test-SmtpTls exists, show the real dialogue and resolve the real reply.
        Write-Step "SMTP dialogue with $target"
        $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $server.Port)
        try {
            $reader = [IO.StreamReader]::new($client.GetStream())
            $writer = [IO.StreamWriter]::new($client.GetStream()); $writer.NewLine = "`r`n"; $writer.AutoFlush = $true
            Write-Host "S: $($reader.ReadLine())"
            $writer.WriteLine('EHLO demo.client'); Write-Host 'C: EHLO demo.client'
            do { $line = $reader.ReadLine(); Write-Host "S: $line" } while ($line -match '^\d{3}-')
            $writer.WriteLine('STARTTLS'); Write-Host 'C: STARTTLS'
            $startTlsReply = $reader.ReadLine(); Write-Host "S: $startTlsReply"
            $writer.WriteLine('QUIT')
        }
        finally { $client.Dispose() }
        Write-Step "'$startTlsReply' | Resolve-SmtpError"
        $resolution = $startTlsReply | Resolve-SmtpError
    }

    $resolution | Format-List ReplyCode, EnhancedStatusCode, IsTransient, Category, ServerSoftware, Warnings | Out-Host
    Show-Resolution -Resolution $resolution -CausesTitle 'Likely causes, most likely first' -StepsTitle 'What to do, by audience'

    Write-Step 'Dieselbe Auswertung auf Deutsch: $resolution.Input | Resolve-SmtpError -Culture de-DE'
    $german = $resolution.Input | Resolve-SmtpError -Culture de-DE
    $german | Format-List Category, IsTransient | Out-Host
    Show-Resolution -Resolution $german -CausesTitle 'Wahrscheinliche Ursachen' -StepsTitle 'Was zu tun ist'
}
finally {
    $server.Dispose()
}
