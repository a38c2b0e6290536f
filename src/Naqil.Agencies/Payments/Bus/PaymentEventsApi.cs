using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Naqil.Agencies.Payments.Bus;

/// <summary>A payment a payee learned of on the bus: the receipt as the event carried it, and the event's Naqil-Id.</summary>
internal sealed record ReceivedPayment(string PaymentId, string EventNaqilId, DateTimeOffset Received, JsonElement Receipt);

/// <summary>The payments into the payee's account it has been told of, by payment id (the sample keeps them in memory).</summary>
internal sealed class ReceivedPayments
{
    public ConcurrentDictionary<string, ReceivedPayment> ById { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A payee's side of the payment service's topic: <c>POST /events/payments</c>, where its gateway
/// delivers each capture's receipt (at least once; a payment already received is acknowledged
/// again), and <c>GET /payments/received/{id}</c>, what arrived. Receipts into other payees'
/// accounts are acknowledged and not kept.
/// </summary>
internal static class PaymentEventsApi
{
    public static IEndpointRouteBuilder MapPaymentEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/events/payments", ReceiveAsync);
        endpoints.MapGet("/payments/received/{id}", (string id, ReceivedPayments received) =>
            received.ById.TryGetValue(id, out var payment)
                ? Results.Ok(payment)
                : Results.Problem($"no payment {(id.Length <= 40 ? id : id[..40])} has been received on the bus", statusCode: 404, title: "Payment not received",
                    extensions: new Dictionary<string, object?> { ["code"] = "payment-not-received" }));
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, ReceivedPayments received, PaymentConfirmation confirmation, TimeProvider time, CancellationToken cancellationToken)
    {
        JsonElement receipt;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            receipt = document.RootElement.GetProperty("receipt").Clone();
            _ = receipt.GetProperty("paymentId").GetString() ?? throw new KeyNotFoundException();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Results.Problem("send a payment event: {\"event\": \"payment-captured\", \"receipt\": {\"paymentId\", \"payeeAccount\", …}}", statusCode: 400, title: "Malformed payment event",
                extensions: new Dictionary<string, object?> { ["code"] = "malformed-request" });
        }

        if (receipt.GetProperty("payeeAccount").GetString() != confirmation.Options.PayeeAccount)
        {
            return Results.Ok(new { kept = false, reason = "not a payment into this payee's account" });
        }

        var id = receipt.GetProperty("paymentId").GetString()!;
        var added = received.ById.TryAdd(id, new ReceivedPayment(id, request.Headers["Naqil-Id"].ToString(), time.GetUtcNow(), receipt));
        return added ? Results.Created($"/payments/received/{id}", new { kept = true }) : Results.Ok(new { kept = true, duplicate = true });
    }

    /// <summary>Registers what <see cref="MapPaymentEvents"/> needs beside a <see cref="PaymentConfirmation"/>.</summary>
    public static IServiceCollection AddReceivedPayments(this IServiceCollection services) => services.AddSingleton<ReceivedPayments>();
}
