using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using MailKit;
using SmtpTls.Diagnostics;
using SmtpTls.Localization;
using SmtpTls.Probing;
using SmtpTls.Smtp;

namespace SmtpTls.Sending;

/// <summary>
/// A MailKit <see cref="IProtocolLogger"/> that turns the byte stream of one SMTP session into the
/// transcript of <see cref="SmtpSendResult.Transcript"/>: one line per command and reply, AUTH
/// payloads replaced by <c>***</c>, the message content left out. It also remembers the replies
/// the sender reports (the last one, the reply to STARTTLS).
/// </summary>
/// <remarks>
/// Three layers keep secrets out, each enough on its own for PLAIN and LOGIN: MailKit's
/// <see cref="IAuthenticationSecretDetector"/> marks the secret bytes as they are written; every
/// client line between <c>AUTH</c> and the server's final answer to it is replaced as a whole; and
/// the <see cref="SecretScrubber"/> removes any known credential form from every line, server lines
/// included. The message content is recognised by the protocol (after <c>354</c> up to the lone dot,
/// or the byte count of <c>BDAT</c>), so a body that looks like SMTP cannot confuse it.
/// <para>
/// It is also where the plaintext caps of <see cref="SmtpReadLimits"/> are held, because it sees
/// every byte MailKit reads after decryption: a reply line, a reply's lines or its bytes over the cap
/// throw <see cref="SmtpLimitExceededException"/> inside MailKit's read, which ends the session. The
/// transcript keeps at most <see cref="SmtpReadLimits.MaxTranscriptLines"/> lines; server text is
/// kept with its control characters escaped (<see cref="VisibleText"/>) and its secrets scrubbed.
/// </para>
/// </remarks>
public sealed class RedactingProtocolLogger : IProtocolLogger
{
    private static readonly byte[] EndOfData = Encoding.ASCII.GetBytes("\r\n.\r\n");
    // The prefix function of EndOfData: after matching i+1 bytes and failing, how many still count.
    private static readonly int[] EndOfDataFallback = { 0, 0, 0, 1, 2 };
    private static readonly AuthenticationSecret[] NoSecrets = Array.Empty<AuthenticationSecret>();

    private readonly object _sync = new();
    private readonly List<string> _lines = new();
    private readonly List<byte> _clientLine = new();
    private readonly List<byte> _serverLine = new();
    private readonly List<string> _reply = new();
    private readonly List<string> _replies = new();
    private readonly SecretScrubber _scrubber;
    private readonly CultureInfo _culture;
    private readonly Action<string>? _live;

    private ClientState _clientState = ClientState.Command;
    private bool _awaitingDataReply;
    private bool _inAuthExchange;
    private bool _lastByteWasSecret;
    private long _contentBytes;
    private long _bdatRemaining;
    private bool _bdatLast;
    private int _endOfDataMatched;
    private int _replyBytes;
    private long _serverBytes;
    private long _keptChars;
    private int _droppedLines;
    private bool _afterStartTlsReply;

    /// <summary>Creates a logger.</summary>
    /// <param name="scrubber">Known credential forms to remove from every line; null for none.</param>
    /// <param name="culture">Language of the notes it writes (message content left out).</param>
    /// <param name="live">Receives every line as it is recorded (for -Verbose); may be null. Called on MailKit's thread.</param>
    public RedactingProtocolLogger(SecretScrubber? scrubber = null, CultureInfo? culture = null, Action<string>? live = null)
    {
        _scrubber = scrubber ?? SecretScrubber.None;
        _culture = culture ?? CultureInfo.CurrentUICulture;
        _live = live;
    }

    private enum ClientState
    {
        Command,
        DataContent,
        BdatContent,
    }

