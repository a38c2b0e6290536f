using System.Net;
using System.Text.Json;

namespace Naqil.Agencies.Payments.Bus;

/// <summary>
/// How a payee agency checks a payment over the bus: its own gateway's consumer face, the client
/// subsystem it calls as, the payment service, the account the fee must have been paid into, and
/// the fee.
/// </summary>
internal sealed record PaymentConfirmationOptions(Uri Gateway, string Client, string Service, string PayeeAccount, long FeeMinor, string Currency);

/// <summary>
/// A payee agency's view of a payment: it asks the payment service for the intent through its own
/// gateway (a signed, logged exchange) and accepts only a captured payment into its account, by the
/// person the document is for, of at least its fee. The civil registry issues a paid extract so.
/// </summary>
internal sealed class PaymentConfirmation(PaymentConfirmationOptions options, HttpClient http)
{
    public PaymentConfirmationOptions Options => options;

    /// <summary>Null when <paramref name="paymentId"/> is a captured payment of the fee by <paramref name="nationalId"/>; else why not.</summary>
    public async Task<string?> RefusalAsync(string paymentId, string nationalId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(paymentId, "D", out _))
        {
            return "paymentId must be the id of a payment intent, such as 0193a5c2-7d4e-7c1a-9b2f-3e4d5c6b7a89";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{options.Gateway.GetLeftPart(UriPartial.Authority)}/r1/{options.Service}/intents/{paymentId}"));
        request.Headers.Add("Naqil-Client", options.Client);
        request.Headers.Add("Naqil-Purpose", "fee-verification");
        request.Headers.Add("Naqil-Subject", $"{PaymentService.NationalIdPrefix}{nationalId}");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && !response.Headers.Contains("Naqil-Error"))
        {
            return $"the payment service knows no payment {paymentId}";
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var error = response.Headers.TryGetValues("Naqil-Error", out var codes) ? $" ({codes.First()})" : "";
            return $"the payment service could not be asked about payment {paymentId}: {(int)response.StatusCode}{error}; try again later";
        }

        using var intent = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = intent.RootElement;
        var amount = root.GetProperty("amount");
        return root.GetProperty("state").GetString() != "captured" ? $"payment {paymentId} is {root.GetProperty("state").GetString()}, not captured; capture it first"
            : root.GetProperty("payeeAccount").GetString() != options.PayeeAccount ? $"payment {paymentId} was not paid into {options.PayeeAccount}"
            : root.GetProperty("payerNationalId").GetString() != nationalId ? $"payment {paymentId} was made by another person than national id {nationalId}"
            : amount.GetProperty("currency").GetString() != options.Currency || amount.GetProperty("minor").GetInt64() < options.FeeMinor
            ? $"payment {paymentId} is {amount.GetProperty("value").GetString()} {amount.GetProperty("currency").GetString()}, less than the fee of {MoneyView.Of(options.FeeMinor, options.Currency).Value} {options.Currency}"
            : null;
    }
}
