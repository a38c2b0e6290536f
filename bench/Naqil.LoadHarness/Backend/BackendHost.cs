using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.CivilRegistry;

namespace Naqil.LoadHarness.Backend;

/// <summary>
/// The sample backend as its own process (<c>naqil-load backend --url URL</c>): the sandbox's civil
/// registry (<c>GET /persons/{id}</c>, about 600 bytes of JSON) plus <c>POST /echo</c>, which reads
/// the whole body and answers with its length, for the POST and body-size loads; and
/// <c>POST /events</c>, a subscriber's endpoint for the events its gateway delivers
/// (<see cref="EventSink"/>, journalled to <c>--events-file</c> when given).
/// </summary>
internal static class BackendHost
{
    public static async Task<int> RunAsync(string url, long maxBodyBytes, string? eventsFile)
    {
        using var events = EventSink.Open(eventsFile);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = maxBodyBytes;
        });
        // As the sandbox serves it: Arabic names as Arabic in the JSON.
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All));
        await using var app = builder.Build();
        app.MapCivilRegistry();
        app.MapGet("/persons/{id}/record", GetRecord);
        app.MapPost("/echo", EchoAsync);
        LookupBackend.Map(app);
        events.Map(app);
        app.MapGet("/health", () => "ok");
        await app.StartAsync();
        Console.WriteLine($"backend listening on {url}");
        // The harness kills this process when done; stdin closing (the harness gone) ends it too.
        await Task.Run(() => Console.In.ReadToEnd());
        await app.StopAsync();
        return 0;
    }

    /// <summary>
    /// The person as the civil registry serves it, inside a civil-status record (registration and
    /// family): about 600 bytes of JSON, the GET answer issue 5 sets for the load. The registry's own
    /// <c>GET /persons/{id}</c> answers about 290 bytes.
    /// </summary>
    private static IResult GetRecord(string id) =>
        SyntheticPersons.All.FirstOrDefault(p => p.NationalId == id) is { } person
            ? Microsoft.AspNetCore.Http.Results.Ok(new CivilStatusRecord(person, new Registration("أمانة السجل المدني في دمشق", "Damascus-12", 4821, new DateOnly(1990, 3, 14)),
                ["01010000002", "01010000003", "01010000004"], "Damascus, Al-Mazzeh, Street 12, Building 4", "2026-01-01T00:00:00Z"))
            : Microsoft.AspNetCore.Http.Results.NotFound();

    private sealed record Registration(string Office, string Register, int Entry, DateOnly Registered);

    private sealed record CivilStatusRecord(Person Person, Registration Registration, IReadOnlyList<string> Family, string Address, string Issued);

    private static async Task EchoAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long received = 0;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                received += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"received\":{received}}}", context.RequestAborted);
    }
}
