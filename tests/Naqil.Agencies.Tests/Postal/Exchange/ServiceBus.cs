using System.Text;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>The bus between two posts' services, without gateways: what one queued, the other receives, in queue order.</summary>
internal static class ServiceBus
{
    public static async Task<IReadOnlyList<PostalOutcome>> DeliverPendingAsync(IPostalStore from, PostalService to, DateTimeOffset at)
    {
        var ct = TestContext.Current.CancellationToken;
        var outcomes = new List<PostalOutcome>();
        foreach (var publication in await from.PendingPublicationsAsync(1000, ct))
        {
            Assert.True(EmsEventMessage.TryParse(Encoding.UTF8.GetBytes(publication.Body), out var message), publication.Body);
            outcomes.Add(await to.ReceiveAsync(message, ct));
            await from.UpdatePublicationAsync(publication.Seq, PublicationState.Published, null, at, ct);
        }

        return outcomes;
    }
}
