using System.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Agencies.Payments;
using Naqil.Agencies.Payments.Apis;
using Naqil.Cli.Hosting;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil payments --config FILE</c>: a bank member's payment service, run behind its gateway.</summary>
internal static class PaymentsCommand
{
    public static Command Create()
    {
        var config = NaqilCommand.ConfigOption("payment service");
        var command = new Command("payments", "Run a bank member's payment service: payment intents, receipts, refunds and its double-entry ledger (docs/payments.md)") { config };
        command.SetAction((result, cancellationToken) => Runner().RunAsync(result.GetValue(config)!, cancellationToken));
        return command;
    }

    /// <summary>The service bound from the file's <c>Payments</c> section; its store is created (and the sandbox's citizens funded) before it listens.</summary>
    internal static ComponentRunner Runner(TextWriter? output = null, TextWriter? error = null) => new()
    {
        Command = "payments",
        Section = PaymentsOptions.Section,
        Compose = builder =>
        {
            var options = builder.Configuration.GetSection(PaymentsOptions.Section).Get<PaymentsOptions>() ?? new PaymentsOptions();
            builder.Services.AddPayments(options);
            builder.WebHost.UseUrls(options.Url);
        },
        Map = app =>
        {
            // Before Kestrel listens: no call finds the store without its schema.
            app.Services.GetRequiredService<PaymentService>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
            app.MapPaymentsApi();
        },
        Started = app =>
        {
            var options = app.Services.GetRequiredService<PaymentsOptions>();
            return $"Payment service of {options.Operator} listening on {options.Url} (ledger on {options.Storage})";
        },
        ListenFix = "change Payments:Url, or stop what uses the port",
        Output = output ?? Console.Out,
        Error = error ?? Console.Error,
    };
}
