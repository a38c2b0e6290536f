using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Naqil.Trust;
using TrustDocument = Naqil.Trust.TrustConfiguration;

namespace Naqil.Registry.Tests;

/// <summary>A real registry on Kestrel (127.0.0.1, port 0) over a temporary data directory, driven by real HTTP.</summary>
internal sealed class RegistryHost : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";

    private RegistryHost(WebApplication app, Uri address, FakeTimeProvider time, string dataDirectory)
    {
        App = app;
        Time = time;
        DataDirectory = dataDirectory;
        Anonymous = new HttpClient { BaseAddress = address };
        Admin = new HttpClient { BaseAddress = address };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public string DataDirectory { get; }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<RegistryHost> StartAsync(string dataDirectory, FakeTimeProvider? time = null, TimeSpan? lifetime = null, string? publicUrl = null, RegistryKeyOptions? keys = null) =>
        StartAsync(new RegistryOptions
        {
            Keys = keys ?? new RegistryKeyOptions(),
            Instance = "SY",
            DataDirectory = dataDirectory,
            AdminToken = AdminToken,
            ConfigurationLifetime = lifetime ?? TimeSpan.FromMinutes(10),
            PublicUrl = publicUrl,
        }, time);

    public static async Task<RegistryHost> StartAsync(RegistryOptions options, FakeTimeProvider? time = null)
    {
        var dataDirectory = options.DataDirectory;
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddNaqilRegistry(options);
        var app = builder.Build();
        app.MapNaqilRegistry();
        app.Urls.Add("http://127.0.0.1:0");
        try
        {
            await app.StartAsync(Ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RegistryHost(app, new Uri(address), time, dataDirectory);
    }

    public Task<HttpResponseMessage> PutAsync(string path, object body) => Admin.PutAsJsonAsync(path, body, Ct);

    public async Task<HttpResponseMessage> PutMemberAsync(string id = "SY/GOV/CIVREG", string name = "Civil registry")
    {
        var response = await PutAsync($"/admin/v1/members/{id}", new { name });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return response;
    }

    public async Task<long> SerialAsync()
    {
        var health = await Anonymous.GetFromJsonAsync<JsonElement>("/health", Ct);
        return health.GetProperty("serial").GetInt64();
    }

    public async Task<X509Certificate2> AnchorAsync() =>
        X509Certificate2.CreateFromPem(await Anonymous.GetStringAsync("/trust/v1/anchor", Ct));

    /// <summary>Fetches the configuration and checks its signature against the served anchor.</summary>
    public async Task<TrustDocument> ConfigurationAsync()
    {
        using var response = await Anonymous.GetAsync("/trust/v1/config", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payload = await response.Content.ReadAsByteArrayAsync(Ct);
        var jws = response.Headers.GetValues(SignedTrustConfiguration.SignatureHeader).Single();
        using var anchor = await AnchorAsync();
        Assert.True(SignedTrustConfiguration.TryVerify(payload, jws, anchor, out var verified, out var error), error);
        return verified.Configuration;
    }

    /// <summary>A certificate with a fresh P-256 key, issued by the registry's sandbox CA through the admin API.</summary>
    public async Task<string> IssueAsync(string kind, string subject = "CN=gw1")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var response = await Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr, kind }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("certificate").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}

/// <summary>A temporary directory removed with the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("naqil-registry-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A late file handle on a CI machine is not a test failure; the OS cleans temp.
        }
    }
}

internal static class ProblemAssert
{
    /// <summary>Checks the RFC 9457 shape every refusal shares and returns the detail.</summary>
    public static async Task<string> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, response.Headers.GetValues("Naqil-Error").Single());
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }
}
