using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Cli.Hosting;

namespace Naqil.Cli.Tests.Hosting;

/// <summary>The web host every component of <c>naqil</c> is built on.</summary>
public sealed class ComponentHostTests
{
    [Fact]
    public async Task CreateBuilder_RequestsRunWithoutAHostingActivity()
    {
        // ASP.NET Core starts an Activity per request while its hosting diagnostics can log at
        // all; the gateways turn that category off, so an exchange pays for none (and its path,
        // which may name a person, is never written by the hosting's request lines).
        var builder = ComponentHost.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/", () => Activity.Current is { } activity ? $"activity {activity.OperationName}" : "none");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var client = new HttpClient();
        var answer = await client.GetStringAsync(new Uri(address), TestContext.Current.CancellationToken);

        Assert.Equal("none", answer);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CreateBuilder_WatchesNoConfigurationFile()
    {
        // A watched appsettings.json is an inotify watch on every folder under the working
        // directory, and the sandbox keeps its message logs there: each SQLite write woke a watcher
        // thread (a third of a core at 200 exchanges/s). The files are still read, just not watched.
        var builder = ComponentHost.CreateBuilder();
        await using var app = builder.Build();

        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes"));
    }
}
