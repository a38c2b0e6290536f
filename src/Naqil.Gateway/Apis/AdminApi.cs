using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.NativeMemory;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;

namespace Naqil.Gateway.Apis;

/// <summary>
/// The gateway's admin API, on the consumer face only (the member's own network), behind a
/// bearer token: access rules, status, the message log and runtime figures.
/// </summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/v1");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (GatewayFaces.Of(http) != GatewayFace.Consumer)
            {
                await new GatewayProblem(GatewayError.NotFound, "the admin API is served on the consumer face only").WriteAsync(http, null);
                return null;
            }

            var expected = http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.AdminToken;
            if (!IsAuthorized(http.Request.Headers.Authorization.ToString(), expected))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await new GatewayProblem(GatewayError.Unauthorized, "send Authorization: Bearer <the gateway's admin token>").WriteAsync(http, null);
                return null;
            }

            return await next(context);
        });

        group.MapGet("/acl", async (AccessControlList acl, CancellationToken ct) => TypedResults.Ok(await acl.ListAsync(ct)));
        group.MapPut("/acl", PutRuleAsync);
        group.MapDelete("/acl", DeleteRulesAsync);
        group.MapGet("/status", (TrustState trust, TimeProvider time) =>
        {
            var current = trust.Current;
            return TypedResults.Ok(new
            {
                trust = current is null ? null : new { instance = current.Configuration.Instance, serial = current.Serial, issued = current.Issued, expires = current.Expires },
                fresh = trust.TryGetFresh(out _),
                now = time.GetUtcNow(),
            });
        });
        group.MapGet("/runtime", Runtime);
        group.MapEventsAdminApi();
        group.MapLogApi();
        return group;
    }

    /// <summary>
    /// The process's runtime figures, cumulative since it started: read them before and after a run
    /// of exchanges and divide by the exchanges to get allocations and collections per exchange.
    /// Cheap to read (no collection is forced); <c>precise: false</c> leaves out at most the few KB
    /// each thread has allocated since its allocation context was last refilled.
    /// </summary>
    private static Ok<RuntimeFigures> Runtime(RefusalCounts refusals)
    {
        var gc = GC.GetGCMemoryInfo();
        var malloc = NativeHeap.Malloc();
        var trims = NativeHeapTrimmer.Totals;
        return TypedResults.Ok(new RuntimeFigures(
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            gc.HeapSizeBytes,
            gc.TotalCommittedBytes,
            GC.GetTotalPauseDuration().TotalMilliseconds,
            Environment.WorkingSet,
            ThreadPool.ThreadCount,
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            malloc?.InUseBytes,
            malloc?.FreeBytes,
            NativeHeap.Sqlite(),
            trims.Trims,
            trims.ReleasedBytes)
        {
            Refusals = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal)
            {
                ["consumer"] = refusals.Snapshot("consumer"),
                ["provider"] = refusals.Snapshot("provider"),
                ["publisher"] = refusals.Snapshot("publisher"),
                ["subscriber"] = refusals.Snapshot("subscriber"),
            },
        });
    }

    private static async Task<Results<Ok<AclRule>, ProblemResult>> PutRuleAsync(HttpRequest request, AccessControlList acl, CancellationToken ct)
    {
        AclRuleOptions? rule;
        try
        {
            rule = await request.ReadFromJsonAsync<AclRuleOptions>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            rule = null;
        }

        if (rule is null)
        {
            return Problem(GatewayError.BadRequest, "send a JSON body {\"service\": \"SY/GOV/CIVREG/registry/persons\", \"client\": \"SY/GOV/MOCT/portal\", \"methods\": [\"GET\"], \"pathPrefix\": \"/persons/\"}");
        }

        if (AclRuleValidation.Check(rule) is { } error)
        {
            return Problem(GatewayError.BadIdentifier, error);
        }

        var stored = new AclRule(rule.Service, rule.Client, rule.Methods, rule.PathPrefix);
        await acl.AddAsync(stored, ct);
        return TypedResults.Ok(stored);
    }

    private static async Task<Results<Ok<object>, ProblemResult>> DeleteRulesAsync(string? service, string? client, AccessControlList acl, CancellationToken ct)
    {
        if (AclRuleValidation.Check(new AclRuleOptions { Service = service ?? "", Client = client ?? "" }) is { } error)
        {
            return Problem(GatewayError.BadIdentifier, $"{error}; call DELETE /admin/v1/acl?service=...&client=...");
        }

        var removed = await acl.RemoveAsync(service!, client!, ct);
        return TypedResults.Ok<object>(new { removed });
    }

    private static ProblemResult Problem(GatewayError error, string detail) => new(new GatewayProblem(error, detail));

    private static bool IsAuthorized(string header, string expected)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}

/// <param name="AllocatedBytes">Bytes allocated on the managed heap since the process started.</param>
/// <param name="Gen0Collections">Collections of generation 0 since start (each gen 1 or 2 collection counts here too).</param>
/// <param name="Gen1Collections">Collections of generation 1 since start (each gen 2 collection counts here too).</param>
/// <param name="Gen2Collections">Full collections since start.</param>
/// <param name="HeapSizeBytes">Managed heap size after the last collection.</param>
/// <param name="CommittedBytes">Memory the GC has committed from the OS.</param>
/// <param name="GcPauseMilliseconds">Time the process was paused for collections since start.</param>
/// <param name="WorkingSetBytes">Resident memory of the whole process (managed, native, code).</param>
/// <param name="ThreadPoolThreads">Thread-pool threads now.</param>
/// <param name="GcMode"><c>workstation</c> or <c>server</c>.</param>
/// <param name="MallocInUseBytes">Native memory allocated through glibc's malloc and not freed; null without glibc 2.33 or later.</param>
/// <param name="MallocFreeBytes">Memory glibc's malloc holds free in its arenas (resident once touched, not returned to the OS).</param>
/// <param name="SqliteBytes">Of the native memory in use, what SQLite holds (page caches, prepared statements).</param>
/// <param name="MallocTrims">Times malloc's free pages were handed back to the system (<c>Gateway:NativeHeapTrimInterval</c>).</param>
/// <param name="MallocTrimmedBytes">Resident memory those trims gave back, in all.</param>
internal sealed record RuntimeFigures(long AllocatedBytes, int Gen0Collections, int Gen1Collections, int Gen2Collections, long HeapSizeBytes, long CommittedBytes,
    double GcPauseMilliseconds, long WorkingSetBytes, int ThreadPoolThreads, string GcMode, long? MallocInUseBytes, long? MallocFreeBytes, long SqliteBytes,
    long MallocTrims, long MallocTrimmedBytes)
{
    /// <summary>Exchanges refused since the process started, by face and then by code (codes never refused are left out).</summary>
    public required IReadOnlyDictionary<string, SortedDictionary<string, long>> Refusals { get; init; }
}
