using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.LoadHarness.Scale;

/// <summary>
/// How a trust configuration's cost grows with the number of members (each with one subsystem, one
/// service and one gateway with its own TLS and signing certificates): signing at the registry,
/// fetching over loopback HTTP, and what a gateway does when it adopts the fetched document — the
/// gateway's own code, not a copy: <c>TrustSnapshot.TryVerifyAndIndex</c> timed whole (the total,
/// which the budget line reads), then its three steps apart (the detached JWS, the JSON, the index).
/// </summary>
internal static class TrustScale
{
    /// <summary>Each time is the median of this many runs.</summary>
    private const int Runs = 5;

    public static async Task<IReadOnlyList<TrustScaleRow>> RunAsync(IReadOnlyList<int> sizes, Action<string> progress)
    {
        using var anchorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var anchor = new CertificateRequest("CN=SY registry (load harness)", anchorKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        progress($"generating {2 * sizes.Max():N0} gateway certificates");
        var certificates = Certificates(2 * sizes.Max());
        var rows = new List<TrustScaleRow>();
        byte[] payload = [];
        var jws = "";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = Targets.Workspace.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.MapGet("/trust/v1/config", (HttpContext context) =>
        {
            context.Response.Headers[SignedTrustConfiguration.SignatureHeader] = jws;
            return TypedResults.Bytes(payload, "application/json");
        });
        await app.StartAsync();
        using var http = new HttpClient();

        foreach (var members in sizes)
        {
            progress($"trust configuration with {members:N0} members");
            var configuration = Build(members, certificates);
            var sign = Median(Runs, () => SignedTrustConfiguration.Sign(configuration, anchorKey, anchor), out var signed);
            payload = signed.Payload;
            jws = signed.Jws;
            List<double> fetchTimes = [];
            byte[] fetched = [];
            string? fetchedJws = null;
            for (var i = 0; i < Runs; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/trust/v1/config");
                fetched = await response.Content.ReadAsByteArrayAsync();
                fetchedJws = response.Headers.GetValues(SignedTrustConfiguration.SignatureHeader).Single();
                fetchTimes.Add(clock.Elapsed.TotalMilliseconds);
            }

            // What a gateway does with the fetched document: TrustSnapshot.TryVerifyAndIndex, the very
            // method the poller calls, here with no previous snapshot. The first call at each size is
            // reported on its own: the process has not yet grown its heap for a document this large, as
            // a gateway that has just started. The following calls are interleaved with the method's
            // three steps timed apart (the same calls, in the same order), so that each sees the same
            // machine and the same heap; each figure is the median of its runs.
            var first = Time(() => Adopt(fetched, fetchedJws, anchor, configuration.Instance, null), out var indexed);
            // The registry re-signs the same members under the next serial; the gateway holds the first.
            var next = SignedTrustConfiguration.Sign(configuration with { Serial = configuration.Serial + 1 }, anchorKey, anchor);
            List<double> total = [], verify = [], parse = [], index = [], nextSerial = [];
            for (var run = 0; run < Runs; run++)
            {
                total.Add(Time(() => Adopt(fetched, fetchedJws, anchor, configuration.Instance, null), out _));
                verify.Add(Time(() => SignedTrustConfiguration.TryVerifySignature(fetched, fetchedJws, anchor, out var error)
                    ? true : throw new HarnessException($"the harness's own configuration did not verify: {error}"), out _));
                parse.Add(Time(() => SignedTrustConfiguration.TryParseVerified(fetched, fetchedJws!, out var verified, out var error)
                    ? verified : throw new HarnessException($"the harness's own configuration did not parse: {error}"), out var parsed));
                index.Add(Time(() => TrustSnapshot.TryCreate(parsed, null, out var snapshot, out var error)
                    ? snapshot : throw new HarnessException($"the gateway refused the harness's configuration: {error}"), out _));
                nextSerial.Add(Time(() => Adopt(next.Payload, next.Jws, anchor, configuration.Instance, indexed), out _));
            }

            var lookup = LookupNanoseconds(indexed, configuration);
            rows.Add(new TrustScaleRow(members, payload.Length, sign, Median(fetchTimes), Median(verify), Median(parse), Median(index), Median(total), first, Median(nextSerial), lookup));
        }

        await app.StopAsync();
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        return rows;
    }

    private static TrustConfiguration Build(int members, IReadOnlyList<X509Certificate2> certificates)
    {
        var now = DateTimeOffset.UtcNow;
        var memberEntries = new List<MemberEntry>(members);
        var subsystems = new List<SubsystemEntry>(members);
        var services = new List<ServiceEntry>(members);
        var gateways = new List<GatewayEntry>(members);
        for (var i = 0; i < members; i++)
        {
            var member = $"SY/{(i % 3) switch { 0 => "GOV", 1 => "COM", _ => "ORG" }}/M{i:D5}";
            memberEntries.Add(new MemberEntry(member, $"Member number {i} / العضو رقم {i}"));
            subsystems.Add(new SubsystemEntry($"{member}/system"));
            services.Add(new ServiceEntry($"{member}/system/records", PersonalData: i % 2 == 0, Description: "Records held by this member: GET /records/{id}"));
            gateways.Add(new GatewayEntry(member, "gw1", $"https://gw{i}.members.sy.example:8443",
                certificates[2 * i].RawData, certificates[(2 * i) + 1].RawData));
        }

        return new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = now,
            Expires = now.AddMinutes(10),
            Members = memberEntries,
            Subsystems = subsystems,
            Services = services,
            Gateways = gateways,
        };
    }

