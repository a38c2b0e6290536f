using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Naqil.Agencies.Payments;

internal static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// The payment service and its store; call <see cref="PaymentService.InitializeAsync"/> once the
    /// host is built, then <c>MapPaymentsApi</c>. Options that will not do stop here, each problem named.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services, PaymentsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(PaymentsOptions.Section, typeof(PaymentsOptions), errors);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(_ => options.CreateStore());
        services.AddSingleton(sp => new PaymentService(options, sp.GetRequiredService<Storage.IPaymentStore>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
