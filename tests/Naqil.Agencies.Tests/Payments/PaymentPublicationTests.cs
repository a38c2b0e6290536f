using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Payments;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Agencies.Tests.Payments;

/// <summary>With a gateway to publish through, a capture queues its receipt as an event in its own transaction, once.</summary>
public sealed class PaymentPublicationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Capture_WithPublishing_QueuesTheReceiptOnce_AndReplaysQueueNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var options = PaymentHost.Options("sqlite", Path.Combine(_directory.Path, "payments.db"));
        using var store = options.CreateStore();
        var signal = new PublicationSignal();
        var payments = new PaymentService(options, store, new FakeTimeProvider(PaymentHost.Now), signal);
        await payments.InitializeAsync(cancellationToken);
        var body = System.Text.Json.JsonSerializer.SerializeToElement(PaymentHost.Intent("1500.00"));
        var created = await payments.CreateAsync(body, new Caller("SY/GOV/MOCT/portal", null), null, cancellationToken);
        var id = System.Text.Json.JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(200, (await payments.AuthoriseAsync(id, null, cancellationToken)).Status);
        Assert.Empty(await store.PendingPublicationsAsync(10, cancellationToken));

        var naqilId = Guid.CreateVersion7().ToString("D");
        Assert.Equal(200, (await payments.CaptureAsync(id, new Caller("SY/GOV/MOCT/portal", naqilId), null, cancellationToken)).Status);
        Assert.Equal(409, (await payments.CaptureAsync(id, new Caller("SY/GOV/MOCT/portal", null), null, cancellationToken)).Status);

        var publication = Assert.Single(await store.PendingPublicationsAsync(10, cancellationToken));
        Assert.Equal(id, publication.ItemId);
        Assert.Equal(PaymentService.CapturedEvent, publication.Code);
        using var published = System.Text.Json.JsonDocument.Parse(publication.Body);
        Assert.Equal(naqilId, published.RootElement.GetProperty("receipt").GetProperty("naqilId").GetString());
        Assert.Equal(id, published.RootElement.GetProperty("receipt").GetProperty("paymentId").GetString());

        await store.UpdatePublicationAsync(publication.Seq, PublicationState.Published, null, PaymentHost.Now, cancellationToken);
        Assert.Empty(await store.PendingPublicationsAsync(10, cancellationToken));
    }

    public void Dispose() => _directory.Dispose();
}
