using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Registry.Configuration;

namespace Naqil.Registry.Tests.Configuration;

public sealed class RegistryOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static readonly RegistryOptions Valid = new() { Instance = "SY", DataDirectory = "/tmp/x", AdminToken = "0123456789abcdef" };

    private static readonly Dictionary<string, (IRegistryOptionsValidator Validator, RegistryOptions Options, string Expected)> Table = new()
    {
        ["instance spelt out"] = (new InstanceValidator(), Valid with { Instance = "Syria" }, "Registry:Instance: "),
        ["instance lower case"] = (new InstanceValidator(), Valid with { Instance = "sy" }, "Registry:Instance: "),
        ["data directory"] = (new InstanceValidator(), Valid with { DataDirectory = " " }, "Registry:DataDirectory is empty"),
        ["storage unknown"] = (new StorageValidator(), Valid with { Storage = "postgres" }, "Registry:Storage is 'postgres'; use sqlite"),
        ["postgresql without a connection string"] = (new StorageValidator(), Valid with { Storage = "postgresql" }, "Registry:ConnectionString is empty; PostgreSQL needs one"),
        ["sqlite with a connection string"] = (new StorageValidator(), Valid with { ConnectionString = "Host=db" }, "Registry:ConnectionString is set but Registry:Storage is sqlite"),
        ["token short"] = (new AdminTokenValidator(), Valid with { AdminToken = "short" }, "Registry:AdminToken must be at least 16 characters"),
        ["token with space"] = (new AdminTokenValidator(), Valid with { AdminToken = "0123456789 abcdef" }, "Registry:AdminToken contains whitespace"),
        ["url not a url"] = (new AddressesValidator(), Valid with { Url = "4100" }, "Registry:Url is '4100'"),
        ["url with a path"] = (new AddressesValidator(), Valid with { Url = "http://127.0.0.1:4100/registry" }, "Registry:Url is 'http://127.0.0.1:4100/registry'; write where the registry listens"),
        ["public url"] = (new AddressesValidator(), Valid with { PublicUrl = "registry.sy" }, "Registry:PublicUrl is 'registry.sy'"),
        ["lifetime zero"] = (new TrustConfigurationValidator(), Valid with { ConfigurationLifetime = TimeSpan.Zero }, "Registry:ConfigurationLifetime is 00:00:00"),
        ["lifetime a month"] = (new TrustConfigurationValidator(), Valid with { ConfigurationLifetime = TimeSpan.FromDays(30) }, "Registry:ConfigurationLifetime is 30.00:00:00"),
        ["tsa url"] = (new TsasValidator(), Valid with { Tsas = [new ExternalTsaOptions { Url = "tsa", CertificateFile = typeof(RegistryOptionsTests).Assembly.Location }] }, "Registry:Tsas:0:Url is 'tsa'"),
        ["tsa certificate"] = (new TsasValidator(), Valid with { Tsas = [new ExternalTsaOptions { Url = "https://tsa.example/tsa", CertificateFile = "/nonexistent.pem" }] }, "Registry:Tsas:0:CertificateFile is '/nonexistent.pem'"),
    };

    public static TheoryData<string> Cases => new(Table.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validator_WrongValue_FailsNamingTheKey(string name)
    {
        var (validator, options, expected) = Table[name];
        var passing = new List<string>();
        var failing = new List<string>();

        validator.Validate(Valid with { PublicUrl = "https://registry.sy.example" }, passing);
        validator.Validate(options, failing);

        Assert.Empty(passing);
        Assert.StartsWith(expected, Assert.Single(failing), StringComparison.Ordinal);
    }

    [Fact]
    public void RegistryOptionsValidator_RunsEveryConcern()
    {
        Assert.Equal(Table.Values.Select(c => c.Validator.GetType()).Distinct().Count(), RegistryOptionsValidator.Concerns.Count);
        var result = new RegistryOptionsValidator().Validate(null, Valid with { Instance = "x", AdminToken = "", Url = "" });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Equal(TimeSpan.FromMinutes(10), Valid.ConfigurationLifetime);
    }

    [Fact]
    public async Task Start_InvalidOptionsInCode_StopsNamingTheKeys()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(services => services.AddNaqilRegistry(Valid with { DataDirectory = _directory.Path, AdminToken = "short", PublicUrl = "registry.sy" })));

        Assert.Collection(error.Failures,
            f => Assert.StartsWith("Registry:AdminToken must be at least 16", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Registry:PublicUrl is 'registry.sy'", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wrong value", "\"Url\": \"127.0.0.1:4100\"", "Registry:Url is '127.0.0.1:4100'")]
    [InlineData("unknown key", "\"Bogus\": 1", "Registry:Bogus is not a known key")]
    [InlineData("misspelt key", "\"AdminTokn\": \"x\"", "Registry:AdminTokn is not a known key; remove it or correct its name (did you mean AdminToken?)")]
    [InlineData("wrong shape", "\"Tsas\": \"https://tsa.example/tsa\"", "Registry:Tsas is a single value; it takes a list")]
    [InlineData("wrong type", "\"ConfigurationLifetime\": \"ten minutes\"", "Registry:ConfigurationLifetime is 'ten minutes', which is not a duration")]
    [InlineData("storage misspelt", "\"Storage\": \"PostgreSQL\", \"ConnectionString\": \"Host=db\"", "Registry:Storage is 'PostgreSQL'; use sqlite")]
    public async Task Start_BadConfigurationFile_StopsNamingTheKey(string kind, string setting, string expected)
    {
        var json = $$"""{ "Registry": { "Instance": "SY", "DataDirectory": "{{_directory.Path}}", "AdminToken": "0123456789abcdef", {{setting}} } }""";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(services => services.AddNaqilRegistry(), json));

        var failure = Assert.Single(error.Failures);
        Assert.True(failure.StartsWith(expected, StringComparison.Ordinal), $"{kind}: {failure}");
    }

    [Fact]
    public async Task Start_ValidConfigurationFile_BindsTheSection()
    {
        var json = $$"""{ "Registry": { "Instance": "IQ", "DataDirectory": "{{_directory.Path}}", "AdminToken": "0123456789abcdef", "Url": "http://127.0.0.1:4200", "ConfigurationLifetime": "00:05:00" } }""";

        await using var app = await StartAsync(services => services.AddNaqilRegistry(), json);

        var options = app.Services.GetRequiredService<RegistryOptions>();
        Assert.Equal(("IQ", "http://127.0.0.1:4200", TimeSpan.FromMinutes(5)), (options.Instance, options.Url, options.ConfigurationLifetime));
        Assert.Equal("sqlite", options.Storage);
        Assert.True(File.Exists(Path.Combine(_directory.Path, NaqilRegistryExtensions.DatabaseFile)), "without Registry:Storage the store is SQLite in the data directory");
    }

    [Fact]
    public async Task Start_DataDirectoryInUse_StopsNamingTheDirectory()
    {
        await using var first = await StartAsync(services => services.AddNaqilRegistry(Valid with { DataDirectory = _directory.Path }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(services => services.AddNaqilRegistry(Valid with { DataDirectory = _directory.Path })));

        Assert.StartsWith($"Registry:DataDirectory '{_directory.Path}' is in use: another registry holds", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapNaqilRegistry_WithoutAddNaqilRegistry_ThrowsSayingSo()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapNaqilRegistry());

        Assert.Contains("AddNaqilRegistry", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A registry host on a free loopback port; disposed by the caller, or here when it fails to start.</summary>
    private static async Task<WebApplication> StartAsync(Action<IServiceCollection> add, string? json = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (json is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        }

        add(builder.Services);
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        try
        {
            app.MapNaqilRegistry();
            await app.StartAsync(TestContext.Current.CancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _directory.Dispose();
}
