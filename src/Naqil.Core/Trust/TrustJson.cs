using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Trust;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TrustConfiguration))]
[JsonSerializable(typeof(JwsHeader))]
internal sealed partial class TrustJsonContext : JsonSerializerContext;

/// <summary>
/// How the registry writes a trust configuration: as <see cref="TrustJsonContext.Default"/>, except
/// that only what JSON itself requires is escaped. The default encoder also escapes '+' (in nearly
/// every base64 certificate) and every non-ASCII character (Arabic names) as <c>\uXXXX</c>, which
/// makes the document 5 % larger and sends every such string down the reader's slow unescaping
/// path: parsing 10,000 members took about twice as long. The document is served as
/// application/json and never embedded in HTML, which is what that escaping guards against.
/// Readers accept both forms.
/// </summary>
internal static class TrustJsonWriter
{
    public static TrustJsonContext Context { get; } = new(new JsonSerializerOptions(TrustJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

internal sealed record JwsHeader(
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string? Kid,
    [property: JsonPropertyName("typ")] string? Typ);
