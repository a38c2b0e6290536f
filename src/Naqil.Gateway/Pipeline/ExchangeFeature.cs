using Microsoft.AspNetCore.Http;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// What the steps of one exchange learn on their way, set on the <see cref="HttpContext"/>'s
/// features for as long as the exchange runs (as YARP's <c>IReverseProxyFeature</c> is). Each face
/// adds its own state in a subclass. The texts recorded for the log (<see cref="Client"/>,
/// <see cref="Service"/>, <see cref="User"/>, ...) are what the caller named; the pipeline's end
/// caps and escapes them when the exchange was refused, as a refused caller is not to be believed.
/// </summary>
internal abstract class ExchangeFeature(HttpContext context, DateTimeOffset received)
{
    public HttpContext Context { get; } = context;

    /// <summary>When the gateway received the request, by its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Received { get; } = received;

    /// <summary><c>consumer</c> or <c>provider</c>, as the log records the side.</summary>
    public abstract string Side { get; }

    /// <summary>The exchange's id; null until known to be a UUID (the end then makes one for the refusal).</summary>
    public string? NaqilId { get; set; }

    /// <summary>The raw target parsed: service, path after it, query.</summary>
    public ExchangeTarget? Target { get; set; }

    /// <summary>The own instance's fresh trust configuration.</summary>
    public TrustSnapshot? Trust { get; set; }

    /// <summary>The instance on the other side of the exchange: the service's on the consumer face, the calling gateway's on the provider face.</summary>
    public abstract string? CounterpartInstance { get; }

    /// <summary>The fresh configuration that speaks for <see cref="CounterpartInstance"/> (the own one at home).</summary>
    public TrustSnapshot? CounterpartTrust { get; set; }

    /// <summary>The service's catalogue entry.</summary>
    public ServiceEntry? ServiceEntry { get; set; }

    /// <summary>The other gateway: the provider's on the consumer face, the caller's on the provider face.</summary>
    public PeerGateway? Peer { get; set; }

    public byte[] RequestBody { get; set; } = [];

    /// <summary>The answer to write; set by the last step, or by the end from the refusal.</summary>
    public ExchangeAnswer? Answer { get; set; }

    /// <summary>The refusal, when a step (or the end) refused the exchange.</summary>
    public GatewayProblem? Problem { get; set; }

    public string Client { get; set; } = "";

    public string Service { get; set; } = "";

    public string? User { get; set; }

    public string? Purpose { get; set; }

    public string? Subject { get; set; }

    /// <summary>The path after the service id, with its query, as logged.</summary>
    public string Path { get; set; } = "";

    public string? RequestDigest { get; set; }

    public string? RequestSignatureInput { get; set; }

    public string? RequestSignature { get; set; }

    /// <summary>Releases what the exchange holds open (connections' responses, requests); called once the answer is written.</summary>
    public virtual void Release()
    {
    }
}
