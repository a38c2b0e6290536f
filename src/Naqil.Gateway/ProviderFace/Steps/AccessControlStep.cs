using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The provider's access rules must allow this client this method on this path of the service.</summary>
internal sealed class AccessControlStep(AccessControlList acl) : IExchangeStep<ProviderExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var target = exchange.Target!;
        var method = exchange.Context.Request.Method;
        return acl.IsAllowed(target.ServiceText, exchange.Client, method, target.Path)
            ? default
            : ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.AccessDenied,
                $"client {exchange.Client} may not call {method} {target.Path} on {target.ServiceText}; ask the provider to add an access rule",
                $"client {exchange.Client} may not call {method} on {target.ServiceText} at the path it asked for"));
    }
}
