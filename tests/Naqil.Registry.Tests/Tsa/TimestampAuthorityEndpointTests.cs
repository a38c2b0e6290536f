using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.MessageLog;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Registry.Tests.Tsa;

/// <summary>The RFC 3161 HTTP binding on a real Kestrel host.</summary>
public sealed class TimestampAuthorityEndpointTests : IAsyncLifetime
{
    private static readonly byte[] Digest = SHA256.HashData("tree head"u8);
    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var certificate = TsaFixture.CreateCertificate();
        builder.Services.AddSingleton(TsaFixture.CreateAuthority(certificate));
        _app = builder.Build();
        _app.MapNaqilTimestampAuthority();
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Post_TimestampQuery_RepliesWithAGrantedTimestampReply()
    {
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);

        using var response = await Client.PostAsync("/tsa", Body(request, "application/timestamp-query"), TestContext.Current.CancellationToken);
        var reply = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/timestamp-reply", response.Content.Headers.ContentType?.MediaType);
        Assert.True(TimestampTokens.TryReadResponse(reply, Digest, nonce, out _, out var error), error);
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("application/json")]
    [InlineData("application/timestamp-reply")]
    public async Task Post_WrongContentType_Returns415ProblemJson(string contentType)
    {
        var request = TimestampTokens.CreateRequest(Digest, out _);

        using var response = await Client.PostAsync("/tsa", Body(request, contentType), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_BodyOver64KiB_Returns413ProblemJson()
    {
        using var response = await Client.PostAsync(
            "/tsa", Body(new byte[(64 * 1024) + 1], "application/timestamp-query"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_ChunkedBodyOver64KiB_Returns413()
    {
        // No Content-Length: the limit must hold while reading, not only from the header.
        using var content = new StreamContent(new MemoryStream(new byte[100_000]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/tsa") { Content = content };
        message.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_MalformedQuery_Returns200WithARejectionInsideTheReply()
    {
        using var response = await Client.PostAsync("/tsa", Body([0x30, 0x00], "application/timestamp-query"), TestContext.Current.CancellationToken);
        var reply = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(TimestampTokens.TryReadResponse(reply, Digest, new byte[16], out _, out var error));
        Assert.Contains("status 2", error, StringComparison.Ordinal);
    }

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }
}
