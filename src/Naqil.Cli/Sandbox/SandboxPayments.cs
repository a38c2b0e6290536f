using Microsoft.Extensions.DependencyInjection;
using Naqil.Agencies.Payments;
using Naqil.Agencies.Payments.Bus;
using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Cli.Sandbox;

/// <summary>
/// The sandbox's payments: the Central Bank's payment service (<c>SY/GOV/CBS/payments/intents</c>)
/// with an account for each synthetic citizen and the civil registry's fee account, the civil
/// registry checking an extract's fee with it over the bus, and the <c>fee-payment</c> example.
/// </summary>
internal static class SandboxPayments
{
    public const string Service = "SY/GOV/CBS/payments/intents";
    public const string FeeAccount = "SY/GOV/CIVREG/fees";
    public const string RegistryClient = "SY/GOV/CIVREG/registry";

    /// <summary>The payment service's own subsystem, which publishes the captures.</summary>
    public const string Publisher = "SY/GOV/CBS/payments";

    /// <summary>Each capture's receipt, for the payees; the Civil Registry subscribes.</summary>
    public const string Topic = "SY/GOV/CBS/payments/captures";

    /// <summary>The civil registry's fee for an extract: 1 500.00 SYP.</summary>
    public const long ExtractFeeMinor = 1500_00;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The payment service on a SQLite file in its backend directory; 0.5 % fee; its captures published through its gateway (the publisher started with the gateways).</summary>
    public static void AddService(IServiceCollection services, BackendContext context, string url)
    {
        var exchange = context.Gateway is null ? null
            : new PostalExchangeOptions { GatewayUrl = context.Gateway, Publisher = Publisher, Topic = Topic, HostPublisher = false };
        Naqil.Configuration.OwnerOnly.CreateDirectory(context.Directory);
        services.AddPayments(new PaymentsOptions
        {
            Url = url,
            DatabaseFile = Path.Combine(context.Directory, "payments.db"),
            FeeBasisPoints = 50,
            SyntheticCitizens = true,
            Payees = [new PayeeAccountOptions { Id = FeeAccount, Name = "Civil Registry fees / رسوم السجل المدني" }],
        }, exchange);
    }

    /// <summary>The civil registry's check of a fee's payment, through its own gateway.</summary>
    public static void AddConfirmation(IServiceCollection services, BackendContext context)
    {
        if (context.Gateway is { } gateway)
        {
            services.AddSingleton(new PaymentConfirmation(new PaymentConfirmationOptions(gateway, RegistryClient, Service, FeeAccount, ExtractFeeMinor, "SYP"), Http));
            services.AddReceivedPayments();
        }
    }

    /// <summary>
    /// One shell line, through the portal's gateway: create the intent, authorise it, capture it (the
    /// signed answer is the receipt, carrying its exchange's Naqil-Id), then the civil registry issues
    /// the extract once it has seen the payment.
    /// </summary>
    public static SandboxExample Example(string portalConsumer)
    {
        var intents = $"{portalConsumer}/r1/{Service}/intents";
        const string headers = "-H 'Naqil-Client: SY/GOV/MOCT/portal' -H 'Naqil-Purpose: fee-payment' -H 'Naqil-Subject: SY-NID:01010000001'";
        const string intent = "{\"amount\":\"1500.00\",\"currency\":\"SYP\",\"payeeAccount\":\"SY/GOV/CIVREG/fees\",\"payerNationalId\":\"01010000001\","
            + "\"reference\":\"extract-01010000001\",\"description\":{\"ar\":\"رسم إخراج قيد فردي\",\"en\":\"Civil record extract fee\"}}";
        var command = "K=fee-$(date +%s%N)"
            + $" && ID=$(curl -sS --fail-with-body -X POST {headers} -H \"Idempotency-Key: $K-create\" -H 'Content-Type: application/json' --data '{intent}' {intents} | sed -E 's/^\\{{\"id\":\"([^\"]+)\".*/\\1/')"
            + " && echo \"intent $ID\""
            + $" && curl -sS --fail-with-body -o /dev/null -X POST {headers} -H \"Idempotency-Key: $K-authorise\" {intents}/$ID/authorise"
            + $" && curl -sS -i --fail-with-body -X POST {headers} -H \"Idempotency-Key: $K-capture\" {intents}/$ID/capture"
            + $" && echo && curl -sS --fail-with-body -X POST -H 'Naqil-Client: SY/GOV/MOCT/portal' -H 'Naqil-Purpose: certificate-issuance' -H 'Content-Type: application/json'"
            + $" --data \"{{\\\"nationalId\\\":\\\"01010000001\\\",\\\"paymentId\\\":\\\"$ID\\\"}}\" -o extract-paid.pdf {portalConsumer}/r1/SY/GOV/CIVREG/registry/extracts/extracts"
            + " && echo \"extract-paid.pdf: the Civil Registry saw payment $ID captured and issued the extract\"";
        return new SandboxExample("fee-payment",
            "A 1500.00 SYP fee for a civil-record extract paid through the bus: intent, authorise, capture (the answer is the receipt, signed by SY/GOV/CBS's gateway, carrying its Naqil-Id), then the Civil Registry checks the payment with the payment service over the bus and issues extract-paid.pdf",
            command);
    }
}
