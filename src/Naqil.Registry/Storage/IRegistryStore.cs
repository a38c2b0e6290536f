using Naqil.Identifiers;

namespace Naqil.Registry.Storage;

/// <summary>
/// The registry's durable state. Every write that changes something increments the serial in the
/// same transaction, so a serial always names exactly one set of entries. Deleting a member
/// cascades to its subsystems, services, gateways, topics and subscriptions (those it publishes and
/// those it receives), and deleting a partner to its subsystems' subscriptions: removing a member
/// is how it is revoked, and a refusal would make revocation a multi-step chore. Implementations use only portable SQL so a
/// PostgreSQL store can sit beside the SQLite one.
/// </summary>
internal interface IRegistryStore
{
    /// <summary>Creates the schema when missing and binds the store to <paramref name="instance"/>; refuses a store made for another instance.</summary>
    Task InitializeAsync(string instance, CancellationToken cancellationToken);

    Task<long> GetSerialAsync(CancellationToken cancellationToken);

    Task<RegistrySnapshot> ReadSnapshotAsync(CancellationToken cancellationToken);

    Task<StoreResult> PutMemberAsync(MemberRecord member, CancellationToken cancellationToken);

    Task<StoreResult> DeleteMemberAsync(MemberId id, CancellationToken cancellationToken);

    Task<StoreResult> PutSubsystemAsync(SubsystemId id, CancellationToken cancellationToken);

    Task<StoreResult> DeleteSubsystemAsync(SubsystemId id, CancellationToken cancellationToken);

    Task<StoreResult> PutServiceAsync(ServiceRecord service, CancellationToken cancellationToken);

    Task<StoreResult> DeleteServiceAsync(ServiceId id, CancellationToken cancellationToken);

    Task<StoreResult> PutGatewayAsync(GatewayRecord gateway, CancellationToken cancellationToken);

    Task<StoreResult> DeleteGatewayAsync(MemberId member, string code, CancellationToken cancellationToken);

    /// <summary>Adds a CA certificate (DER) to the trusted CAs when it is not there yet.</summary>
    Task<StoreResult> EnsureTrustedCaAsync(byte[] certificate, CancellationToken cancellationToken);

    Task<StoreResult> PutPartnerAsync(PartnerRecord partner, CancellationToken cancellationToken);

    Task<StoreResult> DeletePartnerAsync(string instance, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a topic; <see cref="StoreOutcome.ParentNotFound"/> when its publisher subsystem is not registered.</summary>
    Task<StoreResult> PutTopicAsync(TopicRecord topic, CancellationToken cancellationToken);

    /// <summary>Deletes a topic and its subscriptions.</summary>
    Task<StoreResult> DeleteTopicAsync(ServiceId id, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a subscription: <see cref="StoreOutcome.ParentNotFound"/> when the topic is not
    /// registered, <see cref="StoreOutcome.ReferenceNotFound"/> when the subscriber is a subsystem of
    /// <paramref name="ownInstance"/> that is not registered or of an instance that is not a partner.
    /// </summary>
    Task<StoreResult> PutSubscriptionAsync(SubscriptionRecord subscription, string ownInstance, CancellationToken cancellationToken);

    Task<StoreResult> DeleteSubscriptionAsync(SubscriptionRecord subscription, CancellationToken cancellationToken);
}
