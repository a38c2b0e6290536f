using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.CivilRegistry;
using Naqil.Agencies.Documents;
using Naqil.Agencies.Documents.Storage;
using Naqil.Documents.Tests.TestEnvironment;

namespace Naqil.Agencies.Tests.Documents;

/// <summary>
/// The civil registry backend on a real Kestrel host on 127.0.0.1: issuing extracts sealed with the
/// test PKI's seal (its TSA in process), recording them in a SQLite file of its own, and serving the
/// verification endpoints with the test root as trust anchor. One extract is issued at start.
/// </summary>
public sealed class CivilRegistryHost : IAsyncLifetime
{
    /// <summary>The upload limit: small, so the tests can go past it cheaply.</summary>
    public const long MaxUploadBytes = 2L * 1024 * 1024;

    private readonly TempDirectory _directory = new();
    private WebApplication _app = null!;

    internal TestPki Pki { get; } = TestPki.Create();

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress => Client.BaseAddress!;

    public string DatabaseFile => Path.Combine(_directory.Path, "documents.db");

    public Person Person => SyntheticPersons.All[3];

    /// <summary>The sealed extract of <see cref="Person"/> issued at start.</summary>
    public byte[] Extract { get; private set; } = [];

    public IIssuedDocumentStore Store => _app.Services.GetRequiredService<IIssuedDocumentStore>();

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ExtractIssuerOptions(Pki.SealKey, new InProcessTsa(Pki), new TestRevocation(Pki), new Uri("http://127.0.0.1/")));
        builder.Services.AddSingleton<ExtractIssuer>();
        builder.Services.AddIssuedDocuments(new IssuedDocumentStorageOptions { DatabaseFile = DatabaseFile });
        _app = builder.Build();
        _app.MapCivilRegistry();
        _app.MapDocumentVerification(new DocumentVerificationOptions { TrustAnchors = [TestPki.Public(Pki.Root)], MaxUploadBytes = MaxUploadBytes });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        using var response = await Client.PostAsJsonAsync("/extracts", new { nationalId = Person.NationalId }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        Extract = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.DisposeAsync();
        Pki.Dispose();
        _directory.Dispose();
    }
}
