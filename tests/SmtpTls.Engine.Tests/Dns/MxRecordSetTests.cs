using System.Linq;
using SmtpTls.Dns;
using Xunit;

namespace SmtpTls.Tests.Dns;

[Trait("Against", "Unit")]
public class MxRecordSetTests
{
    [Fact]
    public void Hosts_AreOrderedByPreferenceThenByName()
    {
        var set = MxRecordSet.From("example.net", new[]
        {
            (20, "mx-b.example.net."),
            (10, "mx-z.example.net."),
            (20, "MX-A.example.net."),
            (5, "mx-last-alpha.example.net."),
        });

        Assert.False(set.IsNullMx);
        Assert.Equal(
            new[] { "5 mx-last-alpha.example.net", "10 mx-z.example.net", "20 mx-a.example.net", "20 mx-b.example.net" },
            set.Hosts.Select(h => h.ToString()));
        Assert.Empty(set.Notes);
    }

    [Fact]
    public void Order_DoesNotDependOnTheOrderRecordsArrive()
    {
        var records = new[] { (10, "c.example."), (10, "a.example."), (10, "b.example."), (0, "z.example.") };
        var forward = MxRecordSet.From("example", records).Hosts.Select(h => h.Name);
        var backward = MxRecordSet.From("example", records.Reverse()).Hosts.Select(h => h.Name);

        Assert.Equal(new[] { "z.example", "a.example", "b.example", "c.example" }, forward);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void DuplicateHosts_AreFoldedToTheirBestPreferenceWithANote()
    {
        var set = MxRecordSet.From("example.net", new[] { (30, "mx.example.net."), (10, "MX.example.net."), (20, "other.example.net.") });

        Assert.Equal(new[] { "10 mx.example.net", "20 other.example.net" }, set.Hosts.Select(h => h.ToString()));
        var note = Assert.Single(set.Notes);
        Assert.Equal(SmtpDnsNote.DuplicateMxHost, note.Id);
        Assert.Equal("mx.example.net", note.Subject);
    }

    [Fact]
    public void OnlyNullMx_MeansNoMail()
    {
        var set = MxRecordSet.From("example.net", new[] { (0, ".") });

        Assert.True(set.IsNullMx);
        Assert.Empty(set.Hosts);
        Assert.Empty(set.Notes);
    }

    [Fact]
    public void NullMxWithNonZeroPreference_IsStillNullMxWithANote()
    {
        var set = MxRecordSet.From("example.net", new[] { (10, ".") });

        Assert.True(set.IsNullMx);
        Assert.Equal(SmtpDnsNote.NullMxNonZeroPreference, Assert.Single(set.Notes).Id);
    }

    [Fact]
    public void NullMxBesideRealHosts_IsIgnoredWithANote()
    {
        var set = MxRecordSet.From("example.net", new[] { (0, "."), (10, "mx.example.net.") });

        Assert.False(set.IsNullMx);
        Assert.Equal("mx.example.net", Assert.Single(set.Hosts).Name);
        Assert.Equal(SmtpDnsNote.NullMxWithOtherRecords, Assert.Single(set.Notes).Id);
    }

    [Fact]
    public void IpLiteralTarget_IsKeptWithANote()
    {
        var set = MxRecordSet.From("example.net", new[] { (10, "192.0.2.25.") });

        Assert.Equal("192.0.2.25", Assert.Single(set.Hosts).Name);
        Assert.Equal(SmtpDnsNote.MxIsIpLiteral, Assert.Single(set.Notes).Id);
    }
}
