using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Agencies.Payments;

internal static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// The payment service and its store; call <see cref="PaymentService.InitializeAsync"/> once the
    /// host is built, then <c>MapPaymentsApi</c>. Options that will not do stop here, each problem named.
    /// </summary>
    /// <remarks>
    /// With <paramref name="exchange"/> (else <see cref="PaymentsOptions.Events"/>) naming a gateway, each capture's receipt is also queued as an
    /// event on <see cref="PostalExchangeOptions.Topic"/> and a <see cref="PostalPublisher"/> (the
    /// posts' outbox publisher, over this store's queue) sends it, so payees learn of payments on the bus.
    /// </remarks>
    public static IServiceCollection AddPayments(this IServiceCollection services, PaymentsOptions options, PostalExchangeOptions? exchange = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(PaymentsOptions.Section, typeof(PaymentsOptions), errors);
        }

        exchange ??= options.Events;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(_ => options.CreateStore());
        PublicationSignal? signal = null;
        if (exchange?.GatewayUrl is not null)
        {
            if (exchange.Validate() is { Count: > 0 } problems)
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(PaymentsOptions.Section, typeof(PaymentsOptions), problems);
            }

            signal = services.AddPublisher<Storage.IPaymentStore>(exchange);
        }

        services.AddSingleton(sp => new PaymentService(options, sp.GetRequiredService<Storage.IPaymentStore>(), sp.GetRequiredService<TimeProvider>(), signal));
        return services;
    }
}
