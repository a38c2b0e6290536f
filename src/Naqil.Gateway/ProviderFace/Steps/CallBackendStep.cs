using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>Calls the service's backend with the request and the Naqil headers, and takes its answer, whatever its status, as the exchange's.</summary>
internal sealed class CallBackendStep(BackendClient backend, IOptions<GatewayOptions> options) : IExchangeStep<ProviderExchange>
{
    private static readonly string[] BackendRequestHeaders = ["content-type", "accept", "accept-language", "naqil-id", "naqil-client", "naqil-service", "naqil-user", "naqil-purpose", "naqil-subject", "idempotency-key"];

    private readonly TimeSpan _timeout = options.Value.ResponseTimeout;
    private readonly long _maxBodyBytes = options.Value.MaxBodyBytes;

    public async ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var request = exchange.Context.Request;
        var target = exchange.Target!;
        using var backendRequest = new HttpRequestMessage(Forwarder.Method(request.Method), exchange.BackendBase + target.Path + target.Query);
        if (exchange.RequestBody.Length > 0 || request.ContentLength is not null)
        {
            backendRequest.Content = new ByteArrayContent(exchange.RequestBody);
        }

        foreach (var name in BackendRequestHeaders)
        {
            if (exchange.Incoming.GetHeader(name) is { } value && !backendRequest.Headers.TryAddWithoutValidation(name, value))
            {
                backendRequest.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var result = await Forwarder.SendAsync(backend.Invoker, backendRequest, _timeout, _maxBodyBytes, ForwardHop.ServiceBackend, exchange.Context.RequestAborted);
        if (result.Problem is { } problem)
        {
            return problem;
        }

        using var response = result.Response!;
        var headers = new Dictionary<string, string>(3, StringComparer.Ordinal) { ["naqil-id"] = exchange.NaqilId! }; // and content-type, content-digest
        if (response.Content.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = contentType.ToString();
        }

        exchange.Answer = new ExchangeAnswer((int)response.StatusCode, headers, result.Body!);
        return null;
    }
}
