using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Naqil.Registry.Tests;

public sealed class RegistryOptionsTests
{
    private static readonly RegistryOptions Valid = new() { Instance = "SY", DataDirectory = "/tmp/x", AdminToken = "0123456789abcdef" };

    public static TheoryData<RegistryOptions, string> Invalid => new()
    {
        { Valid with { Instance = "Syria" }, "RegistryOptions.Instance" },
        { Valid with { Instance = "sy" }, "RegistryOptions.Instance" },
        { Valid with { DataDirectory = " " }, "RegistryOptions.DataDirectory" },
        { Valid with { AdminToken = "short" }, "RegistryOptions.AdminToken must be at least 16" },
        { Valid with { AdminToken = "0123456789 abcdef" }, "RegistryOptions.AdminToken contains whitespace" },
        { Valid with { ConfigurationLifetime = TimeSpan.Zero }, "RegistryOptions.ConfigurationLifetime" },
        { Valid with { ConfigurationLifetime = TimeSpan.FromDays(30) }, "RegistryOptions.ConfigurationLifetime" },
        { Valid with { PublicUrl = "registry.sy" }, "RegistryOptions.PublicUrl" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void AddNaqilRegistry_InvalidOptions_ThrowsNamingTheOption(RegistryOptions options, string named)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddNaqilRegistry(options));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Fact]
    public void Validate_ValidOptions_NoErrors()
    {
        Assert.Empty((Valid with { PublicUrl = "https://registry.sy.example" }).Validate());
        Assert.Equal(TimeSpan.FromMinutes(10), Valid.ConfigurationLifetime);
    }

    [Fact]
    public async Task MapNaqilRegistry_WithoutAddNaqilRegistry_ThrowsSayingSo()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapNaqilRegistry());

        Assert.Contains("AddNaqilRegistry", error.Message, StringComparison.Ordinal);
    }
}