    /// <inheritdoc />
    /// <remarks>SmtpClient sets its own detector here, and switches it on only while it authenticates.</remarks>
    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The transcript so far: <c>C: </c> client, <c>S: </c> server, <c>* </c> notes.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_sync)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>The last complete server reply, all lines verbatim (joined with a line feed).</summary>
    public string? LastReply { get; private set; }

    /// <summary>The server's reply to STARTTLS, once STARTTLS was sent; else null.</summary>
    public string? StartTlsReply { get; private set; }

    /// <summary>Whether the client sent STARTTLS on this connection.</summary>
    public bool StartTlsSent { get; private set; }

    /// <summary>Whether the client sent AUTH on this connection.</summary>
    public bool AuthenticationSent { get; private set; }

    /// <summary>Bytes received from the server on this connection (after decryption); 0 means it said nothing at all.</summary>
    public long ServerBytes
    {
        get
        {
            lock (_sync)
            {
                return _serverBytes;
            }
        }
    }

    /// <summary>
    /// Whether the server sent anything after its positive reply to STARTTLS and before the TLS
    /// handshake (RFC 3207 4.2: the client must discard it; a server that does it invites response injection).
    /// </summary>
    public bool DataAfterStartTls { get; private set; }

    /// <summary>Whether the whole message content went out (end of data or the last BDAT chunk): from then on the server may have it.</summary>
    public bool ContentComplete { get; private set; }

    /// <summary>
    /// The latest complete server reply with <paramref name="code"/> whose text (without the codes)
    /// is <paramref name="text"/>, verbatim; else the latest with that code; else null. MailKit's
    /// exceptions carry code and text separately; this restores the reply as the server sent it.
    /// </summary>
    public string? FindReply(int code, string? text)
    {
        var prefix = code.ToString(CultureInfo.InvariantCulture);

        // The kept replies are scrubbed and escaped: compare with MailKit's text in the same form.
        var wanted = Clean(text ?? string.Empty).Replace("\r", string.Empty).Trim();
        lock (_sync)
        {
            string? sameCode = null;
            for (var i = _replies.Count - 1; i >= 0; i--)
            {
                var reply = _replies[i];
                if (!reply.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                sameCode ??= reply;
                if (wanted.Length > 0 && string.Equals(TextOf(reply), wanted, StringComparison.Ordinal))
                {
                    return reply;
                }
            }

            return sameCode;
        }
    }

    /// <summary>
    /// Starts the record of a new connection (Opportunistic's plaintext retry): the transcript and
    /// the reply history go on, what belongs to one connection (STARTTLS seen, half lines, the data
    /// phase) starts afresh.
    /// </summary>
    public void StartConnection()
    {
        lock (_sync)
        {
            _clientLine.Clear();
            _serverLine.Clear();
            _reply.Clear();
            _clientState = ClientState.Command;
            _awaitingDataReply = false;
            _inAuthExchange = false;
            _lastByteWasSecret = false;
            _replyBytes = 0;
            _serverBytes = 0;
            _afterStartTlsReply = false;
            StartTlsSent = false;
            StartTlsReply = null;
            LastReply = null;
            DataAfterStartTls = false;
        }
    }

    /// <summary>Adds a note of the sender's own (connecting, certificate, TLS parameters) as <c>* text</c>.</summary>
    public void Note(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        lock (_sync)
        {
            Emit("* " + text);
        }
    }

    /// <inheritdoc />
    public void LogConnect(Uri uri)
    {
        // The sender notes the address it really connected to; MailKit's URI names the TLS server name instead.
        if (uri is null)
        {
            throw new ArgumentNullException(nameof(uri));
        }
    }

    /// <inheritdoc />
    public void LogClient(byte[] buffer, int offset, int count)
    {
        ValidateArguments(buffer, offset, count);
        lock (_sync)
        {
            // The detector keeps state across calls: it must see every write exactly once, in order.
            var secrets = AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count) ?? NoSecrets;
            for (var i = offset; i < offset + count; i++)
            {
                var b = buffer[i];
                switch (_clientState)
                {
                    case ClientState.DataContent:
                        _contentBytes++;
                        if (MatchEndOfData(b))
                        {
                            // The content ends with CRLF before the dot; count neither the dot line nor that CRLF twice.
                            EmitContentNote(_contentBytes - 3);
                            Emit("C: .");
                            ContentComplete = true;
                            _clientState = ClientState.Command;
                        }

                        continue;

                    case ClientState.BdatContent:
                        _contentBytes++;
                        if (--_bdatRemaining == 0)
                        {
                            EmitContentNote(_contentBytes);
                            ContentComplete |= _bdatLast;
                            _clientState = ClientState.Command;
                        }

                        continue;
                }

                if (IsSecret(secrets, i))
                {
                    if (!_lastByteWasSecret)
                    {
                        Append(_clientLine, SecretScrubber.Mask);
                    }

                    _lastByteWasSecret = true;
                    continue;
                }

                _lastByteWasSecret = false;
                if (b == (byte)'\n')
                {
                    FlushPartialServerLine();
                    ClientLine(Decode(_clientLine));
                    _clientLine.Clear();
                }
                else
                {
                    _clientLine.Add(b);
                }
            }
        }
    }

    /// <inheritdoc />
    public void LogServer(byte[] buffer, int offset, int count)
    {
        ValidateArguments(buffer, offset, count);
        lock (_sync)
        {
            for (var i = offset; i < offset + count; i++)
            {
                var b = buffer[i];
                _serverBytes++;
                if (++_replyBytes > SmtpReadLimits.MaxReplyBytes)
                {
                    throw Limit(SmtpSendErrorId.ReplyTooLarge, "Send.Limit.ReplyTooLarge", SmtpReadLimits.MaxReplyBytes);
                }

                if (b == (byte)'\n')
                {
                    ServerLine(Decode(_serverLine));
                    _serverLine.Clear();
                }
                else
                {
                    _serverLine.Add(b);
                    if (_serverLine.Count > SmtpReadLimits.MaxLineLength)
                    {
                        throw Limit(SmtpSendErrorId.ReplyTooLong, "Send.Limit.ReplyTooLong", SmtpReadLimits.MaxLineLength);
                    }
                }
            }
        }
    }

    /// <summary>Records what is left half-way (a line without its end, content cut off) when the session ends.</summary>
    public void Complete()
    {
        lock (_sync)
        {
            if (_clientState != ClientState.Command)
            {
                EmitContentNote(_contentBytes);
                _clientState = ClientState.Command;
            }

            if (_clientLine.Count > 0)
            {
                ClientLine(Decode(_clientLine));
                _clientLine.Clear();
            }

            FlushPartialServerLine();
            if (_droppedLines > 1)
            {
                _lines.Add("* " + LocalizedText.Format("Send.Transcript.Dropped", _culture, _droppedLines));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static void ValidateArguments(byte[] buffer, int offset, int count)
    {
        if (buffer is null)
        {
            throw new ArgumentNullException(nameof(buffer));
        }

        if (offset < 0 || offset > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        if (count < 0 || count > buffer.Length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
    }

    private static bool IsSecret(IList<AuthenticationSecret> secrets, int index)
    {
        foreach (var secret in secrets)
        {
            if (index >= secret.StartIndex && index < secret.StartIndex + secret.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(List<byte> line, string text)
    {
        foreach (var c in text)
        {
            line.Add((byte)c);
        }
    }

    private static string Decode(List<byte> bytes)
    {
        var count = bytes.Count;
        if (count > 0 && bytes[count - 1] == (byte)'\r')
        {
            count--;
        }

        // SMTP is ASCII, SMTPUTF8 and 8BITMIME replies UTF-8; invalid bytes become U+FFFD rather than an exception.
        // Control characters (ESC, CSI, OSC, bidi overrides) are escaped here, before the text is kept anywhere.
        return VisibleText.Escape(Encoding.UTF8.GetString(bytes.ToArray(), 0, count))!;
    }

    private bool MatchEndOfData(byte b)
    {
        // Knuth-Morris-Pratt over CR LF "." CR LF: a mismatch falls back to the longest matched prefix
        // that is also a suffix, so "\r\n\r\n.\r\n" and the like are still found.
        while (true)
        {
            if (b == EndOfData[_endOfDataMatched])
            {
                _endOfDataMatched++;
                if (_endOfDataMatched < EndOfData.Length)
                {
                    return false;
                }

                _endOfDataMatched = 0;
                return true;
            }

            if (_endOfDataMatched == 0)
            {
                return false;
            }

            _endOfDataMatched = EndOfDataFallback[_endOfDataMatched - 1];
        }
    }

    private void ClientLine(string line)
    {
        _afterStartTlsReply = false;
        if (_inAuthExchange)
        {
            // Every answer to a 334 challenge is a credential (or part of one), whatever the mechanism.
            Emit("C: " + SecretScrubber.Mask);
            return;
        }

        var verb = FirstWord(line);
        if (verb.Equals("AUTH", StringComparison.OrdinalIgnoreCase))
        {
            var parts = line.Split(new[] { ' ' }, 3, StringSplitOptions.RemoveEmptyEntries);
            Emit(parts.Length > 2 ? "C: " + parts[0] + " " + parts[1] + " " + SecretScrubber.Mask : "C: " + string.Join(" ", parts));
            _inAuthExchange = true;
            AuthenticationSent = true;
            return;
        }

        if (verb.Equals("DATA", StringComparison.OrdinalIgnoreCase))
        {
            _awaitingDataReply = true;
        }
        else if (verb.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase))
        {
            StartTlsSent = true;
        }
        else if (verb.Equals("BDAT", StringComparison.OrdinalIgnoreCase))
        {
            var parts = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
            {
                Emit("C: " + line);
                _clientState = ClientState.BdatContent;
                _bdatRemaining = size;
                _bdatLast = parts.Length > 2 && parts[2].Equals("LAST", StringComparison.OrdinalIgnoreCase);
                _contentBytes = 0;
                return;
            }
        }

        Emit("C: " + line);
    }

    private void ServerLine(string line)
    {
        if (_afterStartTlsReply)
        {
            // Sent after "220 Ready to start TLS" and before the handshake: MailKit discards it, so must the record.
            DataAfterStartTls = true;
            Emit("S: " + line + " " + LocalizedText.Get("Send.Transcript.DiscardedBeforeTls", _culture));
            return;
        }

        // Kept scrubbed: the reply history feeds the result, the error message and the resolution.
        line = _scrubber.Scrub(line);
        Emit("S: " + line);
        _reply.Add(line);
        if (line.Length > 3 && line[3] == '-')
        {
            if (_reply.Count >= SmtpReadLimits.MaxReplyLines)
            {
                throw Limit(SmtpSendErrorId.TooManyReplyLines, "Send.Limit.TooManyReplyLines", SmtpReadLimits.MaxReplyLines);
            }

            return;
        }

        // A complete reply: its last line has a space (or nothing) after the code.
        var text = string.Join("\n", _reply);
        _reply.Clear();
        _replyBytes = 0;
        var code = line.Length >= 3 && int.TryParse(line.Substring(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        LastReply = text;
        _replies.Add(text);

        if (StartTlsSent && StartTlsReply is null)
        {
            StartTlsReply = text;
            _afterStartTlsReply = code == 220;
        }

        if (_inAuthExchange && code != 334)
        {
            _inAuthExchange = false;
        }

        if (_awaitingDataReply)
        {
            _awaitingDataReply = false;
            if (code == 354)
            {
                _clientState = ClientState.DataContent;
                _contentBytes = 0;

                // As if the CRLF before the content had been seen: a message may not start with the lone dot.
                _endOfDataMatched = 2;
            }
        }
    }

    private void EmitContentNote(long bytes)
    {
        Emit("C: " + LocalizedText.Format("Send.Transcript.ContentOmitted", _culture, Math.Max(0, bytes)));
    }

    private void Emit(string line)
    {
        var scrubbed = _scrubber.Scrub(line);

        // The sender's own notes are few and always kept; what the dialogue adds stops at the caps.
        var note = scrubbed.StartsWith("* ", StringComparison.Ordinal);
        if (!note && (_lines.Count >= SmtpReadLimits.MaxTranscriptLines || _keptChars + scrubbed.Length > SmtpReadLimits.MaxTranscriptChars))
        {
            if (_droppedLines++ == 0)
            {
                var marker = "* " + LocalizedText.Format("Send.Transcript.Cut", _culture, SmtpReadLimits.MaxTranscriptLines, SmtpReadLimits.MaxTranscriptChars);
                _lines.Add(marker);
                _live?.Invoke(marker);
            }

            return;
        }

        _keptChars += scrubbed.Length;
        _lines.Add(scrubbed);
        _live?.Invoke(scrubbed);
    }

    /// <summary>
    /// A server line without its end when the client speaks again (bytes after "220 Ready to start
    /// TLS", or a reply cut short): recorded as it is, so it is never glued to the next server line.
    /// </summary>
    private void FlushPartialServerLine()
    {
        if (_serverLine.Count == 0)
        {
            return;
        }

        var partial = Decode(_serverLine);
        _serverLine.Clear();
        if (_afterStartTlsReply)
        {
            DataAfterStartTls = true;
            Emit("S: " + partial + " " + LocalizedText.Get("Send.Transcript.DiscardedBeforeTls", _culture));
        }
        else
        {
            Emit("S: " + _scrubber.Scrub(partial) + " " + LocalizedText.Get("Send.Transcript.Incomplete", _culture));
        }

        _replyBytes = 0;
    }

    private SmtpLimitExceededException Limit(SmtpSendErrorId errorId, string key, int limit)
    {
        // What the server sent is shown, shortened: enough to recognise it, never the flood itself.
        var excerpt = Decode(_serverLine.Count > 200 ? _serverLine.GetRange(0, 200) : _serverLine);
        _serverLine.Clear();
        _reply.Clear();
        _replyBytes = 0;
        Emit("S: " + _scrubber.Scrub(excerpt) + " ...");
        var message = LocalizedText.Format(key, CultureInfo.InvariantCulture, limit);
        Emit("* " + LocalizedText.Format(key, _culture, limit));
        return new SmtpLimitExceededException(errorId, message);
    }

    private string Clean(string text) => _scrubber.Scrub(VisibleText.EscapeLines(text)!);

    private static string TextOf(string reply)
    {
        // "250-a\n250 b" -> "a\nb": the reply without its codes, as MailKit reports it.
        var lines = reply.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].Length > 4 ? lines[i].Substring(4) : string.Empty;
        }

        return string.Join("\n", lines).Trim();
    }

    private static string FirstWord(string line)
    {
        var space = line.IndexOf(' ');
        return space < 0 ? line : line.Substring(0, space);
    }
}
