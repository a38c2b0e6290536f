using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Apis;
using Naqil.Agencies.Regulator.Numbering;

namespace Naqil.LoadHarness.Backend;

/// <summary>
/// The regulator's number lookup on the sample backend (<c>GET /numbers/{number}</c>, about 330
/// bytes of JSON, as <c>NumberingApi</c> answers it), over an in-memory plan of 10^4 blocks and 10^5
/// ported numbers: the lookup the harness carries beside the exchange (<see cref="Load.LookupLoad"/>).
/// </summary>
internal static class LookupBackend
{
    /// <summary>A ported mobile number in its local form, as a person types it.</summary>
    public const string Number = "0944123456";

    public static void Map(IEndpointRouteBuilder app)
    {
        var since = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var index = new NumberingIndex();
        // 7,900 geographic blocks of 4 digits and 2,100 mobile blocks of 5 (90000-92099), as the in-process benchmark has them, and 94 for the example.
        index.SetBlocks(Enumerable.Range(1100, 7900).Select(p => new NumberBlock($"{p}", 9, NumberType.GeographicFixed, "Damascus", BlockState.Allocated, "SYTEL", since))
            .Concat(Enumerable.Range(90000, 2100).Select(p => new NumberBlock($"{p}", 9, NumberType.Mobile, null, BlockState.Allocated, p % 2 == 0 ? "MTN" : "SYRIATEL", since)))
            .Append(new NumberBlock("94", 9, NumberType.Mobile, null, BlockState.Allocated, "MTN", since)));
        var random = new Random(21);
        index.LoadPorted(Enumerable.Range(0, 100_000).Select(i => (963_900_000_000L + random.NextInt64(0, 21_000_000L), i % 2 == 0 ? "WAFA" : "MTN"))
            .Append((963_944_123_456L, "SYRIATEL")));
        var lookup = new NumberLookup(Regulators.Syria, index);
        app.MapGet("/numbers/{number}", (string number) => lookup.Lookup(number) is { Error: NumberInputError.None } found
            ? Microsoft.AspNetCore.Http.Results.Ok(NumberView.From(number, found))
            : Microsoft.AspNetCore.Http.Results.Problem("the number cannot be read", statusCode: StatusCodes.Status400BadRequest));
    }
}
