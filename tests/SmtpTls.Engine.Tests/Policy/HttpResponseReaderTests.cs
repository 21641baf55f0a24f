using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTls.Policy;
using Xunit;

namespace SmtpTls.Tests.Policy;

/// <summary>The bounded HTTP/1.x reader of the policy fetch, on responses held in memory.</summary>
[Trait("Against", "Unit")]
public class HttpResponseReaderTests
{
    private const int Max = 64;

    [Fact]
    public async Task ContentLength_BodyIsReadExactly()
    {
        var response = await ReadAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello and more");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.Equal("text/plain", response.Header("content-type"));
        Assert.Equal("hello", Encoding.ASCII.GetString(response.Body!));
    }

    [Fact]
    public async Task Chunked_IsDecoded_WithExtensionsAndTrailers()
    {
        var response = await ReadAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");

        Assert.Equal("hello world", Encoding.ASCII.GetString(response.Body!));
        Assert.Equal(11, response.BodyBytesRead);
    }

    [Fact]
    public async Task CloseDelimited_IsReadToTheEnd_BareLfAccepted()
    {
        var response = await ReadAsync("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nversion: STSv1\n");

        Assert.Equal("version: STSv1\n", Encoding.ASCII.GetString(response.Body!));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n", 0)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n", Max + 1)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", Max + 1)]
    public async Task OversizedBodies_StopAtTheBound(string head, long expectedRead)
    {
        var response = await ReadAsync(head + new string('x', 1000));

        Assert.True(response.BodyTooLarge);
        Assert.Null(response.Body);
        Assert.Equal(expectedRead, response.BodyBytesRead);
    }

    [Fact]
    public async Task ShortBody_IsIncomplete()
    {
        var response = await ReadAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        Assert.True(response.BodyIncomplete);
        Assert.Null(response.Body);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n")]
    [InlineData("")]
    public async Task Malformed_Throws_InvalidData(string text)
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(text));
    }

    [Fact]
    public async Task OversizedHeaders_Throw()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync("HTTP/1.1 200 OK\r\nX-Big: " + new string('h', 5000) + "\r\n\r\n", maxHeader: 1024));
    }

    [Fact]
    public async Task Redirect_BodyIsNotNeeded()
    {
        var reader = new HttpResponseReader(new MemoryStream(Encoding.ASCII.GetBytes("HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example/\r\n\r\n")));

        var response = await reader.ReadHeadAsync(1024, CancellationToken.None);

        Assert.True(response.IsRedirect);
        Assert.Equal("https://elsewhere.example/", response.Header("Location"));
    }

    private static Task<HttpResponse> ReadAsync(string text, int maxHeader = 4096) =>
        HttpResponseReader.ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes(text)), maxHeader, Max, readBody: true, CancellationToken.None);
}
