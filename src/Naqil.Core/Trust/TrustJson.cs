using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Trust;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TrustConfiguration))]
[JsonSerializable(typeof(JwsHeader))]
internal sealed partial class TrustJsonContext : JsonSerializerContext;

internal sealed record JwsHeader(
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string? Kid,
    [property: JsonPropertyName("typ")] string? Typ);
