using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>Topics and subscriptions are checked as services are: one bad entry refuses the whole document.</summary>
public sealed class TrustSnapshotEventsTests : IDisposable
{
    private const string Items = "SY/GOV/POST/ems/items";

    private readonly ECDsa _registryKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _anchor;

    public TrustSnapshotEventsTests()
    {
        _anchor = new CertificateRequest("CN=registry", _registryKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _anchor.Dispose();
        _registryKey.Dispose();
    }

    [Fact]
    public void TryVerifyAndIndex_TopicsAndSubscriptions_IndexedByTopic()
    {
        var signed = Sign(Configuration());

        Assert.True(TrustSnapshot.TryVerifyAndIndex(signed.Payload, signed.Jws, _anchor, "SY", null, out var snapshot, out var error), error);

        Assert.True(snapshot.TryGetTopic(Items, out var topic));
        Assert.Equal("EMS item events", topic.Description);
        Assert.False(snapshot.TryGetTopic("SY/GOV/POST/ems/tracking", out _));
        Assert.Equal([SubsystemId.Parse("SY/GOV/CUSTOMS/clearance"), SubsystemId.Parse("IQ/GOV/POST/ems")], snapshot.SubscribersOf(Items));
        Assert.Empty(snapshot.SubscribersOf("SY/GOV/POST/ems/bags"));
    }

    public static TheoryData<string, string> BadEntries => new()
    {
        { "topic of another instance", "topic 'IQ/GOV/POST/ems/items' is not a topic of instance SY: foreign instance" },
        { "malformed topic", "topic 'SY/GOV/POST/ems' is not a topic of instance SY" },
        { "topic that is a service", "topic 'SY/GOV/POST/ems/tracking' is also a service" },
        { "unlisted topic", "a subscription names topic 'SY/GOV/POST/ems/bags', which the configuration does not list" },
        { "malformed subscriber", "subscriber 'SY/GOV/CUSTOMS' of topic SY/GOV/POST/ems/items is not a subsystem" },
        { "unlisted local subscriber", "subscriber 'SY/GOV/CUSTOMS/nosuch' of topic SY/GOV/POST/ems/items is not a listed subsystem" },
        { "subscriber of a non-partner", "subscriber 'JO/GOV/POST/ems' of topic SY/GOV/POST/ems/items is of instance JO, which is not a listed partner" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void TryVerifyAndIndex_BadTopicOrSubscription_RefusesTheWholeDocument(string bad, string reason)
    {
        var good = Configuration();
        var configuration = bad switch
        {
            "topic of another instance" => good with { Topics = [.. good.Topics, new TopicEntry("IQ/GOV/POST/ems/items", false)] },
            "malformed topic" => good with { Topics = [.. good.Topics, new TopicEntry("SY/GOV/POST/ems", false)] },
            "topic that is a service" => good with { Topics = [.. good.Topics, new TopicEntry("SY/GOV/POST/ems/tracking", false)] },
            "unlisted topic" => good with { Subscriptions = [.. good.Subscriptions, new SubscriptionEntry("SY/GOV/POST/ems/bags", "SY/GOV/CUSTOMS/clearance")] },
            "malformed subscriber" => good with { Subscriptions = [.. good.Subscriptions, new SubscriptionEntry(Items, "SY/GOV/CUSTOMS")] },
            "unlisted local subscriber" => good with { Subscriptions = [.. good.Subscriptions, new SubscriptionEntry(Items, "SY/GOV/CUSTOMS/nosuch")] },
            _ => good with { Subscriptions = [.. good.Subscriptions, new SubscriptionEntry(Items, "JO/GOV/POST/ems")] },
        };
        var signed = Sign(configuration);

        Assert.False(TrustSnapshot.TryVerifyAndIndex(signed.Payload, signed.Jws, _anchor, "SY", null, out var snapshot, out var error));

        Assert.Null(snapshot);
        Assert.StartsWith($"the configuration was refused whole: {reason}", error, StringComparison.Ordinal);
    }

    private SignedTrustConfiguration Sign(TrustConfiguration configuration) => SignedTrustConfiguration.Sign(configuration, _registryKey, _anchor);

    /// <summary>SY's post publishes EMS item events to SY's customs and to IQ's post; IQ is a partner.</summary>
    private static TrustConfiguration Configuration() => new()
    {
        Instance = "SY",
        Serial = 1,
        Issued = DateTimeOffset.UtcNow,
        Expires = DateTimeOffset.UtcNow.AddMinutes(10),
        Members = [new MemberEntry("SY/GOV/POST", "Syrian Post"), new MemberEntry("SY/GOV/CUSTOMS", "Customs")],
        Subsystems = [new SubsystemEntry("SY/GOV/POST/ems"), new SubsystemEntry("SY/GOV/CUSTOMS/clearance")],
        Services = [new ServiceEntry("SY/GOV/POST/ems/tracking", false)],
        Topics = [new TopicEntry(Items, false, "EMS item events")],
        Subscriptions = [new SubscriptionEntry(Items, "SY/GOV/CUSTOMS/clearance"), new SubscriptionEntry(Items, "IQ/GOV/POST/ems")],
        Partners = [new PartnerEntry("IQ", "AAAA", "https://registry.iq.example/trust/v1/config")],
    };
}
