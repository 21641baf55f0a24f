using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Replies;

[Trait("Against", "Unit")]
public class ObjectReaderTests
{
    private const string Postfix454 = "454 4.7.0 TLS not available due to local problem";

    [Fact]
    public void EmptyInput_IsToldApartFromInputWithoutText()
    {
        Assert.True(ObjectReader.Read(null).IsEmpty);
        Assert.True(ObjectReader.Read(" \t").IsEmpty);
        Assert.True(ObjectReader.Read(Array.Empty<string>()).IsEmpty);
        Assert.True(ObjectReader.Read(new object?[] { null, "", "  " }).IsEmpty);

        var noText = ObjectReader.Read(new { Server = "mx.example.net", Port = 25 });
        Assert.False(noText.IsEmpty);
        Assert.False(noText.Found);
        Assert.False(ObjectReader.Read(new object[] { 1, 2 }).Found);
    }

    [Fact]
    public void ReplyProperties_AreTriedMostSpecificFirst_AndKeysIgnoreCase()
    {
        Assert.Equal(new[] { "Resolution", "StartTlsReply", "Reply", "Message", "Line", "Exception", "ErrorRecord" }, ObjectReader.ReplyProperties);

        var reading = ObjectReader.Read(new Dictionary<string, object> { ["message"] = "a message", ["STARTTLSREPLY"] = Postfix454 });
        Assert.Equal(Postfix454, reading.Text);

        // A property that is there but blank does not stop the search.
        Assert.Equal(Postfix454, ObjectReader.Read(new { StartTlsReply = " ", Reply = Postfix454 }).Text);
    }

    [Fact]
    public void AnExceptionProperty_IsRead_AsTheCmdletDid()
    {
        var failure = new InvalidOperationException(Postfix454);

        Assert.Same(failure, ObjectReader.Read(new { Exception = failure }).Exception);
        Assert.Same(failure, ObjectReader.Read(new Dictionary<string, object> { ["exception"] = failure }).Exception);
    }

    [Fact]
    public void ABareNumber_IsAReplyCode_OnlyAtTheTop()
    {
        Assert.Equal("454", ObjectReader.Read(454).Text);

        // Deeper down a number is more likely a line number or a count than a reply.
        Assert.False(ObjectReader.Read(new { Line = 42 }).Found);
    }

    [Fact]
    public void TheAdapter_SeesEveryValue_AtEveryLevel()
    {
        var seen = new List<object>();
        var bag = new Bag(new Dictionary<string, object?> { ["Reply"] = new Bag(new Dictionary<string, object?> { ["Line"] = Postfix454 }) });

        var reading = ObjectReader.Read(new object[] { bag }, value =>
        {
            seen.Add(value);
            return value is Bag b ? b.Properties : value;
        });

        Assert.Equal(Postfix454, reading.Text);
        Assert.Equal(4, seen.Count);
        Assert.Equal(2, seen.OfType<Bag>().Count());
    }

    [Fact]
    public void NestingAndSequences_AreBounded()
    {
        var deep = new { Reply = new { Reply = new { Reply = new { Reply = Postfix454 } } } };
        Assert.False(ObjectReader.Read(deep).Found);
        Assert.Equal(Postfix454, ObjectReader.Read(new { Reply = new { Reply = Postfix454 } }).Text);

        var lines = Enumerable.Repeat("250-PIPELINING", ObjectReader.MaxItems + 10).ToArray();
        var joined = ObjectReader.Read(lines).Text!;
        Assert.Equal(ObjectReader.MaxItems, joined.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void AThrowingGetter_IsSkipped()
    {
        Assert.Equal(Postfix454, ObjectReader.Read(new Throwing()).Text);
    }

    private sealed class Bag
    {
        public Bag(Dictionary<string, object?> properties) => Properties = properties;

        public Dictionary<string, object?> Properties { get; }
    }

    private sealed class Throwing
    {
        public string Reply => throw new InvalidOperationException("not readable");

        public string Message => Postfix454;
    }
}
