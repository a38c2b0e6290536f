using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>
/// One gateway pair for a whole corpus class: rows run one after another against the same hosts,
/// which is also the point — each row must leave them serving for the next.
/// </summary>
public sealed class SharedGateway : IAsyncLifetime
{
    internal GatewayTestEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Env = await GatewayTestEnvironment.StartAsync();

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();

    /// <summary>A normal exchange through both gateways still succeeds, and reaches the backend once.</summary>
    internal async Task AssertStillServingAsync()
    {
        var calls = Env.Backend.Calls;
        using var response = await Env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(calls + 1, Env.Backend.Calls);
    }
}

internal static class WireAssert
{
    /// <summary>
    /// "kestrel" rows: Kestrel's own parser refused before any of our code ran — a bare 4xx is
    /// acceptable there, but never a 2xx or a 5xx. Any other row: our problem+json with that code
    /// in the body and in Naqil-Error.
    /// </summary>
    public static void Refused(WireAnswer answer, int status, string code)
    {
        Assert.True(answer.Answered, $"expected {status} {code}, got {answer}");
        Assert.True(status == answer.Status, $"expected {status} {code}, got {answer}");
        if (code == "kestrel")
        {
            Assert.Null(answer.Header("Naqil-Error"));
            return;
        }

        Assert.Equal("application/problem+json", answer.Header("Content-Type")?.Split(';')[0]);
        Assert.Equal(code, answer.Header("Naqil-Error"));
        Assert.Contains($"\"code\":\"{code}\"", answer.Body, StringComparison.Ordinal);
    }
}
