using Microsoft.AspNetCore.Http;
using Naqil.Gateway.Pipeline;
using Naqil.Identifiers;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>
/// A request from one of the member's own information systems, named by <c>Naqil-Client</c>: an
/// exchange on the consumer face, or an event a publisher posts. The client steps
/// (<see cref="Steps.IdentifyClientStep"/> and its neighbours) serve both.
/// </summary>
internal abstract class ClientExchange(HttpContext context, DateTimeOffset received) : ExchangeFeature(context, received)
{
    /// <summary>The calling subsystem, once its name parsed.</summary>
    public SubsystemId? ClientId { get; set; }
}
