using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.MessageLog;
using Naqil.Tests.Shared;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>Exchanges through two real gateways land in both logs, signed, time-stamped, and the gateways fail closed without them.</summary>
public sealed class ExchangeLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exchange_IsLoggedByBothGateways_WithTheSameNaqilIdAndSignatures()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1?full=1");
        var naqilId = response.Headers.GetValues("Naqil-Id").Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var consumer = Assert.Single(await EntriesAsync(env.Consumer, naqilId));
        var provider = Assert.Single(await EntriesAsync(env.Provider, naqilId));
        Assert.Equal(("consumer", "ok", 200), (consumer.Side, consumer.Outcome, consumer.Status));
        Assert.Equal(("provider", "ok", 200), (provider.Side, provider.Outcome, provider.Status));
        Assert.Equal(GatewayTestEnvironment.Portal, consumer.Client);
        Assert.Equal(GatewayTestEnvironment.Persons, provider.Service);
        Assert.Equal("/persons/1?full=1", consumer.Path);
        Assert.Equal("SY/GOV/CIVREG/gw1", consumer.Peer);
        Assert.NotNull(consumer.RequestSignature);
        Assert.Equal(consumer.RequestSignature, provider.RequestSignature);
        Assert.Equal(consumer.ResponseSignature, provider.ResponseSignature);
        Assert.Equal(response.Headers.GetValues("Signature").Single(), consumer.ResponseSignature);
    }

    [Theory]
    [InlineData("/persons/x|y")]
    [InlineData("/persons/{x}?q=a|b")]
    [InlineData("/persons/%41%7C")]
    public async Task Exchange_PathThatUriWouldReescape_SentSignedAndLoggedInOneForm(string path)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var naqilId = Guid.CreateVersion7().ToString("D");

        var (status, _, _) = await RawHttp.SendAsync(env.Consumer.ConsumerUrl,
            $"GET /r1/{GatewayTestEnvironment.Persons}{path} HTTP/1.1\nNaqil-Client: {GatewayTestEnvironment.Portal}\nNaqil-Purpose: test\nNaqil-Id: {naqilId}");

        Assert.Equal(200, status);
        var consumer = Assert.Single(await EntriesAsync(env.Consumer, naqilId));
        var provider = Assert.Single(await EntriesAsync(env.Provider, naqilId));
        Assert.Equal(("ok", path), (consumer.Outcome, consumer.Path));
        Assert.Equal(("ok", path), (provider.Outcome, provider.Path));
        Assert.Equal(consumer.RequestSignature, provider.RequestSignature);
    }

    [Fact]
    public async Task Refusals_AreLoggedWithTheirCodes()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var denied = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
        using var unknown = await env.GetAsync("SY/GOV/CIVREG/registry/nothing-here", "/x");
        var deniedId = denied.Headers.GetValues("Naqil-Id").Single();
        var unknownId = unknown.Headers.GetValues("Naqil-Id").Single();

        var provider = Assert.Single(await EntriesAsync(env.Provider, deniedId));
        Assert.Equal(("access-denied", 403), (provider.Outcome, provider.Status));
        // The consumer carried the provider's signed refusal: an exchange, answered 403.
        var consumer = Assert.Single(await EntriesAsync(env.Consumer, deniedId));
        Assert.Equal(("ok", 403), (consumer.Outcome, consumer.Status));
        var refused = Assert.Single(await EntriesAsync(env.Consumer, unknownId));
        Assert.Equal(("unknown-service", 404, null), (refused.Outcome, refused.Status, refused.Peer));
        Assert.Empty(await EntriesAsync(env.Provider, unknownId));
    }

    [Fact]
    public async Task TreeHeads_AreSignedWhenTheLogGrows_AndTimestampedOncePerInterval()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(withTsa: true);
        var store = env.Consumer.MessageLog.Store;
        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1")).Dispose();

        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        var first = (await store.LatestTreeHeadAsync(Ct))!;
        var firstStamps = await store.TimestampsAsync(0, long.MaxValue, Ct);

        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/2")).Dispose();
        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        var second = (await store.LatestTreeHeadAsync(Ct))!;
        var stampsWithinInterval = await store.TimestampsAsync(0, long.MaxValue, Ct);
        await env.Consumer.TickLogAsync();
        var unchanged = (await store.LatestTreeHeadAsync(Ct))!;

        env.Time.Advance(TimeSpan.FromSeconds(60));
        await env.Consumer.TickLogAsync();
        var stamps = await store.TimestampsAsync(0, long.MaxValue, Ct);

        using var signingKey = env.Consumer.Signing.GetECDsaPublicKey()!;
        Assert.Equal(1, first.TreeSize);
        Assert.True(first.SignedHead.Head.VerifySignature(first.SignedHead.Signature, signingKey));
        Assert.Equal(env.Consumer.MessageLog.Committed!.RootHash, second.SignedHead.Head.RootHash.ToArray());
        Assert.Equal(2, second.TreeSize);
        Assert.Equal(second.TreeSize, unchanged.TreeSize);
        Assert.Equal([1], firstStamps.Select(s => s.TreeSize));
        Assert.Equal([1], stampsWithinInterval.Select(s => s.TreeSize));
        Assert.Equal([1, 2], stamps.Select(s => s.TreeSize));
        Assert.True(TimestampTokens.TryVerifyToken(stamps[1].Token, SHA256.HashData(second.SignedHead.Encode()), env.Tsa!.Certificate, out _, out var error), error);
    }

    [Fact]
    public async Task TreeHeads_AreSignedByTheHeartbeatTimer_WhenTheFakeClockMoves()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1")).Dispose();

        StoredTreeHeadProbe? head = null;
        for (var i = 0; i < 200 && head is null; i++)
        {
            env.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, Ct);
            head = await env.Consumer.MessageLog.Store.LatestTreeHeadAsync(Ct) is { } h ? new StoredTreeHeadProbe(h.TreeSize) : null;
        }

        Assert.Equal(1, head?.TreeSize);
    }

    [Fact]
    public async Task SqliteLocked_RefusesWithLogUnavailable_BackendNeverCalled_ThenRecovers()
    {
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => o with
        {
            MessageLog = o.MessageLog with { SqliteBusyTimeout = TimeSpan.FromSeconds(1) },
        });
        var database = Path.Combine(env.Consumer.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory, "messagelog.db");

        // Another process holds the write lock: the database cannot be written.
        await using (var holder = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            await holder.OpenAsync(Ct);
            await using var transaction = (SqliteTransaction)await holder.BeginTransactionAsync(Ct);
            await using (var write = holder.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = "INSERT INTO log_probe (id, at) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET at = 0";
                await write.ExecuteNonQueryAsync(Ct);
            }

            await env.Consumer.TickLogAsync();
            using var refused = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");

            await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "log-unavailable", refused);
            Assert.Equal(0, env.Backend.Calls);
            await transaction.RollbackAsync(Ct);
        }

        await env.Consumer.TickLogAsync();
        using var recovered = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(1, env.Backend.Calls);
        Assert.Single(await EntriesAsync(env.Consumer, recovered.Headers.GetValues("Naqil-Id").Single()));
    }

    [Fact]
    public async Task PostgresUnavailable_RefusesWithLogUnavailable_ThenRecovers()
    {
        var database = $"naqil_gw_{Guid.NewGuid():N}";
        var connectionString = await TestPostgres.CreateDatabaseAsync(database);
        try
        {
            await using var env = await GatewayTestEnvironment.StartAsync((member, o) => member == "SY/GOV/CIVREG"
                ? o with { MessageLog = o.MessageLog with { Storage = "postgresql", ConnectionString = connectionString } }
                : o);
            using var before = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

            await TestPostgres.SetAcceptingConnectionsAsync(database, accepting: false);
            await env.Provider.TickLogAsync();
            using var refused = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/2");

            await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "log-unavailable", refused);
            Assert.Equal(1, env.Backend.Calls);

            await TestPostgres.SetAcceptingConnectionsAsync(database, accepting: true);
            await env.Provider.TickLogAsync();
            using var recovered = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/3");

            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
            Assert.Equal(2, env.Backend.Calls);
            var entry = Assert.Single(await EntriesAsync(env.Provider, recovered.Headers.GetValues("Naqil-Id").Single()));
            Assert.Equal("provider", entry.Side);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task TsaDownPastGracePeriod_RefusesWithTimestampUnavailable_ThenRecovers()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(
            (member, o) => o with { MessageLog = o.MessageLog with { TimestampGracePeriod = TimeSpan.FromMinutes(5) } }, withTsa: true);
        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1")).Dispose();
        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        Assert.Single(await env.Consumer.MessageLog.Store.TimestampsAsync(0, long.MaxValue, Ct));

        await env.Tsa!.StopAsync();
        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/2")).Dispose();
        env.Time.Advance(TimeSpan.FromSeconds(61));
        await env.Consumer.TickLogAsync();
        using var withinGrace = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/3");
        env.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await env.Consumer.TickLogAsync();
        var calls = env.Backend.Calls;
        using var refused = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/4");

        Assert.Equal(HttpStatusCode.OK, withinGrace.StatusCode);
        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "timestamp-unavailable", refused);
        Assert.Equal(calls, env.Backend.Calls);

        await env.Tsa.StartAsync();
        env.Time.Advance(TimeSpan.FromSeconds(10));
        await env.Consumer.TickLogAsync();
        await env.Provider.TickLogAsync();
        using var recovered = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/5");

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Null(env.Consumer.MessageLog.TimestampFailingSince);
    }

    [Fact]
    public async Task FullBodyPolicy_SealsBodies_MetadataKeepsLengths_RetentionPurgesButProofsStay()
    {
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => o with
        {
            MessageLog = o.MessageLog with
            {
                BodyPolicies = [new BodyPolicyOptions { Subsystem = "SY/GOV/CIVREG/registry", Policy = "full" }],
                BodyRetention = TimeSpan.FromMinutes(2),
            },
        });
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search");
        request.Content = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await env.Client.SendAsync(request, Ct);
        var naqilId = response.Headers.GetValues("Naqil-Id").Single();
        var responseBody = await response.Content.ReadAsByteArrayAsync(Ct);
        var log = env.Consumer.MessageLog;
        var index = Assert.Single(await log.Store.FindAsync(naqilId, Ct));
        var sealedBodies = await log.Store.ReadBodiesAsync(index, Ct);

        Assert.True(log.Vault.TryOpen(index, sealedBodies, out var requestBody, out var storedResponse));
        Assert.Equal("{\"name\":\"x\"}"u8.ToArray(), requestBody);
        Assert.Equal(responseBody, storedResponse);
        Assert.DoesNotContain("name", System.Text.Encoding.Latin1.GetString(sealedBodies!.Ciphertext!), StringComparison.Ordinal);
        Assert.False(log.Vault.TryOpen(index + 1, sealedBodies, out _, out _));

        env.Time.Advance(TimeSpan.FromMinutes(3));
        await env.Consumer.TickLogAsync();
        var purged = await log.Store.ReadBodiesAsync(index, Ct);
        var size = log.Committed!.Size;
        var proof = MerkleProofs.CreateInclusionProof(new Naqil.Gateway.MessageLog.StoreLeafHashSource(log.Store, size), index, size);
        var entry = (await log.Store.ReadEntriesAsync(index, index + 1, Ct)).Single();

        Assert.True(purged!.Purged);
        Assert.Null(purged.Ciphertext);
        Assert.Equal(requestBody.Length, purged.RequestLength);
        Assert.True(MerkleProofs.VerifyInclusion(LogEntryEncoding.LeafHash(entry.Encoding), index, size, proof, log.Committed.RootHash));
    }

    [Fact]
    public async Task MetadataPolicy_ByDefault_KeepsLengthsOnly_AndNoneKeepsNothing()
    {
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => o with
        {
            MessageLog = o.MessageLog with { BodyPolicies = [new BodyPolicyOptions { Subsystem = GatewayTestEnvironment.Other, Policy = "none" }] },
        });

        using var kept = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        using var none = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
        var store = env.Consumer.MessageLog.Store;
        var keptIndex = Assert.Single(await store.FindAsync(kept.Headers.GetValues("Naqil-Id").Single(), Ct));
        var noneIndex = Assert.Single(await store.FindAsync(none.Headers.GetValues("Naqil-Id").Single(), Ct));

        var metadata = await store.ReadBodiesAsync(keptIndex, Ct);
        Assert.Null(metadata!.Ciphertext);
        Assert.Equal((await kept.Content.ReadAsByteArrayAsync(Ct)).Length, metadata.ResponseLength);
        Assert.Null(await store.ReadBodiesAsync(noneIndex, Ct));
    }

    internal static async Task<List<LogEntry>> EntriesAsync(GatewayNode node, string naqilId)
    {
        var store = node.MessageLog.Store;
        var entries = new List<LogEntry>();
        foreach (var index in await store.FindAsync(naqilId, Ct))
        {
            var stored = (await store.ReadEntriesAsync(index, index + 1, Ct)).Single();
            Assert.True(LogEntryEncoding.TryDecode(stored.Encoding, out var decodedIndex, out var entry, out var error), error);
            Assert.Equal(index, decodedIndex);
            Assert.Equal(stored.LeafHash, LogEntryEncoding.LeafHash(stored.Encoding));
            entries.Add(entry);
        }

        return entries;
    }

    private sealed record StoredTreeHeadProbe(long TreeSize);
}
