using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The service must be one this gateway provides (<c>Gateway:Services</c>) and in the own instance's catalogue.</summary>
internal sealed class ResolveServiceStep(IOptions<GatewayOptions> options) : IExchangeStep<ProviderExchange>
{
    private readonly Dictionary<string, string> _backends = options.Value.Services.ToDictionary(s => s.Service, s => s.Backend.TrimEnd('/'), StringComparer.Ordinal);

    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var service = exchange.Target!.ServiceText;
        if (!_backends.TryGetValue(service, out var backendBase) || !exchange.Trust!.TryGetService(service, out var entry))
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.UnknownService, $"service {service} is not provided through this gateway"));
        }

        exchange.BackendBase = backendBase;
        exchange.ServiceEntry = entry;
        return default;
    }
}
