using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The calling gateway is the one whose TLS client certificate a trust configuration (own or an allowed partner's) lists, and that certificate is current.</summary>
internal sealed class IdentifyPeerStep(TrustState trust, TimeProvider time, ILogger<IdentifyPeerStep> logger) : IExchangeStep<ProviderExchange>
{
    private const string ThumbprintKey = "naqil.peer-thumbprint";

    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange) => ValueTask.FromResult(Identify(exchange));

    private GatewayProblem? Identify(ProviderExchange exchange)
    {
        var certificate = exchange.Context.Connection.ClientCertificate;
        if (certificate is null || !trust.TryFindGatewayByTls(ConnectionThumbprint(exchange.Context, certificate), out _, out var peer))
        {
            Log.UnknownTlsPeer(logger);
            return new GatewayProblem(GatewayError.UnknownPeer, "the TLS client certificate is not one the trust configuration lists for a gateway");
        }

        // Checked at the handshake, and again here: connections are kept open for as long as the
        // calling gateway uses them, and its certificate may expire under one.
        if (!CertificateValidity.IsCurrent(certificate, time))
        {
            Log.UnknownTlsPeer(logger);
            return new GatewayProblem(GatewayError.UnknownPeer, "the TLS client certificate has expired (or is not yet valid); the calling gateway must connect again with its current certificate");
        }

        exchange.Peer = peer;
        return null;
    }

    /// <summary>The TLS client certificate's thumbprint, computed once per connection rather than per exchange.</summary>
    private static string ConnectionThumbprint(HttpContext context, X509Certificate2 certificate)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(ThumbprintKey, out var cached) == true && cached is string thumbprint)
        {
            return thumbprint;
        }

        thumbprint = SignedTrustConfiguration.Thumbprint(certificate);
        if (items is not null)
        {
            items[ThumbprintKey] = thumbprint;
        }

        return thumbprint;
    }
}
