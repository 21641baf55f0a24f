using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace SmtpTls.Dns;

/// <summary>
/// Sends one query through DnsClient and turns every way it can end, exceptions included, into a
/// <see cref="SmtpDnsQuery"/> plus the answer records. Only cancellation by the caller escapes.
/// </summary>
internal sealed class DnsQueryRunner
{
    private readonly ILookupClient _client;
    private readonly string _serverText;
    private readonly SemaphoreSlim _inFlight;

    /// <summary>A runner over one DnsClient.</summary>
    /// <param name="client">The client, configured for the server(s) to ask.</param>
    /// <param name="serverText">How the queries name the server they went to (for the evidence).</param>
    /// <param name="maxQueriesInFlight">How many queries may be outstanding at once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public DnsQueryRunner(ILookupClient client, string serverText, int maxQueriesInFlight)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _serverText = serverText ?? string.Empty;
        _inFlight = new SemaphoreSlim(maxQueriesInFlight, maxQueriesInFlight);
    }

    /// <summary>The query record and the answer section it came with.</summary>
    internal sealed class Outcome
    {
        /// <summary>Keeps a query and its answers.</summary>
        public Outcome(SmtpDnsQuery query, IReadOnlyList<DnsResourceRecord> answers)
        {
            Query = query;
            Answers = answers;
        }

        /// <summary>The query as the result reports it: name, type, server, outcome, time.</summary>
        public SmtpDnsQuery Query { get; }

        /// <summary>Every answer record, CNAMEs included, in wire order.</summary>
        public IReadOnlyList<DnsResourceRecord> Answers { get; }
    }

    /// <summary>Asks for <paramref name="type"/> records of <paramref name="asciiName"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="asciiName"/> is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Outcome> RunAsync(string asciiName, QueryType type, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(asciiName))
        {
            throw new ArgumentException("A name to query is required.", nameof(asciiName));
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunGatedAsync(asciiName, type, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<Outcome> RunGatedAsync(string asciiName, QueryType type, CancellationToken cancellationToken)
    {
        var typeText = type.ToString();
        var watch = Stopwatch.StartNew();
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(asciiName, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DnsResponseException exception)
        {
            // DnsClient reports the caller's cancellation as a timeout; it must stay a cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            var status = exception.Code == DnsResponseCode.ConnectionTimeout ? SmtpDnsStatus.Timeout : FromResponseCode(exception.Code, 0);
            int? wireCode = (int)exception.Code < 16 ? (int)exception.Code : null;
            var message = status == SmtpDnsStatus.Timeout
                ? $"No answer from {_serverText} within the timeout."
                : exception.DnsError + ": " + exception.Message;
            return Failed(asciiName, typeText, status, wireCode, watch.Elapsed, message);
        }
        catch (OperationCanceledException)
        {
            // DnsClient cancels its own attempts when they time out; the caller did not cancel.
            return Failed(asciiName, typeText, SmtpDnsStatus.Timeout, null, watch.Elapsed, $"No answer from {_serverText} within the timeout.");
        }
        catch (DnsResponseParseException exception)
        {
            return Failed(asciiName, typeText, SmtpDnsStatus.Error, null, watch.Elapsed, $"The answer from {_serverText} could not be read: {exception.Message}");
        }
        catch (DnsXidMismatchException exception)
        {
            // An answer to a different question arrived: spoofing or a confused server, either way unusable.
            return Failed(asciiName, typeText, SmtpDnsStatus.Error, null, watch.Elapsed, $"The answer from {_serverText} did not match the query: {exception.Message}");
        }
        catch (SocketException exception)
        {
            return Failed(asciiName, typeText, SmtpDnsStatus.Error, null, watch.Elapsed, $"Network error talking to {_serverText}: {exception.SocketErrorCode} ({exception.Message})");
        }
        catch (Exception exception) when (exception is InvalidOperationException || exception is ArgumentException || exception is FormatException || exception is IndexOutOfRangeException)
        {
            // DnsClient reports unparsable answers this way; a bad answer is a result, not a crash.
            return Failed(asciiName, typeText, SmtpDnsStatus.Error, null, watch.Elapsed, "The DNS answer could not be read: " + exception.Message);
        }

        watch.Stop();
        var rcode = (int)response.Header.ResponseCode;
        var code = (DnsResponseCode)rcode;
        var answers = response.Answers.ToArray();
        var matching = answers.Count(r => r.RecordType == (ResourceRecordType)(int)type);
        var result = FromResponseCode(code, matching);
        string? error = null;
        if (result != SmtpDnsStatus.Ok && result != SmtpDnsStatus.NoRecords && result != SmtpDnsStatus.NxDomain)
        {
            error = $"{_serverText} answered {ResponseCodeName(code)}" + (string.IsNullOrEmpty(response.ErrorMessage) ? "." : ": " + response.ErrorMessage);
        }

        var query = new SmtpDnsQuery(
            asciiName,
            typeText,
            result,
            rcode,
            response.Header.IsAuthenticData,
            answers.Length,
            ServerOf(response.NameServer) ?? _serverText,
            watch.Elapsed,
            error);
        return new Outcome(query, answers);
    }

    internal static SmtpDnsStatus FromResponseCode(DnsResponseCode code, int matchingAnswers) => code switch
    {
        DnsResponseCode.NoError => matchingAnswers > 0 ? SmtpDnsStatus.Ok : SmtpDnsStatus.NoRecords,
        DnsResponseCode.NotExistentDomain => SmtpDnsStatus.NxDomain,
        DnsResponseCode.ServerFailure => SmtpDnsStatus.ServerFailure,
        DnsResponseCode.Refused => SmtpDnsStatus.Refused,
        DnsResponseCode.ConnectionTimeout => SmtpDnsStatus.Timeout,
        _ => SmtpDnsStatus.Error,
    };

    private static string ResponseCodeName(DnsResponseCode code) => code switch
    {
        DnsResponseCode.NoError => "NOERROR",
        DnsResponseCode.FormatError => "FORMERR",
        DnsResponseCode.ServerFailure => "SERVFAIL",
        DnsResponseCode.NotExistentDomain => "NXDOMAIN",
        DnsResponseCode.NotImplemented => "NOTIMP",
        DnsResponseCode.Refused => "REFUSED",
        _ => "RCODE " + (int)code,
    };

    private Outcome Failed(string name, string type, SmtpDnsStatus status, int? code, TimeSpan elapsed, string message)
    {
        var query = new SmtpDnsQuery(name, type, status, code, authenticatedData: false, answerCount: 0, _serverText, elapsed, message);
        return new Outcome(query, Array.Empty<DnsResourceRecord>());
    }

    private static string? ServerOf(NameServer? server)
    {
        if (server is null || !IPAddress.TryParse(server.Address, out var address))
        {
            return null;
        }

        return new DnsServerEndpoint(address, server.Port).ToString();
    }
}
