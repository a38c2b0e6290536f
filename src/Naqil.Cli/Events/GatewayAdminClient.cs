using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Naqil.Cli.Events;

/// <summary>
/// A gateway's admin API as an operator's command calls it: the consumer face's URL and the admin
/// token read from a file. Every failure (no such file, no answer, a refusal) is a
/// <see cref="GatewayAdminException"/> whose message says what went wrong and what to check; the
/// token itself is never part of one.
/// </summary>
internal sealed class GatewayAdminClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string _gateway;
    private readonly string _tokenFile;

    private GatewayAdminClient(Uri gateway, string token, string tokenFile)
    {
        _gateway = gateway.ToString().TrimEnd('/');
        _tokenFile = tokenFile;
        _http = new HttpClient
        {
            BaseAddress = new Uri(_gateway + "/"),
            Timeout = Timeout,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        };
    }

    /// <summary>Checks the URL and reads the token before anything is sent.</summary>
    public static async Task<GatewayAdminClient> CreateAsync(string gatewayUrl, FileInfo tokenFile, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(gatewayUrl, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            throw new GatewayAdminException($"--gateway {gatewayUrl} is not an http(s) URL; give the gateway's consumer face, e.g. http://127.0.0.1:4110");
        }

        return new GatewayAdminClient(gateway, await ReadTokenAsync(tokenFile, cancellationToken), tokenFile.FullName);
    }

    /// <summary>The body of a successful GET, as the gateway sent it.</summary>
    public Task<string> GetAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, pathAndQuery), cancellationToken);

    /// <summary>The body of a successful POST of <paramref name="json"/>, as the gateway sent it.</summary>
    public Task<string> PostJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, cancellationToken);

    /// <summary>Reads an answer into <typeparamref name="T"/>, or says which answer was not what this command expects.</summary>
    public T Read<T>(string body, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, EventsAdminViews.Json)
                ?? throw new JsonException("the answer is null");
        }
        catch (JsonException e)
        {
            throw new GatewayAdminException($"the gateway at {_gateway} answered {what} with JSON this naqil does not understand ({e.Message}); is the gateway the same version?");
        }
    }

    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var what = $"{request.Method} /{request.RequestUri}";
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new GatewayAdminException($"cannot reach the gateway at {_gateway}: {Reason(e)}; is it running, and is --gateway its consumer face?");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new GatewayAdminException($"the gateway at {_gateway} did not answer {what} within {Timeout.TotalSeconds:0} s");
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                throw new GatewayAdminException(Refusal(response, body, what));
            }
        }
    }

    private string Refusal(HttpResponseMessage response, string body, string what)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return $"the gateway at {_gateway} refused the admin token in {_tokenFile} ({status} unauthorized); the file must hold that gateway's Gateway:AdminToken";
        }

        if (Problem.TryRead(response, body) is { } problem)
        {
            return $"the gateway refused {what} ({status} {problem.Code}): {problem.Detail}";
        }

        var hint = response.StatusCode == HttpStatusCode.NotFound
            ? "; is --gateway the gateway's consumer face, and does the gateway deliver events (a version with the events admin API)?"
            : "";
        var words = string.Join(' ', Printable(body).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var excerpt = words.Length == 0 ? "" : $": {(words.Length > 200 ? words[..200] + "…" : words)}";
        return $"the gateway at {_gateway} answered {what} with {status} {response.ReasonPhrase}{excerpt}{hint}";
    }

    /// <summary>The message; where it only says "see inner exception" (a failed TLS handshake), the inner exception's reason instead.</summary>
    private static string Reason(HttpRequestException e) =>
        e.InnerException is { } inner && e.Message.EndsWith(", see inner exception.", StringComparison.Ordinal)
            ? $"{e.Message[..^", see inner exception.".Length]}: {inner.Message.TrimEnd('.')}"
            : e.Message.TrimEnd('.');

    private static async Task<string> ReadTokenAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new GatewayAdminException($"the token file {file.FullName} does not exist (the sandbox keeps each gateway's in .naqil/<instance>/gateways/<member>/admin-token)");
        }

        string token;
        try
        {
            token = (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayAdminException($"cannot read the token file {file.FullName}: {e.Message}");
        }

        if (token.Length == 0)
        {
            throw new GatewayAdminException($"the token file {file.FullName} is empty");
        }

        // Checked here so that a bad character fails with this message, not one from the HTTP stack that might quote the value.
        if (token.Any(c => c is < '!' or > '~'))
        {
            throw new GatewayAdminException($"the token file {file.FullName} holds characters a bearer token cannot carry (printable ASCII without spaces, on one line)");
        }

        return token;
    }

    /// <summary>Text from the gateway with control characters (line breaks, terminal escapes) made spaces.</summary>
    public static string Printable(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)) : text;

    public void Dispose() => _http.Dispose();

    /// <summary>The code and detail of a problem+json refusal (the code also in <c>Naqil-Error</c>).</summary>
    private sealed record Problem(string Code, string Detail)
    {
        public static Problem? TryRead(HttpResponseMessage response, string body)
        {
            var header = response.Headers.TryGetValues("Naqil-Error", out var values) ? values.FirstOrDefault() : null;
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" && header is null)
            {
                return null;
            }

            string? code = null, detail = null;
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = String(document.RootElement, "code");
                    detail = String(document.RootElement, "detail") ?? String(document.RootElement, "title");
                }
            }
            catch (JsonException)
            {
                // A problem whose body does not parse still has its header.
            }

            code ??= header;
            return code is null && detail is null ? null : new Problem(Printable(code ?? "no code"), Printable(detail ?? "no detail given"));
        }

        private static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>A gateway admin call that could not be made or was refused; the message is for the operator.</summary>
internal sealed class GatewayAdminException(string message) : Exception(message);
