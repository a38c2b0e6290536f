using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Identifiers;
using Naqil.Trust;

namespace Naqil.Gateway.Trust;

/// <summary>A peer gateway as the trust configuration describes it, with its keys parsed once.</summary>
internal sealed record PeerGateway(
    MemberId Member,
    string Code,
    Uri Address,
    string TlsThumbprint,
    string SigningThumbprint,
    Lazy<ECDsa> LazySigningKey)
{
    /// <summary>The public key of its signing certificate, imported on first use.</summary>
    public ECDsa SigningKey => LazySigningKey.Value;

    /// <summary><c>SY/GOV/CIVREG/gw1</c>, as the message log names the peer.</summary>
    public string Id { get; } = $"{Member}/{Code}";

    /// <summary><c>https://host:port</c> of its provider face.</summary>
    public string Authority { get; } = Address.GetLeftPart(UriPartial.Authority);

    /// <summary>The entry it was read from: the next configuration reuses what was read from it when it lists the same entry.</summary>
    public required GatewayEntry Source { get; init; }
}

/// <summary>
/// A verified trust configuration, indexed for the lookups every exchange makes. Immutable: a
/// new configuration builds a new snapshot that replaces the old one whole.
/// </summary>
internal sealed class TrustSnapshot
{
    /// <summary>Below this many gateways the work is too small to share between threads.</summary>
    private const int ParallelFrom = 256;

    /// <summary>Bounded so that a large configuration never takes more than a few cores from the exchanges the gateway is serving.</summary>
    private static readonly int Degree = Math.Clamp(Environment.ProcessorCount, 1, 4);

    private readonly Dictionary<string, PeerGateway> _byTlsThumbprint;
    private readonly Dictionary<string, PeerGateway> _bySigningThumbprint;
    private readonly Dictionary<MemberId, PeerGateway[]> _byMember;
    private readonly Dictionary<string, ServiceEntry> _services;
    private readonly HashSet<string> _subsystems;
    private readonly Dictionary<string, TopicEntry> _topics;
    private readonly Dictionary<string, SubsystemId[]> _subscribers;

    private TrustSnapshot(SignedTrustConfiguration signed, Dictionary<string, PeerGateway> byTls, Dictionary<string, PeerGateway> bySigning,
        Dictionary<MemberId, PeerGateway[]> byMember, Dictionary<string, ServiceEntry> services, HashSet<string> subsystems,
        Dictionary<string, TopicEntry> topics, Dictionary<string, SubsystemId[]> subscribers)
    {
        _topics = topics;
        _subscribers = subscribers;
        Signed = signed;
        _byTlsThumbprint = byTls;
        _bySigningThumbprint = bySigning;
        _byMember = byMember;
        _services = services;
        _subsystems = subsystems;
    }

    public SignedTrustConfiguration Signed { get; }

    public TrustConfiguration Configuration => Signed.Configuration;

    public long Serial => Configuration.Serial;

    public DateTimeOffset Issued => Configuration.Issued;

    public DateTimeOffset Expires => Configuration.Expires;

    public bool TryGetGatewayByTls(string thumbprint, [NotNullWhen(true)] out PeerGateway? gateway) => _byTlsThumbprint.TryGetValue(thumbprint, out gateway);

    public bool TryGetGatewayBySigningKey(string thumbprint, [NotNullWhen(true)] out PeerGateway? gateway) => _bySigningThumbprint.TryGetValue(thumbprint, out gateway);

    public IEnumerable<PeerGateway> AllGateways => _byTlsThumbprint.Values;

    public IReadOnlyList<PeerGateway> GatewaysOf(MemberId member) => _byMember.TryGetValue(member, out var gateways) ? gateways : [];

    public bool TryGetService(string serviceId, [NotNullWhen(true)] out ServiceEntry? service) => _services.TryGetValue(serviceId, out service);

    public bool HasSubsystem(string subsystemId) => _subsystems.Contains(subsystemId);

    public bool TryGetTopic(string topicId, [NotNullWhen(true)] out TopicEntry? topic) => _topics.TryGetValue(topicId, out topic);

    /// <summary>The subsystems, of this instance or of its partners, subscribed to <paramref name="topicId"/>, in document order.</summary>
    public IReadOnlyList<SubsystemId> SubscribersOf(string topicId) => _subscribers.TryGetValue(topicId, out var subscribers) ? subscribers : [];

