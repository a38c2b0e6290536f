using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Configuration;
using Naqil.Gateway.Configuration;

namespace Naqil.Gateway.Tests.Configuration;

/// <summary>
/// A gateway composed from a configuration file, as <c>naqil gateway --config</c> composes it:
/// every kind of bad configuration stops it at start with one line per problem naming the key.
/// </summary>
public sealed class GatewayStartTests(GatewayOptionsValidatorsTests.PemFiles files) : IClassFixture<GatewayOptionsValidatorsTests.PemFiles>, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("naqil-gw-start-");

    [Fact]
    public async Task Start_FileWrittenFromValidOptions_BindsTheSameOptions()
    {
        await using var app = Build(Json());

        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal(Valid.Member, options.Member);
        Assert.Equal(Valid.Clients[0].ApiKeySha256, options.Clients[0].ApiKeySha256);
        Assert.Equal(Path.GetFullPath(Valid.DataDirectory), app.Services.GetRequiredService<DataDirectoryLock>().Directory);
    }

    [Theory]
    [InlineData("wrong value", "Member", "\"SY/GOV\"", "Gateway:Member: ")]
    [InlineData("unknown key", "Foo", "1", "Gateway:Foo is not a known key")]
    [InlineData("unknown key from another component", "RegistryUrl", "\"http://127.0.0.1:4100\"", "Gateway:RegistryUrl is not a known key")]
    [InlineData("wrong type", "MaxBodyBytes", "\"ten megabytes\"", "Gateway:MaxBodyBytes is 'ten megabytes', which is not a whole number")]
    [InlineData("object for a value", "AdminToken", "{ \"Value\": \"x\" }", "Gateway:AdminToken is an object; it takes a single value")]
    public async Task Start_BadSetting_StopsNamingTheKey(string kind, string key, string json, string expected)
    {
        var file = Json();
        file["Gateway"]![key] = JsonNode.Parse(json);

        var failure = Assert.Single(await StartFailuresAsync(file));

        Assert.True(failure.StartsWith(expected, StringComparison.Ordinal), $"{kind}: {failure}");
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public async Task Start_ApiKeyHashAsStringNotList_StopsNamingTheKey()
    {
        var file = Json();
        file["Gateway"]!["Clients"]![0]!["ApiKeySha256"] = Valid.Clients[0].ApiKeySha256[0];

        var failure = Assert.Single(await StartFailuresAsync(file));

        Assert.StartsWith("Gateway:Clients:0:ApiKeySha256 is a single value; it takes a list", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoGatewaySection_StopsSayingSo()
    {
        var failure = Assert.Single(await StartFailuresAsync(new JsonObject { ["Gatewy"] = Json()["Gateway"]!.DeepClone() }));

        Assert.StartsWith("the configuration has no Gateway section", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DataDirectoryInUse_StopsBeforeOpeningTheMessageLog()
    {
        await using var first = Build(Json());
        _ = first.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var secondLog = Path.Combine(_directory.FullName, "second-messagelog.db");
        var file = Json();
        file["Gateway"]!["MessageLog"]!["ConnectionString"] = secondLog;

        // WebApplicationBuilder.Build already reads the options (Kestrel's listeners come from them).
        var error = Assert.Throws<OptionsValidationException>(() => Build(file));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"Gateway:DataDirectory '{Path.GetFullPath(Valid.DataDirectory)}' is in use: another gateway holds", failure, StringComparison.Ordinal);
        Assert.False(File.Exists(secondLog), "the second gateway opened its message log before it found the data directory in use");
    }

    private GatewayOptions Valid => files.Valid with { DataDirectory = Path.Combine(_directory.FullName, "data") };

    private JsonObject Json() => JsonSerializer.SerializeToNode(new { Gateway = Valid })!.AsObject();

    private WebApplication Build(JsonObject file)
    {
        var path = Path.Combine(_directory.FullName, $"gateway-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, file.ToJsonString());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddJsonFile(path);
        builder.AddNaqilGateway();
        return builder.Build();
    }

    private async Task<IReadOnlyList<string>> StartFailuresAsync(JsonObject file)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = Build(file);
            app.MapNaqilGateway();
            await app.StartAsync(TestContext.Current.CancellationToken);
        });
        return [.. error.Failures];
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
