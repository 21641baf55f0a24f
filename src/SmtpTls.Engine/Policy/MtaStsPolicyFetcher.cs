using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Localization;

namespace SmtpTls.Policy;

/// <summary>
/// Fetches <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c> the way RFC 8461 section 3.3
/// asks a sender to: the host's certificate must be valid for <c>mta-sts.&lt;domain&gt;</c> and
/// chain to a trusted root, redirects are not followed, and only a 200 answer with a
/// <c>text/plain</c> body counts. The body is read up to 64 KiB and the whole fetch is bounded by a timeout.
/// </summary>
/// <remarks>
/// The host is resolved through the check's own <see cref="Dns.SmtpDnsResolver"/> and connected to
/// by address, with the host name as SNI and in the Host header, so that the explicit DNS server is
/// the only one asked. The request is a minimal HTTP/1.1 GET written by hand (see
/// <see cref="HttpResponseReader"/>) so that netstandard2.0 and net8.0 behave identically.
/// </remarks>
internal static class MtaStsPolicyFetcher
{
    /// <summary>The most policy bytes read: policies are a few lines; RFC 8461 section 3.3 lets senders bound the size.</summary>
    public const int MaxPolicyBytes = 64 * 1024;

    /// <summary>The most response-header bytes read.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    /// <summary>The well-known path of the policy (RFC 8461 section 3.2).</summary>
    public const string PolicyPath = "/.well-known/mta-sts.txt";

    private static readonly string UserAgent = "SmtpTls/" + (typeof(MtaStsPolicyFetcher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    /// <summary>Fetches the policy of <paramref name="domain"/> (ASCII form).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the timeout is reported, not thrown).</exception>
    public static async Task<MtaStsFetch> FetchAsync(string domain, DomainPolicyOptions options, DateTimeOffset now, CultureInfo culture, CancellationToken cancellationToken)
    {
        var host = "mta-sts." + domain;
        var port = options.HttpsPort;
        var authority = port == DomainPolicyOptions.DefaultHttpsPort ? host : host + ":" + port.ToString(CultureInfo.InvariantCulture);
        var fetch = new MtaStsFetch(host, "https://" + authority + PolicyPath);

        var resolved = await options.Resolver.ResolveHostAsync(host, AddressFamilyPreference.Any, cancellationToken).ConfigureAwait(false);
        if (resolved.Status != SmtpDnsStatus.Ok)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.DnsFailed", culture, host, resolved.Error ?? resolved.Status.ToString());
            return fetch;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await FetchFromAsync(fetch, resolved.Addresses, port, authority, options, now, culture, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            // The timeout disposes the socket on targets without cancellable I/O: any of these can be its echo.
            fetch.Error = LocalizedText.Format("Policy.Fetch.Timeout", culture, fetch.Url, options.Timeout.TotalSeconds);
        }

        return fetch;
    }

    private static async Task FetchFromAsync(
        MtaStsFetch fetch,
        IReadOnlyList<string> addresses,
        int port,
        string authority,
        DomainPolicyOptions options,
        DateTimeOffset now,
        CultureInfo culture,
        CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(fetch, addresses, port, culture, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }

        // Disposing the socket is what interrupts I/O that ignores the token (netstandard2.0 SslStream).
        using var abort = cancellationToken.Register(socket.Dispose);
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var tls = new SslStream(network, leaveInnerStreamOpen: false, (_, certificate, chain, _) =>
        {
            try
            {
                fetch.Certificate = Analyze(certificate, chain, fetch.PolicyHost, options.TrustAnchors, now, culture);
            }
            catch (CryptographicException)
            {
                // A certificate that cannot even be read is refused; the handshake error says so.
                return false;
            }

            return fetch.Certificate?.IsValid == true;
        });

        try
        {
#if NET8_0_OR_GREATER
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = fetch.PolicyHost,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
                cancellationToken).ConfigureAwait(false);
#else
            await tls.AuthenticateAsClientAsync(fetch.PolicyHost, null, SslProtocols.None, checkCertificateRevocation: false).ConfigureAwait(false);
#endif
        }
        catch (AuthenticationException ex)
        {
            fetch.Error = fetch.Certificate is { IsValid: false } certificate
                ? LocalizedText.Format("Policy.Fetch.CertificateInvalid", culture, fetch.PolicyHost, CertificateProblem(certificate, culture))
                : LocalizedText.Format("Policy.Fetch.TlsFailed", culture, fetch.PolicyHost, Innermost(ex).Message);
            return;
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.TlsFailed", culture, fetch.PolicyHost, Innermost(ex).Message);
            return;
        }

        var request = "GET " + PolicyPath + " HTTP/1.1\r\n"
            + "Host: " + authority + "\r\n"
            + "User-Agent: " + UserAgent + "\r\n"
            + "Accept: text/plain\r\n"
            + "Connection: close\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(request);
        HttpResponse response;
        try
        {
            await tls.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            await tls.FlushAsync(cancellationToken).ConfigureAwait(false);

            // Only a 200 answer's body is read; for anything else the status and headers say all.
            response = await ReadResponseAsync(tls, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.BadResponse", culture, fetch.PolicyHost, ex.Message);
            return;
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Connection reset or closed mid-response: as much a broken answer as garbage is.
            fetch.Error = LocalizedText.Format("Policy.Fetch.BadResponse", culture, fetch.PolicyHost, Innermost(ex).Message);
            return;
        }

        Interpret(fetch, response, culture);
    }

    private static async Task<HttpResponse> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new HttpResponseReader(stream);
        var response = await reader.ReadHeadAsync(MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 200)
        {
            await reader.ReadBodyAsync(response, MaxPolicyBytes, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static void Interpret(MtaStsFetch fetch, HttpResponse response, CultureInfo culture)
    {
        fetch.HttpStatus = response.StatusCode;
        fetch.ContentType = response.Header("Content-Type");
        fetch.BodyBytesRead = response.BodyBytesRead;
        if (response.IsRedirect)
        {
            fetch.RedirectLocation = response.Header("Location");
            fetch.Error = LocalizedText.Format("Policy.Fetch.Redirect", culture, response.StatusCode, fetch.RedirectLocation ?? "-");
            return;
        }

        if (response.StatusCode != 200)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.HttpStatus", culture, response.StatusCode, response.ReasonPhrase);
            return;
        }

        // RFC 8461 section 3.2: the media type is text/plain; parameters other than charset are ignored.
        var mediaType = fetch.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.ContentType", culture, string.IsNullOrEmpty(fetch.ContentType) ? "-" : fetch.ContentType);
            return;
        }

        if (response.BodyTooLarge)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.TooLarge", culture, MaxPolicyBytes, response.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "> " + MaxPolicyBytes.ToString(CultureInfo.InvariantCulture));
            return;
        }

        if (response.BodyIncomplete || response.Body is null)
        {
            fetch.Error = LocalizedText.Format("Policy.Fetch.Incomplete", culture, response.BodyBytesRead, response.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "?");
            return;
        }

        fetch.Body = response.Body;
    }

    /// <summary>Connects to the first address that answers; null (with the error set) when none does.</summary>
    private static async Task<Socket?> ConnectAsync(MtaStsFetch fetch, IReadOnlyList<string> addresses, int port, CultureInfo culture, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var text in addresses)
        {
            var address = IPAddress.Parse(text);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
#if NET8_0_OR_GREATER
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
#else
                using (cancellationToken.Register(socket.Dispose))
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port)).ConfigureAwait(false);
                }