    /// <summary>
    /// What a gateway does with a document it fetched or saved: verifies the detached JWS against
    /// <paramref name="anchor"/>, parses it, checks that it speaks for <paramref name="instance"/> and
    /// indexes it. Rollback and expiry are <see cref="TrustState"/>'s to judge.
    /// </summary>
    public static bool TryVerifyAndIndex(byte[] payload, string? jws, X509Certificate2 anchor, string instance, TrustSnapshot? previous,
        [NotNullWhen(true)] out TrustSnapshot? snapshot, [NotNullWhen(false)] out string? error)
    {
        snapshot = null;
        if (!SignedTrustConfiguration.TryVerify(payload, jws, anchor, out var signed, out error))
        {
            return false;
        }

        if (signed.Configuration.Instance != instance)
        {
            error = $"the configuration is for instance {signed.Configuration.Instance}, not {instance}";
            return false;
        }

        if (!TryCreate(signed, previous, out snapshot, out var indexError))
        {
            error = $"the configuration was refused whole: {indexError}";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Indexes a verified configuration. Refuses it whole when it vouches for another instance
    /// than its own, lists a subscription the instance cannot hold, or carries a certificate that
    /// does not parse as ECDSA P-256; the reason names
    /// the first such entry in document order.
    /// </summary>
    /// <param name="signed">The verified document.</param>
    /// <param name="previous">The snapshot it replaces: a gateway listed there with exactly the same entry (member, code, address and both certificates) is carried over: its address, thumbprints and key (perhaps already imported) are reused, nothing is read again.</param>
    /// <param name="snapshot">The index.</param>
    /// <param name="error">Why the document was refused.</param>
    public static bool TryCreate(SignedTrustConfiguration signed, TrustSnapshot? previous, [NotNullWhen(true)] out TrustSnapshot? snapshot, [NotNullWhen(false)] out string? error)
    {
        snapshot = null;
        var configuration = signed.Configuration;
        if (!TryIndexIdentifiers(configuration, out var subsystems, out var services, out error)
            || !TryIndexEvents(configuration, subsystems, services, out var topics, out var subscribers, out error)
            || !TryIndexGateways(configuration, previous, out var byTls, out var bySigning, out var gatewaysOf, out error))
        {
            return false;
        }

        snapshot = new TrustSnapshot(signed, byTls, bySigning, gatewaysOf, services, subsystems, topics, subscribers);
        return true;
    }

    /// <summary>Members, subsystems and services, each of the configuration's own instance.</summary>
    private static bool TryIndexIdentifiers(TrustConfiguration configuration, out HashSet<string> subsystems, out Dictionary<string, ServiceEntry> services, [NotNullWhen(false)] out string? error)
    {
        var instance = configuration.Instance;
        subsystems = new HashSet<string>(configuration.Subsystems.Count, StringComparer.Ordinal);
        services = new Dictionary<string, ServiceEntry>(configuration.Services.Count, StringComparer.Ordinal);
        foreach (var member in configuration.Members)
        {
            if (!MemberId.TryParse(member.Id, out var id, out error) || id.Instance != instance)
            {
                error = $"member '{member.Id}' is not a member of instance {instance}: {error ?? "foreign instance"}";
                return false;
            }
        }

        foreach (var subsystem in configuration.Subsystems)
        {
            if (!SubsystemId.TryParse(subsystem.Id, out var id, out error) || id.Instance != instance)
            {
                error = $"subsystem '{subsystem.Id}' is not a subsystem of instance {instance}: {error ?? "foreign instance"}";
                return false;
            }

            subsystems.Add(subsystem.Id);
        }

        foreach (var service in configuration.Services)
        {
            if (!ServiceId.TryParse(service.Id, out var id, out error) || id.Instance != instance)
            {
                error = $"service '{service.Id}' is not a service of instance {instance}: {error ?? "foreign instance"}";
                return false;
            }

            services[service.Id] = service;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Topics, each of the configuration's own instance and never a service's identifier, and
    /// subscriptions, each to a listed topic by a listed subsystem of this instance or a subsystem of
    /// a listed partner: a subscription lives in the publisher's configuration, and only a partner's
    /// subsystems can be reached across the border.
    /// </summary>
    private static bool TryIndexEvents(TrustConfiguration configuration, HashSet<string> subsystems, Dictionary<string, ServiceEntry> services,
        out Dictionary<string, TopicEntry> topics, out Dictionary<string, SubsystemId[]> subscribers, [NotNullWhen(false)] out string? error)
    {
        var instance = configuration.Instance;
        topics = new Dictionary<string, TopicEntry>(configuration.Topics.Count, StringComparer.Ordinal);
        subscribers = new Dictionary<string, SubsystemId[]>(StringComparer.Ordinal);
        foreach (var topic in configuration.Topics)
        {
            if (!ServiceId.TryParse(topic.Id, out var id, out error) || id.Instance != instance)
            {
                error = $"topic '{topic.Id}' is not a topic of instance {instance}: {error ?? "foreign instance"}";
                return false;
            }

            if (services.ContainsKey(topic.Id))
            {
                error = $"topic '{topic.Id}' is also a service";
                return false;
            }

            topics[topic.Id] = topic;
        }

        var byTopic = new Dictionary<string, List<SubsystemId>>(StringComparer.Ordinal);
        foreach (var subscription in configuration.Subscriptions)
        {
            if (!topics.ContainsKey(subscription.Topic))
            {
                error = $"a subscription names topic '{subscription.Topic}', which the configuration does not list";
                return false;
            }

            if (!SubsystemId.TryParse(subscription.Subscriber, out var subscriber, out error))
            {
                error = $"subscriber '{subscription.Subscriber}' of topic {subscription.Topic} is not a subsystem: {error}";
                return false;
            }

            var known = subscriber.Instance == instance
                ? subsystems.Contains(subscription.Subscriber)
                : configuration.Partners.Any(p => p.Instance == subscriber.Instance);
            if (!known)
            {
                error = subscriber.Instance == instance
                    ? $"subscriber '{subscription.Subscriber}' of topic {subscription.Topic} is not a listed subsystem"
                    : $"subscriber '{subscription.Subscriber}' of topic {subscription.Topic} is of instance {subscriber.Instance}, which is not a listed partner";
                return false;
            }

            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(byTopic, subscription.Topic, out _);
            list ??= new List<SubsystemId>(1);
            if (!list.Contains(subscriber))
            {
                list.Add(subscriber);
            }
        }

        foreach (var (topic, list) in byTopic)
        {
            subscribers[topic] = [.. list];
        }

        error = null;
        return true;
    }

    /// <summary>The gateways by TLS and signing thumbprint and by member; the first bad entry in document order refuses the whole.</summary>
    private static bool TryIndexGateways(TrustConfiguration configuration, TrustSnapshot? previous, out Dictionary<string, PeerGateway> byTls, out Dictionary<string, PeerGateway> bySigning,
        out Dictionary<MemberId, PeerGateway[]> gatewaysOf, [NotNullWhen(false)] out string? error)
    {
        var peers = ReadGateways(configuration.Gateways, configuration.Instance, previous, out var errors);
        byTls = new Dictionary<string, PeerGateway>(peers.Length, StringComparer.Ordinal);
        bySigning = new Dictionary<string, PeerGateway>(peers.Length, StringComparer.Ordinal);
        gatewaysOf = [];
        var byMember = new Dictionary<MemberId, List<PeerGateway>>(peers.Length);
        for (var i = 0; i < peers.Length; i++)
        {
            if (peers[i] is not { } peer)
            {
                error = errors[i]!;
                return false;
            }

            byTls[peer.TlsThumbprint] = peer;
            bySigning[peer.SigningThumbprint] = peer;
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(byMember, peer.Member, out _);
            (list ??= new List<PeerGateway>(1)).Add(peer);
        }

        gatewaysOf = new Dictionary<MemberId, PeerGateway[]>(byMember.Count);
        foreach (var (member, list) in byMember)
        {
            gatewaysOf[member] = [.. list];
        }

        error = null;
        return true;
    }

    private static PeerGateway?[] ReadGateways(IReadOnlyList<GatewayEntry> entries, string instance, TrustSnapshot? previous, out string?[] errors)
    {
        var peers = new PeerGateway?[entries.Count];
        var found = new string?[entries.Count];
        if (entries.Count < ParallelFrom)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                peers[i] = ReadGateway(entries[i], instance, previous, out found[i]);
            }
        }
        else
        {
            // Two certificates per gateway (base64, DER walk, SHA-256) dominate; entries are independent.
            Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Degree },
                i => peers[i] = ReadGateway(entries[i], instance, previous, out found[i]));
        }

        errors = found;
        return peers;
    }

