using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Pipeline;

/// <summary>The console line a refusal writes names its code and why, never the person the path names.</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public async Task AccessDenied_PathWithNationalId_LoggedWithoutThePath()
    {
        const string nationalId = "01010000001";
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var denied = await env.GetAsync(GatewayTestEnvironment.Persons, $"/persons/{nationalId}", GatewayTestEnvironment.Other);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", denied);
        var refusal = Assert.Single(env.Provider.Logs.Lines, l => l.Contains("access-denied", StringComparison.Ordinal));
        Assert.Contains(GatewayTestEnvironment.Other, refusal, StringComparison.Ordinal);
        // The gateway's own lines; ASP.NET Core's per-request lines are off in naqil (ComponentHostTests).
        Assert.DoesNotContain(env.Provider.Logs.Lines.Concat(env.Consumer.Logs.Lines), l => l.Contains("Naqil.", StringComparison.Ordinal) && l.Contains(nationalId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusedClientName_WithControlCharacters_EscapedInConsoleAndMessageLog()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{env.Consumer.ConsumerUrl}/r1/{GatewayTestEnvironment.Persons}/persons/1");
        var named = "SY/GOV/MOCT/x\\y\u001b[31mred" + new string('z', 400);
        Assert.True(request.Headers.TryAddWithoutValidation("Naqil-Client", named));

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, "bad-identifier", response);
        var refusal = Assert.Single(env.Consumer.Logs.Lines, l => l.Contains("bad-identifier", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', refusal);
        var entry = Assert.Single(await MessageLog.ExchangeLogTests.EntriesAsync(env.Consumer, response.Headers.GetValues("Naqil-Id").Single()));
        Assert.StartsWith("SY/GOV/MOCT/x\\\\y\\u001b[31mredzzz", entry.Client, StringComparison.Ordinal);
        Assert.EndsWith("...[cut]", entry.Client, StringComparison.Ordinal);
        Assert.Equal(256 + "...[cut]".Length, entry.Client.Length);
    }
}
