using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

/// <summary>
/// Random and hostile input: the resolver must never throw, never hang and never return unbounded
/// results, whatever it is given.
/// </summary>
[Trait("Against", "Unit")]
public class ResolverFuzzTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    // Pieces that steer random input into the parser's and the rules' interesting paths.
    private static readonly string[] Fragments =
    {
        "454", "454-", "454 ", "4.7.0", "5.7.3", "2.0.0", " ", "-", "\r\n", "\n", "\r", "\u2028", "\u0085", "\t", "\0",
        "dsn=", "status=deferred (", "status=", "stat=", "said: ", "host ", "[", "]", "(", ")", "'", "\"", "#", ":", "=",
        "relay=", "H=", " [192.0.2.1]:25", "[IPv6:2001:db8::1]", "TLS", "STARTTLS", "TLS is required, but host ", "refused to start TLS",
        "certificate verification failed for ", "Must issue a STARTTLS command first", "in reply to ", "LastAttemptedIP=",
        "\uD83D\uDE00", "\uD800", "\uDC00", "\uFFFD", "ü", "ß", "1tGxyz-000ABC-12 == ", "port 587 is typically reserved",
        // Client-library shapes (ClientReplyShapes): "(535, b'5.7.8 ...')", "535: 5.7.8", localized "Serverantwort war:".
        "(535, b'", "535: ", ", b\"", "Die Serverantwort war: ", "Serverantwort lautete: „", "„", "“", "Ausnahme beim Aufrufen von \"Send\" mit 1 Argument(en): ",
        // Log shapes (LogShapes/*): fields that are never replies, and the places replies are quoted.
        " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes", "[2001:db8::311]", "2001:db8::250", " defer (-38) ", " S=345 ", "{LED=", "};{MSG=",
        "{FQDN=mx.example.net}", "result=\"", "stat=\"", "smtpd[812]: 4a5b6c7d8e9f0a1b smtp ", " mta error reason=", "SMTP error from remote mail server after RCPT TO:<a@b>: ",
        "Dec  7 05:14:28 mx postfix/smtpd[421]: ", "NOQUEUE: reject: ", "STARTTLS=client, relay=mx., version=TLSv1.3, verify=FAIL, ", "dovecot: submission-login: ",
        "certificate", "expired", "relay", "denied", "authentication", "failed", "~", "TLSA", "responded with: \"",
    };

    [Fact]
    public void RandomAndFragmentedStrings_NeverThrow_AndGiveBoundedResults()
    {
        var random = new Random(20261129);
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 3000; i++)
        {
            var input = RandomInput(random, random.Next(0, 1500));
            var watch = Stopwatch.StartNew();
            var r = SmtpErrorResolver.Resolve(input, random.Next(2) == 0 ? English : CultureInfo.GetCultureInfo("de-DE"));
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;

            AssertBounded(r);
        }

        // A guard against catastrophic regex backtracking (milliseconds per input), with room for a busy machine.
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"slowest input took {slowest}");
    }

    [Fact]
    public void VeryLongLines_AreCapped()
    {
        foreach (var input in new[]
        {
            "454 4.7.0 " + new string('A', 5_000_000),
            new string('4', 2_000_000),
            "TLS is required, but host " + new string('a', 500_000) + " refused to start TLS",
            "certificate verification failed for " + new string('x', 500_000),
            new string('[', 300_000) + "454 4.7.0 x" + new string(']', 300_000),
            string.Concat(Enumerable.Repeat("said: 454 ", 100_000)),
        })
        {
            var watch = Stopwatch.StartNew();
            var r = SmtpErrorResolver.Resolve(input, English);
            watch.Stop();

            AssertBounded(r);
            Assert.Contains(r.Warnings, w => w.Contains("characters"));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{input.Substring(0, 20)}...: {watch.Elapsed}");
        }
    }

    [Fact]
    public void ControlCharacters_AreHarmless()
    {
        var all = new string(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c).ToArray());

        var r = SmtpErrorResolver.Resolve("454 4.7.0 TLS not available" + all + all + "due to local problem", English);

        AssertBounded(r);
        Assert.Equal(454, r.ReplyCode);
        Assert.DoesNotContain(r.ReplyText, c => char.IsControl(c));
    }

    [Fact]
    public void InvalidUtf8_DecodedInEveryCommonWay_IsHarmless()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            Encoding.ASCII.GetBytes("454 4.7.0 ").CopyTo(bytes, 0);

            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Latin1, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                AssertBounded(SmtpErrorResolver.Resolve(encoding.GetString(bytes), English));
            }
        }
    }

    [Fact]
    public void TenThousandContinuationLines_AreCapped()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            builder.Append("454-4.7.0 TLS not available, continuation line ").Append(i).Append("\r\n");
        }

        builder.Append("454 4.7.0 last line");
        var watch = Stopwatch.StartNew();
        var r = SmtpErrorResolver.Resolve(builder.ToString(), English);
        watch.Stop();

        AssertBounded(r);
        Assert.Equal(454, r.ReplyCode);
        Assert.Equal(SmtpErrorCategory.TlsNotAvailable, r.Category);
        Assert.Contains(r.Warnings, w => w.Contains("characters") || w.Contains("lines"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public void DeeplyNestedExceptions_AreReadUpToTheLimit()
    {
        Exception ex = new InvalidOperationException("454 4.7.0 TLS not available due to local problem");
        for (var i = 0; i < 10_000; i++)
        {
            ex = new Exception("wrapper " + i, ex);
        }

        var r = SmtpErrorResolver.Resolve(ex, English);

        AssertBounded(r);
        Assert.Contains(r.Warnings, w => w.Contains("exceptions"));
    }

    [Fact]
    public void WideAggregateExceptions_AreReadUpToTheLimit()
    {
        var inner = Enumerable.Range(0, 10_000).Select(i => new Exception(new string('x', 1000) + i)).ToArray();

        var r = SmtpErrorResolver.Resolve(new AggregateException(inner), English);

        AssertBounded(r);
        Assert.Contains(r.Warnings, w => w.Contains("exceptions"));
    }

    [Fact]
    public void ExceptionsWhoseMessageThrows_AreHarmless()
    {
        var r = SmtpErrorResolver.Resolve(new Exception("outer", new ThrowingException()), English);

        AssertBounded(r);
    }

    [Fact]
    public void RandomLogLinesWithoutAReply_NeverYieldAReplyCode()
    {
        // Only the fields that a log shape knows carry digits here (addresses, ports, process ids, queue and
        // message ids, cipher bits, sizes, errno): whatever the numbers, no reply code may be read from them.
        var random = new Random(20261207);
        string[] templates =
        {
            "{T} mx postfix/smtpd[{P}]: connect from client.example.net[{A}]:{N}",
            "{T} mx postfix/smtp[{P}]: {Q}: to=<a@example.org>, relay=mx.example.org[{A}]:{N}, delay={N}.{N}, delays={N}/0/{N}/0, size={N}, nrcpt=1",
            "{T} {E} => a@example.org R=dnslookup T=remote_smtp H=mx.example.org [{A}]:{N} X=TLS1.3:TLS_AES_256_GCM_SHA384:{N} CV=yes S={N}",
            "{T} {E} <= a@example.org H=(helo) [{A}]:{N} I=[{A}]:{N} P=esmtps X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:{N} S={N} id={N}@example.org",
            "{T} H=mx.example.org [{A}] TLS error on connection (recv): The TLS connection was non-properly terminated.",
            "{T} mx smtpd[{P}]: {H} smtp connected address=[{A}] host=client.example.net",
            "{T} mx dovecot: submission-login: Login: user=<a>, rip={A}, lip={A}, mpid={P}, TLS, session=<AbCd>",
            "{T} mx smtpd[{P}]: {H} smtp tls ciphers=TLSv1.2:ECDHE-RSA-AES256-SHA384:{N}",
            "{T} mx postfix/submission/smtpd[{P}]: Anonymous TLS connection established from unknown[{A}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 ({N}/{N} bits)",
            "{T} mx sendmail[{P}]: STARTTLS=client, relay=mx.example.org., version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits={N}/{N}",
        };

        for (var i = 0; i < 2000; i++)
        {
            var line = templates[random.Next(templates.Length)]
                .Replace("{T}", random.Next(2) == 0 ? "Dec  7 05:14:28" : "2026-12-07 05:14:28")
                .Replace("{E}", "1tGxyz-000ABC-12");
            line = Fill(line, "{P}", () => random.Next(1, 99999).ToString(CultureInfo.InvariantCulture));
            line = Fill(line, "{N}", () => random.Next(0, 1000).ToString(CultureInfo.InvariantCulture));
            line = Fill(line, "{Q}", () => random.Next(0x100000, 0xFFFFFF).ToString("X6", CultureInfo.InvariantCulture));
            line = Fill(line, "{H}", () => random.Next().ToString("x8", CultureInfo.InvariantCulture) + random.Next().ToString("x8", CultureInfo.InvariantCulture));
            line = Fill(line, "{A}", () => random.Next(2) == 0
                ? string.Join(".", Enumerable.Range(0, 4).Select(_ => random.Next(0, 256).ToString(CultureInfo.InvariantCulture)))
                : "2001:db8::" + random.Next(0, 1000).ToString(CultureInfo.InvariantCulture));

            var p = ReplyParser.Parse(line);
            Assert.True(p.ReplyCode == 0, $"{line}: reply code {p.ReplyCode}");
        }
    }

    private static string Fill(string template, string placeholder, Func<string> value)
    {
        var text = new StringBuilder();
        var start = 0;
        for (var at = template.IndexOf(placeholder, StringComparison.Ordinal); at >= 0; at = template.IndexOf(placeholder, start, StringComparison.Ordinal))
        {
            text.Append(template, start, at - start).Append(value());
            start = at + placeholder.Length;
        }

        return text.Append(template, start, template.Length - start).ToString();
    }

    private static void AssertBounded(SmtpErrorResolution r)
    {
        Assert.NotNull(r);
        Assert.True(r.Input.Length <= SmtpErrorResolver.MaxInputChars);
        Assert.True(r.ReplyText.Length <= ReplyParser.MaxReplyTextChars);
        Assert.True(r.ReplyCode == 0 || (r.ReplyCode >= 200 && r.ReplyCode <= 559), r.ReplyCode.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.EnhancedStatusCode.Length <= 9);
        Assert.True(r.Warnings.Length <= 10);
        Assert.True(r.Causes.Length <= 20);
        Assert.True(r.Remediation.Length <= 30);
        Assert.True(r.References.Length <= 10);
        Assert.NotEqual(string.Empty, r.Summary);
        Assert.NotEqual(string.Empty, r.Culture);
        Assert.True(r.Server.Length <= 253);
        Assert.InRange(r.Port, 0, 65535);
    }

    private static string RandomInput(Random random, int length)
    {
        var builder = new StringBuilder(length + 32);
        while (builder.Length < length)
        {
            switch (random.Next(4))
            {
                case 0:
                    builder.Append(Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1:
                    builder.Append((char)random.Next(0, 0x10000));
                    break;
                case 2:
                    builder.Append((char)random.Next(0x20, 0x7F));
                    break;
                default:
                    builder.Append(random.Next(0, 1000).ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }

        return builder.ToString();
    }

    private sealed class ThrowingException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message");
    }
}
