using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>The log's proofs over the admin API, checked with the Core verifiers against the signed head.</summary>
public sealed class LogApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proofs_FromTheAdminApi_VerifyAgainstSignedTreeHeads()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var first = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        for (var i = 0; i < 4; i++)
        {
            (await env.GetAsync(GatewayTestEnvironment.Persons, $"/persons/{i}")).Dispose();
        }

        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        var naqilId = first.Headers.GetValues("Naqil-Id").Single();

        var heads = await GetAsync(env, "/admin/v1/log/tree-heads?from=1");
        var inclusion = await GetAsync(env, $"/admin/v1/log/inclusion?naqilId={naqilId}&side=consumer");
        var consistency = await GetAsync(env, "/admin/v1/log/consistency?first=1&second=5");
        var entries = await GetAsync(env, "/admin/v1/log/entries?start=0&count=2");

        var signed = heads.GetProperty("treeHeads").EnumerateArray()
            .Select(h => SignedTreeHead.TryDecode(h.GetProperty("encoded").GetBytesFromBase64(), out var s) ? s : null).ToList();
        Assert.Equal([1, 5], signed.Select(s => s!.Head.TreeSize));
        using var key = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(env.Consumer.Signing)!;
        Assert.All(signed, s => Assert.True(s!.Head.VerifySignature(s.Signature, key)));
        var entry = inclusion.GetProperty("entry").GetBytesFromBase64();
        Assert.True(LogEntryEncoding.TryDecode(entry, out var index, out var decoded, out _));
        Assert.Equal(naqilId, decoded.NaqilId);
        Assert.True(MerkleProofs.VerifyInclusion(LogEntryEncoding.LeafHash(entry), index, 5, Proof(inclusion), signed[1]!.Head.RootHash));
        Assert.True(MerkleProofs.VerifyConsistency(1, 5, signed[0]!.Head.RootHash, signed[1]!.Head.RootHash, Proof(consistency)));
        Assert.Equal(2, entries.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task LogApi_WithoutTheAdminToken_IsRefused()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.Client.GetAsync($"{env.Consumer.ConsumerUrl}/admin/v1/log/entries?start=0", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static byte[][] Proof(JsonElement element) => element.GetProperty("proof").EnumerateArray().Select(p => p.GetBytesFromBase64()).ToArray();

    private static async Task<JsonElement> GetAsync(GatewayTestEnvironment env, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, env.Consumer.ConsumerUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken);
        using var response = await env.Client.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
