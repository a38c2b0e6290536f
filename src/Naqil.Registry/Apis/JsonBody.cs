using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Naqil.Registry.Apis;

/// <summary>
/// Reads request bodies by hand rather than through parameter binding, so a malformed body is a
/// <c>bad-request</c> problem naming what was wrong instead of the framework's empty 400.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, RegistryProblem? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, RegistryProblem.BadRequest("the body must be JSON sent with 'Content-Type: application/json'"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted);
            return value is null
                ? (null, RegistryProblem.BadRequest("the body is JSON null; send a JSON object"))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, RegistryProblem.BadRequest($"the body is not the JSON this request expects: {Describe(e)}"));
        }
    }

    // The serializer's messages name internal type names; keep the part a caller can act on.
    private static string Describe(JsonException e)
    {
        const string missing = "missing required properties including: ";
        var message = e.Message;
        var at = message.IndexOf(missing, StringComparison.Ordinal);
        if (at >= 0)
        {
            return $"required member {message[(at + missing.Length)..].TrimEnd('.')} is missing";
        }

        var typeNamed = message.IndexOf(" could not be mapped to any .NET member contained in type", StringComparison.Ordinal);
        if (typeNamed >= 0)
        {
            return $"{message[..typeNamed]} is not a member this request accepts";
        }

        return e.Path is null ? message : $"{message.Split(" Path: ")[0]} (at {e.Path})";
    }
}
