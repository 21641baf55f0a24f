using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Certificates;
using SmtpTls.Probing;
using SmtpTls.Sending;

namespace SmtpTls.Commands;

/// <summary>
/// The one place where cmdlet parameters become engine options: a snapshot of the connection parameters of one
/// record (read on the pipeline thread by <see cref="SmtpConnectionCommandBase.ReadOptions"/>) that makes
/// <see cref="SmtpTlsProbeOptions"/> for Test-SmtpTls and Get-SmtpCertificate and <see cref="SmtpTestMessageOptions"/>
/// for Send-SmtpTestMessage, so that a parameter shared by the cmdlets reaches the engine the same way in each.
/// </summary>
/// <remarks>
/// Work that starts later on other threads uses this snapshot, never the cmdlet: parameters bound from piped objects
/// change with every record, and session state may only be read on the pipeline thread.
/// </remarks>
internal sealed class SmtpOptionsBuilder
{
    /// <summary>Starts a snapshot with what every option type needs.</summary>
    /// <param name="queue">The cmdlet's queue, which relays -Verbose lines to the pipeline thread.</param>
    /// <param name="verbose">Whether the dialogue is wanted as -Verbose output.</param>
    /// <param name="culture">The language of messages.</param>
    public SmtpOptionsBuilder(PipelineWorkQueue queue, bool verbose, CultureInfo culture)
    {
        Queue = queue;
        Verbose = verbose;
        Culture = culture;
    }

    /// <summary>The cmdlet's queue.</summary>
    public PipelineWorkQueue Queue { get; }

    /// <summary>Whether the dialogue goes out as -Verbose lines.</summary>
    public bool Verbose { get; }

    /// <summary>The language of messages (-Culture, else the UI culture).</summary>
    public CultureInfo Culture { get; }

    /// <summary>-Port.</summary>
    public int? Port { get; set; }

    /// <summary>-ServerName; empty means not given.</summary>
    public string? ServerName { get; set; }

    /// <summary>-HeloName.</summary>
    public string? HeloName { get; set; }

    /// <summary>The anchors of -TrustedRootPath.</summary>
    public TrustAnchors? Anchors { get; set; }

    /// <summary>-TimeoutSeconds as a time span.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>-TlsMode of the endpoint checks (sending has its own policy, see <see cref="NewSendOptions"/>).</summary>
    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.Auto;

    /// <summary>-AddressFamily of the endpoint checks.</summary>
    public AddressFamilyPreference AddressFamily { get; set; } = AddressFamilyPreference.Any;

    /// <summary>Resolves host names through -DnsServer; null: the system resolver.</summary>
    public Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>? HostResolver { get; set; }

    /// <summary>Options for one check of <paramref name="server"/> as the user named it.</summary>
    /// <param name="server">The endpoint as given (host name, IP literal, <c>host:port</c>).</param>
    /// <param name="label">What the -Verbose lines of this check start with (in brackets).</param>
    /// <returns>Options with every shared parameter set; the cmdlet adds its own.</returns>
    public SmtpTlsProbeOptions NewProbeOptions(string server, string label) => new(server)
    {
        Port = Port,
        TlsMode = TlsMode,
        ServerName = ServerName,
        HeloName = HeloName,
        TrustAnchors = Anchors,
        Timeout = Timeout,
        Culture = Culture,
        AddressFamily = AddressFamily,
        HostResolver = HostResolver,
        Transcript = TranscriptFor(label),
    };

    /// <summary>
    /// Sends the dialogue of a check made from these options elsewhere (the engine's domain check makes one per MX
    /// address from a template) to -Verbose, under its own label; does nothing when nobody reads -Verbose.
    /// </summary>
    /// <param name="options">The check's options.</param>
    /// <param name="label">What the -Verbose lines of this check start with (in brackets).</param>
    public void RelayTranscript(SmtpTlsProbeOptions options, string label)
    {
        if (TranscriptFor(label) is { } transcript)
        {
            options.Transcript = transcript;
        }
    }

    /// <summary>Options for one test message.</summary>
    /// <param name="server">The endpoint as given (host name, IP literal, <c>host:port</c>).</param>
    /// <param name="from">The sender address.</param>
    /// <param name="to">The recipient addresses.</param>
    /// <param name="tlsMode">The sending TLS policy (-TlsMode of Send-SmtpTestMessage).</param>
    /// <returns>Options with every shared parameter set; the cmdlet adds its own.</returns>
    public SmtpTestMessageOptions NewSendOptions(string server, string from, IEnumerable<string> to, SmtpSendTlsMode tlsMode) => new(server, from, to)
    {
        Port = Port,
        TlsMode = tlsMode,
        ServerName = string.IsNullOrEmpty(ServerName) ? null : ServerName,
        HeloName = HeloName,
        TrustAnchors = Anchors,
        Timeout = Timeout,
        Culture = Culture,
        Transcript = TranscriptFor(server),
    };

    /// <summary>Relays the dialogue as -Verbose lines when they are wanted.</summary>
    /// <param name="label">What each line starts with (in brackets).</param>
    /// <returns>The transcript callback, or null when nobody reads -Verbose.</returns>
    private Action<string>? TranscriptFor(string label)
    {
        if (!Verbose)
        {
            return null;
        }

        var queue = Queue;
        var prefix = "[" + label + "] ";
        return line => queue.Verbose(prefix + line);
    }
}
