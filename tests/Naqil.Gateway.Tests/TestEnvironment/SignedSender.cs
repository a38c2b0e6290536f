using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// Speaks to the provider gateway as the consumer gateway does, with the consumer's own keys and
/// request builder — so a test can alter a signed request on its way, or send it twice.
/// </summary>
internal sealed class SignedSender(GatewayTestEnvironment env)
{
    private readonly IServiceProvider _services = env.Consumer.App.Services;

    private PeerGateway Provider => _services.GetRequiredService<TrustState>().Current!.GatewaysOf(MemberId.Parse("SY/GOV/CIVREG")).First(g => g.Code == "gw1");

    public SignedRequest Create(HttpMethod method, string service, string path, byte[] body, Dictionary<string, string>? extraHeaders = null, string client = GatewayTestEnvironment.Portal)
    {
        Assert.True(ExchangeTarget.TryParse($"/r1/{service}{path}", out var target, out _));
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = Guid.NewGuid().ToString("D"),
            ["naqil-client"] = client,
            ["naqil-service"] = service,
        };
        foreach (var (name, value) in extraHeaders ?? [])
        {
            headers[name] = value;
        }

        return _services.GetRequiredService<SignedRequestFactory>().Create(Provider, method, target, headers, body, body.Length > 0);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage message) =>
        _services.GetRequiredService<ProviderGatewayClient>().For(Provider).SendAsync(message, CancellationToken.None);

    /// <summary>Sends a copy of <paramref name="message"/> to another gateway of the provider member (the one with <paramref name="code"/>), over the consumer's mutual TLS, as a replay behind a load balancer would arrive.</summary>
    public Task<HttpResponseMessage> SendToAsync(HttpRequestMessage message, string code)
    {
        var gateway = _services.GetRequiredService<TrustState>().Current!.GatewaysOf(MemberId.Parse("SY/GOV/CIVREG")).Single(g => g.Code == code);
        var copy = Copy(message, []);
        copy.RequestUri = new Uri(gateway.Authority + message.RequestUri!.OriginalString[Provider.Authority.Length..], new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        return _services.GetRequiredService<ProviderGatewayClient>().For(gateway).SendAsync(copy, CancellationToken.None);
    }

    /// <summary>A byte-for-byte copy of a request, optionally with another body or header values.</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage original, byte[] body, IReadOnlyDictionary<string, string>? replaceHeaders = null)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri);
        foreach (var header in original.Headers)
        {
            if (replaceHeaders?.ContainsKey(header.Key.ToLowerInvariant()) != true)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var (name, value) in replaceHeaders ?? new Dictionary<string, string>())
        {
            copy.Headers.TryAddWithoutValidation(name, value);
        }

        if (original.Content is not null || body.Length > 0)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in original.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            {
                if (header.Key != "Content-Length")
                {
                    copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        return copy;
    }
}