    private static List<X509Certificate2> Certificates(int count)
    {
        var list = new List<X509Certificate2>(count);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < count; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=gateway {i}", key, HashAlgorithmName.SHA256);
            var certificate = request.CreateSelfSigned(notBefore, notBefore.AddDays(365));
            list.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
            certificate.Dispose();
        }

        return list;
    }

    private static double Median<T>(int runs, Func<T> action, out T last)
    {
        var times = new List<double>(runs);
        last = default!;
        for (var i = 0; i < runs; i++)
        {
            times.Add(Time(action, out last));
        }

        return Median(times);
    }

    private static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

    private static double Time<T>(Func<T> action, out T result)
    {
        var clock = Stopwatch.StartNew();
        result = action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static TrustSnapshot Adopt(byte[] payload, string? jws, X509Certificate2 anchor, string instance, TrustSnapshot? previous) =>
        TrustSnapshot.TryVerifyAndIndex(payload, jws, anchor, instance, previous, out var snapshot, out var error)
            ? snapshot : throw new HarnessException($"the gateway refused the harness's configuration: {error}");

    /// <summary>Mean time of the per-exchange lookups (service, subsystem, peer by TLS thumbprint), in ns.</summary>
    private static double LookupNanoseconds(TrustSnapshot snapshot, TrustConfiguration configuration)
    {
        var services = configuration.Services.Select(s => s.Id).ToArray();
        var subsystems = configuration.Subsystems.Select(s => s.Id).ToArray();
        var thumbprints = snapshot.AllGateways.Select(g => g.TlsThumbprint).ToArray();
        const int Rounds = 200_000;
        var found = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            found += snapshot.TryGetService(services[i % services.Length], out _) ? 1 : 0;
            found += snapshot.HasSubsystem(subsystems[i % subsystems.Length]) ? 1 : 0;
            found += snapshot.TryGetGatewayByTls(thumbprints[i % thumbprints.Length], out _) ? 1 : 0;
        }

        return found == 3 * Rounds ? clock.Elapsed.TotalNanoseconds / Rounds : throw new HarnessException("an indexed entry was not found");
    }
}

/// <summary>
/// Times in milliseconds (medians of <see cref="TrustScale"/>'s runs), lookup in nanoseconds per
/// exchange (three lookups). <see cref="VerifyAndIndexMs"/> is the gateway's whole adoption path
/// timed as one, not the sum of its steps; <see cref="FirstMs"/> is the first such call at this
/// size, before the heap has grown for it; <see cref="NextSerialMs"/> is the same path for the next
/// serial of the same members, with the first snapshot held.
/// </summary>
internal sealed record TrustScaleRow(int Members, int PayloadBytes, double SignMs, double FetchMs, double VerifyMs, double ParseMs, double IndexMs,
    double VerifyAndIndexMs, double FirstMs, double NextSerialMs, double LookupNs);
