using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Naqil.Agencies.Payments;

/// <summary>
/// An answer of the payment API as it goes on the wire: status, content type and body. State
/// changes produce it inside their transaction, so the answer kept for an idempotency key is
/// exactly the one given, byte for byte.
/// </summary>
internal sealed record PaymentAnswer(int Status, string ContentType, byte[] Body)
{
    public const string JsonType = "application/json";
    public const string ProblemType = "application/problem+json";

    /// <summary>Web casing, Arabic left as it is rather than escaped.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static PaymentAnswer Of<T>(int status, T body) => new(status, JsonType, JsonSerializer.SerializeToUtf8Bytes(body, Json));

    public bool IsSuccess => Status is >= 200 and < 300;
}
