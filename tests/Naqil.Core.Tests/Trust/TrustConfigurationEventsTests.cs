using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Trust;

namespace Naqil.Core.Tests.Trust;

/// <summary>Topics and subscriptions travel in the signed configuration, and documents written before them still parse.</summary>
public sealed class TrustConfigurationEventsTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _anchor;

    public TrustConfigurationEventsTests()
    {
        _anchor = new CertificateRequest("CN=registry", _key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _anchor.Dispose();
        _key.Dispose();
    }

    [Fact]
    public void SignAndVerify_TopicsAndSubscriptions_RoundTrip()
    {
        const string Schema = """{"type":"object","required":["item"]}""";
        var configuration = new TrustConfiguration
        {
            Instance = "SY",
            Serial = 7,
            Issued = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Expires = DateTimeOffset.Parse("2026-12-07T10:10:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Topics = [new TopicEntry("SY/GOV/POST/ems/items", false, "EMS item events", Schema), new TopicEntry("SY/GOV/POST/ems/bags", true)],
            Subscriptions = [new SubscriptionEntry("SY/GOV/POST/ems/items", "IQ/GOV/POST/ems"), new SubscriptionEntry("SY/GOV/POST/ems/items", "SY/GOV/CUSTOMS/clearance")],
        };

        var signed = SignedTrustConfiguration.Sign(configuration, _key, _anchor);
        Assert.True(SignedTrustConfiguration.TryVerify(signed.Payload, signed.Jws, _anchor, out var verified, out var error), error);

        Assert.Equal(configuration.Topics, verified.Configuration.Topics);
        Assert.Equal(configuration.Subscriptions, verified.Configuration.Subscriptions);
        var json = Encoding.UTF8.GetString(signed.Payload);
        Assert.Contains("\"topics\":[{\"id\":\"SY/GOV/POST/ems/items\",\"personalData\":false", json, StringComparison.Ordinal);
        Assert.Contains("\"subscriptions\":[{\"topic\":\"SY/GOV/POST/ems/items\",\"subscriber\":\"IQ/GOV/POST/ems\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_DocumentWithoutTopicsOrSubscriptions_ParsesWithEmptyLists()
    {
        // As a registry written before events signs it: no "topics" nor "subscriptions" member at all.
        var payload = """
            {"format":1,"instance":"SY","serial":3,"issued":"2026-12-07T10:00:00+00:00","expires":"2026-12-07T10:10:00+00:00",
             "members":[{"id":"SY/GOV/POST","name":"Syrian Post"}],"subsystems":[{"id":"SY/GOV/POST/ems"}],"gateways":[],
             "services":[{"id":"SY/GOV/POST/ems/tracking","personalData":false}],"trustedCas":[],"tsas":[],"partners":[]}
            """u8.ToArray();

        Assert.True(SignedTrustConfiguration.TryVerify(payload, SignRaw(payload), _anchor, out var verified, out var error), error);

        Assert.Empty(verified.Configuration.Topics);
        Assert.Empty(verified.Configuration.Subscriptions);
        Assert.Equal("SY/GOV/POST/ems/tracking", Assert.Single(verified.Configuration.Services).Id);
    }

    private string SignRaw(byte[] payload)
    {
        var header = Base64Url.EncodeToString("""{"alg":"ES256","typ":"naqil-trust+json"}"""u8);
        var signature = _key.SignHash(SignedTrustConfiguration.HashSigningInput(header, payload), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}..{Base64Url.EncodeToString(signature)}";
    }
}