    /// <summary>One gateway entry, checked and read, or null with the reason; safe to call from several threads.</summary>
    private static PeerGateway? ReadGateway(GatewayEntry entry, string instance, TrustSnapshot? previous, out string? error)
    {
        if (!MemberId.TryParse(entry.Member, out var member, out error) || member.Instance != instance)
        {
            error = $"gateway '{entry.Member}/{entry.Code}' is not a gateway of instance {instance}: {error ?? "foreign instance"}";
            return null;
        }

        if (previous is not null && previous._byMember.TryGetValue(member, out var known))
        {
            foreach (var peer in known)
            {
                if (peer.Source.SameAs(entry))
                {
                    // Everything read from the entry is reused; the entry itself is the new document's,
                    // so that the old document's strings are not kept alive alongside their copies.
                    error = null;
                    return peer with { Source = entry };
                }
            }
        }

        if (!Uri.TryCreate(entry.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps)
        {
            error = $"gateway '{entry.Member}/{entry.Code}' has address '{entry.Address}', which is not an https URL";
            return null;
        }

        if (!CertificateInfo.TryRead(entry.TlsCertificate, out var tlsThumbprint) || !CertificateInfo.TryRead(entry.SigningCertificate, out var signingThumbprint, out var signingKey))
        {
            error = $"gateway '{entry.Member}/{entry.Code}' has a certificate that is not DER with an ECDSA P-256 key";
            return null;
        }

        // A signing key already imported for the previous configuration stays, even when the entry around it changed.
        var key = previous is not null && previous._bySigningThumbprint.TryGetValue(signingThumbprint, out var holder)
            ? holder.LazySigningKey
            : new Lazy<ECDsa>(() => CertificateInfo.ImportKey(signingKey), LazyThreadSafetyMode.ExecutionAndPublication);
        error = null;
        return new PeerGateway(member, entry.Code, address, tlsThumbprint, signingThumbprint, key) { Source = entry };
    }
}
