using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.Exchange;

public sealed class HappyPathTests
{
    [Fact]
    public async Task Get_ThroughBothGateways_ReturnsBackendAnswerWithBothSignatures()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/01010000001");

        ResponseAssert.Status(HttpStatusCode.OK, response);
        var person = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("01010000001", person.GetProperty("nationalId").GetString());
        Assert.True(Guid.TryParse(Header(response, "Naqil-Id"), out _));
        Assert.Equal(1, env.Backend.Calls);
        var backendSaw = Assert.Single(env.Backend.ReceivedHeaders);
        Assert.Equal(GatewayTestEnvironment.Portal, backendSaw["Naqil-Client"].ToString());
        Assert.Equal(Header(response, "Naqil-Id"), backendSaw["Naqil-Id"].ToString());
        AssertEvidenceVerifies(env, response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Post_ThroughBothGateways_CarriesBodyAndReturnsSignedAnswer()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search");
        request.Content = new StringContent("{\"familyName\":\"الحلبي\"}", Encoding.UTF8, "application/json");

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal("{\"echo\":{\"familyName\":\"الحلبي\"}}", Encoding.UTF8.GetString(body));
        Assert.Equal(1, env.Backend.Calls);
        AssertEvidenceVerifies(env, response, body);
    }

    [Fact]
    public async Task Get_WithClientChosenId_KeepsThatIdEndToEnd()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var id = Guid.NewGuid().ToString("D");
        using var request = env.Request(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/7");
        request.Headers.Add("Naqil-Id", id);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(id, Header(response, "Naqil-Id"));
        Assert.Equal(id, Assert.Single(env.Backend.ReceivedHeaders)["Naqil-Id"].ToString());
    }

    [Fact]
    public async Task Get_WithoutId_GetsTimeOrderedIdsCarryingTheirTime()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var first = env.Time.GetUtcNow();

        using var one = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7");
        env.Time.Advance(TimeSpan.FromMilliseconds(5));
        using var two = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7");

        ResponseAssert.Status(HttpStatusCode.OK, one);
        ResponseAssert.Status(HttpStatusCode.OK, two);
        var ids = new[] { Header(one, "Naqil-Id"), Header(two, "Naqil-Id") };
        foreach (var id in ids)
        {
            Assert.Equal(7, Guid.ParseExact(id, "D").Version);
            Assert.Equal(id.ToLowerInvariant(), id);
        }

        // UUIDv7: the first 48 bits are the Unix time in milliseconds, so the ids sort by time.
        Assert.Equal(first.ToUnixTimeMilliseconds(), UnixMilliseconds(ids[0]));
        Assert.Equal(first.ToUnixTimeMilliseconds() + 5, UnixMilliseconds(ids[1]));
        Assert.True(string.CompareOrdinal(ids[0], ids[1]) < 0, $"{ids[0]} should sort before {ids[1]}");

        static long UnixMilliseconds(string id) =>
            long.Parse(id.Replace("-", "", StringComparison.Ordinal)[..12], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Get_BackendError_PassesThroughUntouchedAndSigned()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/not-found");

        ResponseAssert.Status(HttpStatusCode.NotFound, response);
        Assert.False(response.Headers.Contains("Naqil-Error"));
        Assert.Contains("no such thing", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertEvidenceVerifies(env, response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// What a client (or an auditor) can check with any RFC 9421 implementation: the provider's
    /// signature over the response, bound to the consumer's signature over the request.
    /// </summary>
    private static void AssertEvidenceVerifies(GatewayTestEnvironment env, HttpResponseMessage response, byte[] body)
    {
        var requestSignature = Header(response, "Naqil-Request-Signature");
        var responseView = new HttpMessageComponents
        {
            Status = (int)response.StatusCode,
            GetHeader = name => response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v) ? string.Join(", ", v) : null,
        };
        var requestView = new HttpMessageComponents { GetHeader = name => name == "signature" ? requestSignature : null };
        Assert.True(HttpMessageSignatures.TryParse(Header(response, "Signature-Input"), Header(response, "Signature"), "naqil", out var parsed, out _, out var detail), detail);
        Assert.Equal("naqil-response", parsed.Parameters.Tag);
        using var providerKey = env.Provider.Signing.GetECDsaPublicKey()!;
        Assert.True(HttpMessageSignatures.Verify(responseView, requestView, parsed, providerKey, out var failure, out detail), $"{failure}: {detail}");
        Assert.True(ContentDigest.Verify(Header(response, "Content-Digest"), body));

        // The request half: signed by the consumer gateway over what it sent.
        Assert.True(HttpMessageSignatures.TryParse(Header(response, "Naqil-Request-Signature-Input"), requestSignature, "naqil", out var request, out _, out detail), detail);
        Assert.Equal("naqil-request", request.Parameters.Tag);
        Assert.Equal(Convert.ToHexStringLower(env.Consumer.Signing.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)), request.Parameters.KeyId);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
}
