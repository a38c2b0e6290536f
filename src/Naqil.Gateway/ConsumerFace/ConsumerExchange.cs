using Microsoft.AspNetCore.Http;
using Naqil.Gateway.Signing;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>One exchange on the consumer face: what its steps learn on the way out and back.</summary>
internal sealed class ConsumerExchange(HttpContext context, DateTimeOffset received) : ClientExchange(context, received)
{
    public override string Side => "consumer";

    public override string? CounterpartInstance => Target?.Service.Instance;

    /// <summary>
    /// The header fields the request signature covers (lower-case names): the Naqil ones, the
    /// optional ones present, content-type, content-digest, and once signed the signature's two.
    /// Sized for all of them, so it is not regrown on every exchange.
    /// </summary>
    public Dictionary<string, string> SignedHeaders { get; } = new(10, StringComparer.Ordinal);

    /// <summary>The request as signed for the provider gateway.</summary>
    public SignedRequest? Request { get; set; }

    /// <summary>The provider gateway's response, read whole, until it is verified and relayed.</summary>
    public HttpResponseMessage? Response { get; set; }

    public byte[]? ResponseBody { get; set; }

    public override void Release()
    {
        Response?.Dispose();
        Request?.Message.Dispose();
    }
}
