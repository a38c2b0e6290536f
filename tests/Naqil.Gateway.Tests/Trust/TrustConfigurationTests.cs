using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>How gateways follow the registry: fail closed on expiry, refuse rollback and forgeries, revoke within one poll.</summary>
public sealed class TrustConfigurationTests
{
    [Fact]
    public async Task Expired_RefusedWithConfigExpired_ThenResumesOnFreshConfiguration()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using (var before = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, before);
        }

        env.Time.Advance(TimeSpan.FromMinutes(11));
        using (var expired = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1"))
        {
            await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", expired);
        }

        Assert.Equal(1, env.Backend.Calls);
        await env.PublishAsync(env.Configuration());
        using var resumed = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, resumed);
        Assert.Equal(2, env.Backend.Calls);
    }

    [Fact]
    public async Task Expired_OnProviderOnly_ProviderRefusesWithConfigExpired_BackendNeverCalled()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        // The consumer gets a configuration that lives longer; the provider keeps the one that expires.
        var providerHolds = env.Provider.Trust.Current!.Signed;
        env.Registry.Publish(env.Configuration() with { Expires = env.Time.GetUtcNow().AddHours(1) });
        Assert.True(await env.Consumer.RefreshTrustAsync());
        env.Registry.Publish(providerHolds);
        env.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.True(env.Consumer.Trust.TryGetFresh(out _));
        Assert.False(env.Provider.Trust.TryGetFresh(out _));

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");

        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task LowerSerial_Ignored_TrafficGoesOn()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var held = env.Consumer.Trust.Current!.Serial;
        // An older document that would cut the provider off, were it adopted.
        env.Registry.Publish(env.Configuration([env.Consumer.Entry()]) with { Serial = held - 1 });

        Assert.False(await env.Consumer.RefreshTrustAsync());
        Assert.False(await env.Provider.RefreshTrustAsync());

        Assert.Equal(held, env.Consumer.Trust.Current!.Serial);
        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task SignedWithWrongKey_Refused()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var held = env.Consumer.Trust.Current!.Serial;
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = new CertificateRequest("CN=Impostor registry", impostorKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        env.Registry.Publish(SignedTrustConfiguration.Sign(env.Configuration(), impostorKey, impostor));

        Assert.False(await env.Consumer.RefreshTrustAsync());

        Assert.Equal(held, env.Consumer.Trust.Current!.Serial);
    }

    [Fact]
    public async Task VouchingForAnotherInstance_RefusedWhole()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var held = env.Consumer.Trust.Current!.Serial;
        var configuration = env.Configuration();
        env.Registry.Publish(configuration with { Members = [.. configuration.Members, new MemberEntry("IQ/GOV/POST", "Iraqi Post")] });

        Assert.False(await env.Consumer.RefreshTrustAsync());

        Assert.Equal(held, env.Consumer.Trust.Current!.Serial);
    }

    [Fact]
    public async Task ConsumerGatewayRemoved_ProviderRefusesWithinOnePoll()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using (var before = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, before);
        }

        env.Registry.Publish(env.Configuration([env.Provider.Entry()]));
        Assert.True(await env.Provider.RefreshTrustAsync());

        using var after = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        Assert.NotEqual(HttpStatusCode.OK, after.StatusCode);
        var code = Assert.Single(after.Headers.GetValues("Naqil-Error"));
        Assert.Contains(code, new[] { "unknown-peer", "provider-unreachable" });
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task RestartedGateway_ServesFromSavedConfiguration_WhileRegistryIsDown()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        // The saved document is verified again on load; a gateway data folder holds it.
        var saved = Path.Combine(env.Consumer.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Naqil.Gateway.Configuration.GatewayOptions>>().Value.DataDirectory, "trust-config.json");
        Assert.True(File.Exists(saved));
        var signed = env.Consumer.Trust.Current!.Signed;
        Assert.True(SignedTrustConfiguration.TryVerify(await File.ReadAllBytesAsync(saved, TestContext.Current.CancellationToken), signed.Jws, env.Registry.Anchor, out var reloaded, out var error), error);
        Assert.Equal(signed.Configuration.Serial, reloaded.Configuration.Serial);
    }

    [Fact]
    public async Task Health_ReportsFreshness()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using (var fresh = await env.Client.GetAsync($"{env.Consumer.ConsumerUrl}/health", TestContext.Current.CancellationToken))
        {
            ResponseAssert.Status(HttpStatusCode.OK, fresh);
        }

        env.Time.Advance(TimeSpan.FromMinutes(11));
        using var stale = await env.Client.GetAsync($"{env.Consumer.ConsumerUrl}/health", TestContext.Current.CancellationToken);
        ResponseAssert.Status(HttpStatusCode.ServiceUnavailable, stale);
        Assert.Contains("config-expired", await stale.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
