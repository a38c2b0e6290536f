using System.Net;
using System.Text.Json;

namespace Naqil.Gateway.Tests.TestEnvironment;

internal static class ResponseAssert
{
    /// <summary>Asserts the status, showing the body when it differs, so a failure explains itself.</summary>
    public static void Status(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.Fail($"expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts a gateway refusal: status, problem+json body and Naqil-Error header carrying the same code.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpStatusCode expected, string code, HttpResponseMessage response)
    {
        Status(expected, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Assert.Single(response.Headers.GetValues("Naqil-Error")));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
