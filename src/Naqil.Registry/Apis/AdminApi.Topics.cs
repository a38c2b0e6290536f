using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Naqil.Identifiers;
using Naqil.Registry.Members;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Apis;

/// <summary>
/// Event topics and their subscriptions. A topic belongs to a registered subsystem of this
/// instance; a subscription names a topic of this instance and a subscriber subsystem, of this
/// instance or of a federation partner. Where the subscriber's gateway posts the events on its
/// backend is that gateway's configuration, so a subscription has no body.
/// </summary>
internal static partial class AdminApi
{
    private const string SubscriberRoute =
        "/topics/{instance}/{class}/{member}/{subsystem}/{code}/subscribers/{subscriberInstance}/{subscriberClass}/{subscriberMember}/{subscriberSubsystem}";

    private static async Task<Ok<TopicsResponse>> ListTopics(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        return TypedResults.Ok(new TopicsResponse(snapshot.Serial, [.. snapshot.Topics.Select(ToResponse)]));
    }

    private static async Task<Results<Created<TopicResponse>, Ok<TopicResponse>, RegistryProblem>> PutTopic(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code, HttpRequest request, AdminServices services)
    {
        if (!RouteIdentifiers.TryService(services.Instance, instance, memberClass, member, subsystem, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(Topic(error));
        }

        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.TopicRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Schema is { } schema && !IsJson(schema))
        {
            return RegistryProblem.BadRequest("'schema' is not JSON text; send the events' JSON Schema serialised as a JSON string, or omit it");
        }

        var record = new TopicRecord(id, body.PersonalData, body.Description, body.Schema);
        var result = await services.Store.PutTopicAsync(record, request.HttpContext.RequestAborted);
        services.Changed(result, "topic", id.ToString());
        return result.Outcome switch
        {
            StoreOutcome.ParentNotFound => RegistryProblem.Conflict(
                $"the publisher subsystem {id.Subsystem} is not registered; PUT /admin/v1/subsystems/{id.Subsystem} first"),
            StoreOutcome.IdentifierTaken => RegistryProblem.Conflict(
                $"{id} is already a service; a topic and a service never share an identifier, so an access rule names exactly one of them"),
            StoreOutcome.Created => TypedResults.Created($"/admin/v1/topics/{id}", ToResponse(record)),
            _ => TypedResults.Ok(ToResponse(record)),
        };
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteTopic(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TryService(services.Instance, instance, memberClass, member, subsystem, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(Topic(error));
        }

        // Cascades to the topic's subscriptions.
        var result = await services.Store.DeleteTopicAsync(id, cancellationToken);
        services.Changed(result, "topic", id.ToString());
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"the topic {id} is not registered; GET /admin/v1/topics lists those that are")
            : TypedResults.NoContent();
    }

    private static async Task<Ok<SubscriptionsResponse>> ListSubscriptions(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        return TypedResults.Ok(new SubscriptionsResponse(
            snapshot.Serial, [.. snapshot.Subscriptions.Select(s => new SubscriptionResponse(s.Topic.ToString(), s.Subscriber.ToString()))]));
    }

    private static async Task<Results<Created<SubscriptionResponse>, Ok<SubscriptionResponse>, RegistryProblem>> PutSubscription(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code,
        string subscriberInstance, string subscriberClass, string subscriberMember, string subscriberSubsystem, HttpRequest request, AdminServices services)
    {
        if (!TrySubscription(services.Instance, instance, memberClass, member, subsystem, code,
            subscriberInstance, subscriberClass, subscriberMember, subscriberSubsystem, out var subscription, out var problem))
        {
            return problem;
        }

        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (_, bodyProblem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.SubscriptionRequest);
            if (bodyProblem is not null)
            {
                return bodyProblem;
            }
        }

        var result = await services.Store.PutSubscriptionAsync(subscription, services.Instance, request.HttpContext.RequestAborted);
        var (topic, subscriber) = (subscription.Topic, subscription.Subscriber);
        services.Changed(result, "subscription", $"{topic} -> {subscriber}");
        var response = new SubscriptionResponse(topic.ToString(), subscriber.ToString());
        return result.Outcome switch
        {
            StoreOutcome.ParentNotFound => RegistryProblem.Conflict($"the topic {topic} is not registered; PUT /admin/v1/topics/{topic} first"),
            StoreOutcome.ReferenceNotFound when subscriber.Instance == services.Instance => RegistryProblem.Conflict(
                $"the subscriber subsystem {subscriber} is not registered; PUT /admin/v1/subsystems/{subscriber} first"),
            StoreOutcome.ReferenceNotFound => RegistryProblem.Conflict(
                $"the subscriber {subscriber} is of instance {subscriber.Instance}, which is not a federation partner; PUT /admin/v1/partners/{subscriber.Instance} first"),
            StoreOutcome.Created => TypedResults.Created($"/admin/v1/topics/{topic}/subscribers/{subscriber}", response),
            _ => TypedResults.Ok(response),
        };
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteSubscription(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code,
        string subscriberInstance, string subscriberClass, string subscriberMember, string subscriberSubsystem, AdminServices services, CancellationToken cancellationToken)
    {
        if (!TrySubscription(services.Instance, instance, memberClass, member, subsystem, code,
            subscriberInstance, subscriberClass, subscriberMember, subscriberSubsystem, out var subscription, out var problem))
        {
            return problem;
        }

        var result = await services.Store.DeleteSubscriptionAsync(subscription, cancellationToken);
        services.Changed(result, "subscription", $"{subscription.Topic} -> {subscription.Subscriber}");
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound(
                $"{subscription.Subscriber} is not subscribed to {subscription.Topic}; GET /admin/v1/subscriptions lists the subscriptions")
            : TypedResults.NoContent();
    }

    private static bool TrySubscription(string ownInstance, string instance, string memberClass, string member, string subsystem, string code,
        string subscriberInstance, string subscriberClass, string subscriberMember, string subscriberSubsystem,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SubscriptionRecord? subscription,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out RegistryProblem? problem)
    {
        subscription = null;
        if (!RouteIdentifiers.TryService(ownInstance, instance, memberClass, member, subsystem, code, out var topic, out var error))
        {
            problem = RegistryProblem.BadIdentifier(Topic(error));
            return false;
        }

        // The subscriber may be of another instance: the store checks that it is a partner.
        if (!SubsystemId.TryParse($"{subscriberInstance}/{subscriberClass}/{subscriberMember}/{subscriberSubsystem}", out var subscriber, out error))
        {
            problem = RegistryProblem.BadIdentifier($"the subscriber: {error}");
            return false;
        }

        subscription = new SubscriptionRecord(topic, subscriber);
        problem = null;
        return true;
    }

    // A topic identifier has a service identifier's grammar, and the parser calls its last segment "service".
    private static string Topic(string error) => $"the topic: {error.Replace("service segment", "topic segment", StringComparison.Ordinal)}";

    private static TopicResponse ToResponse(TopicRecord topic) =>
        new(topic.Id.ToString(), topic.Id.Subsystem.ToString(), topic.PersonalData, topic.Description, topic.JsonSchema);
}
