using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Naqil.Trust;

namespace Naqil.Registry.Tests.TrustConfiguration;

public sealed class TrustApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path, lifetime: Lifetime);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Config_SignatureVerifiesWithServedAnchor_AndFailsWhenOnePayloadByteFlips()
    {
        await _host.PutMemberAsync();
        using var response = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        var payload = await response.Content.ReadAsByteArrayAsync(Ct);
        var jws = response.Headers.GetValues(SignedTrustConfiguration.SignatureHeader).Single();
        using var anchor = await _host.AnchorAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(SignedTrustConfiguration.TryVerify(payload, jws, anchor, out var verified, out var error), error);
        Assert.Equal("SY/GOV/CIVREG", verified.Configuration.Members.Single().Id);
        Assert.Equal(_host.Time.GetUtcNow(), verified.Configuration.Issued);
        Assert.Equal(_host.Time.GetUtcNow() + Lifetime, verified.Configuration.Expires);
        Assert.Equal(await _host.SerialAsync(), verified.Configuration.Serial);

        for (var i = 0; i < payload.Length; i += Math.Max(1, payload.Length / 7))
        {
            var tampered = (byte[])payload.Clone();
            tampered[i] ^= 0x01;
            Assert.False(SignedTrustConfiguration.TryVerify(tampered, jws, anchor, out _, out _), $"flipping byte {i} went unnoticed");
        }
    }

    [Fact]
    public async Task Config_AfterASubscription_IsResignedAndCarriesTopicsAndSubscriptions()
    {
        await _host.PutMemberAsync("SY/GOV/POST", "Syrian Post");
        foreach (var (path, body) in new (string, object)[]
        {
            ("/admin/v1/subsystems/SY/GOV/POST/ems", new { }),
            ("/admin/v1/topics/SY/GOV/POST/ems/items", new { personalData = true, description = "EMS item events" }),
        })
        {
            using var put = await _host.PutAsync(path, body);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        }

        using var before = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        using (var subscribed = await _host.Admin.PutAsync("/admin/v1/topics/SY/GOV/POST/ems/items/subscribers/SY/GOV/POST/ems", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        }

        using var after = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        var payload = await after.Content.ReadAsByteArrayAsync(Ct);
        using var anchor = await _host.AnchorAsync();

        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.True(SignedTrustConfiguration.TryVerify(payload, after.Headers.GetValues(SignedTrustConfiguration.SignatureHeader).Single(), anchor, out var verified, out var error), error);
        Assert.Equal(await _host.SerialAsync(), verified.Configuration.Serial);
        Assert.Equal(new TopicEntry("SY/GOV/POST/ems/items", true, "EMS item events"), verified.Configuration.Topics.Single());
        Assert.Equal(new SubscriptionEntry("SY/GOV/POST/ems/items", "SY/GOV/POST/ems"), verified.Configuration.Subscriptions.Single());
    }

    [Fact]
    public async Task Config_HasETagOfPayloadAndNoCache()
    {
        using var response = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        var payload = await response.Content.ReadAsByteArrayAsync(Ct);

        var expected = $"\"{Convert.ToHexStringLower(SHA256.HashData(payload).AsSpan(0, 16))}\"";
        Assert.Equal(expected, response.Headers.ETag?.Tag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task Config_IfNoneMatchCurrentETag_Returns304WithoutBody()
    {
        using var first = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        var eTag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/trust/v1/config");
        request.Headers.IfNoneMatch.Add(eTag);
        using var second = await _host.Anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(eTag, second.Headers.ETag);
        Assert.False(second.Headers.Contains(SignedTrustConfiguration.SignatureHeader));
    }

    [Theory]
    [InlineData("*", HttpStatusCode.NotModified)]
    [InlineData("\"abc\", *", HttpStatusCode.OK)]
    [InlineData("*, \"abc\"", HttpStatusCode.OK)]
    [InlineData("\"abc\"", HttpStatusCode.OK)]
    public async Task Config_IfNoneMatchStar_OnlyAloneMeansAnything(string ifNoneMatch, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/trust/v1/config");
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);

        using var response = await _host.Anonymous.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Config_IfNoneMatchStaleETag_AfterChange_ReturnsNewConfiguration()
    {
        using var first = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        await _host.PutMemberAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/trust/v1/config");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _host.Anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        var configuration = JsonSerializer.Deserialize<JsonElement>(await second.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(await _host.SerialAsync(), configuration.GetProperty("serial").GetInt64());
    }

    [Fact]
    public async Task Config_BeforeHalfLifetime_SameDocument_AfterHalfLifetime_ResignedWithSameSerial()
    {
        var first = await _host.ConfigurationAsync();
        using var firstResponse = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);

        _host.Time.Advance(Lifetime / 2);
        using var atHalf = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);
        _host.Time.Advance(TimeSpan.FromSeconds(1));
        var resigned = await _host.ConfigurationAsync();
        using var resignedResponse = await _host.Anonymous.GetAsync("/trust/v1/config", Ct);

        Assert.Equal(firstResponse.Headers.ETag, atHalf.Headers.ETag);
        Assert.NotEqual(firstResponse.Headers.ETag, resignedResponse.Headers.ETag);
        Assert.Equal(first.Serial, resigned.Serial);
        Assert.Equal(first.Expires + (Lifetime / 2) + TimeSpan.FromSeconds(1), resigned.Expires);
        Assert.True(resigned.Issued > first.Issued);
    }

    [Fact]
    public async Task Anchor_IsPemOfTheRegistryCertificate()
    {
        using var response = await _host.Anonymous.GetAsync("/trust/v1/anchor", Ct);
        using var anchor = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("CN=Naqil registry SY", anchor.Subject);
        Assert.False(anchor.HasPrivateKey);
        Assert.True(anchor.NotAfter.ToUniversalTime() > _host.Time.GetUtcNow().AddYears(9).UtcDateTime);
    }

    [Fact]
    public async Task Health_ReportsOkAndTheSerial()
    {
        var before = await _host.Anonymous.GetFromJsonAsync<JsonElement>("/health", Ct);
        await _host.PutMemberAsync();
        var after = await _host.Anonymous.GetFromJsonAsync<JsonElement>("/health", Ct);

        Assert.Equal("ok", before.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("serial").GetInt64() + 1, after.GetProperty("serial").GetInt64());
    }

    [Fact]
    public async Task Config_IsServedWithoutAnyToken_EvenWithAWrongOne()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/trust/v1/config");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");

        using var response = await _host.Anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