#endif
                fetch.Address = text;
                return socket;
            }
            catch (SocketException ex) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                failures.Add(text + ": " + ex.Message);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        fetch.Error = LocalizedText.Format("Policy.Fetch.ConnectFailed", culture, fetch.PolicyHost, port, string.Join("; ", failures));
        return null;
    }

    private static SmtpCertificateInfo? Analyze(X509Certificate? certificate, X509Chain? chain, string host, TrustAnchors anchors, DateTimeOffset now, CultureInfo culture)
    {
        if (certificate is null)
        {
            return null;
        }

        // Copy what the server sent: the handshake's objects are disposed with the stream.
        var presented = new List<X509Certificate2> { new(certificate.GetRawCertData()) };
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                if (!presented.Any(p => p.RawData.SequenceEqual(extra.RawData)))
                {
                    presented.Add(new X509Certificate2(extra.RawData));
                }
            }
        }

        var info = CertificateAnalyzer.Analyze(presented, host, anchors, now, culture: culture);
        info.Server = host;
        return info;
    }

    private static string CertificateProblem(SmtpCertificateInfo certificate, CultureInfo culture)
    {
        var problems = new List<string>();
        if (certificate.HostnameMatch == false)
        {
            var names = certificate.DnsNames.Length > 0 ? string.Join(", ", certificate.DnsNames) : certificate.CommonName ?? "-";
            problems.Add(LocalizedText.Format("Policy.Fetch.CertificateName", culture, certificate.ServerName, names));
        }

        problems.AddRange(certificate.ChainStatus);

        // The chain texts end with a full stop; the sentence around them adds its own.
        return string.Join("; ", problems).TrimEnd('.', ' ');
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
