using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Subscriber;
using Naqil.Gateway.ProviderFace;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// The step types of each face's pipeline, in order: the defaults (<see cref="ConsumerSteps"/>,
/// <see cref="ProviderSteps"/>) unless a component inserts its own, as the CERT will put its block
/// list first: <c>services.Configure&lt;ExchangePipelineOptions&gt;(o =&gt; o.Provider.Insert(0, typeof(...)))</c>.
/// Each type is created once, with its dependencies from the container.
/// </summary>
internal sealed class ExchangePipelineOptions
{
    public List<Type> Consumer { get; } = [.. ConsumerSteps.Default];

    public List<Type> Provider { get; } = [.. ProviderSteps.Default];

    /// <summary>The steps of the events pipeline (<see cref="EventSteps"/>), on the consumer face's listener.</summary>
    public List<Type> Events { get; } = [.. EventSteps.Default];

    /// <summary>The steps of a delivery of events received for a subscriber (<see cref="SubscriberSteps"/>), on the provider face's listener.</summary>
    public List<Type> Subscriber { get; } = [.. SubscriberSteps.Default];

    /// <summary>Creates the steps of one face, refusing a type that is not a step of it.</summary>
    public static IExchangeStep<TExchange>[] Create<TExchange>(IServiceProvider services, IEnumerable<Type> types)
        where TExchange : ExchangeFeature =>
    [
        .. types.Select(type => Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(services, type) as IExchangeStep<TExchange>
            ?? throw new InvalidOperationException($"{type.FullName} is not an exchange step of the {typeof(TExchange).Name} pipeline")),
    ];
}
