using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Naqil.Registry.Apis;

/// <summary>
/// Lets an admin request through only with <c>Authorization: Bearer &lt;AdminToken&gt;</c>. Both
/// tokens are hashed before the constant-time comparison so neither content nor length leaks
/// through timing. Runs before the handler reads anything, so a refused request changes nothing.
/// </summary>
internal sealed class AdminTokenFilter(RegistryOptions options, ILogger<AdminTokenFilter> logger) : IEndpointFilter
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.AdminToken));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization;
        string? refusal = null;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            refusal = "no bearer token";
        }
        else if (!CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(value[Scheme.Length..].Trim()))))
        {
            refusal = "wrong bearer token";
        }

        if (refusal is null)
        {
            return next(context);
        }

        Log.AdminUnauthorized(logger, http.Connection.RemoteIpAddress?.ToString(), refusal);
        return ValueTask.FromResult<object?>(RegistryProblem.Unauthorized(
            $"the admin API needs 'Authorization: Bearer <admin token>' and the request had {refusal}; send the registry's AdminToken"));
    }
}
