using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;
using Naqil.Registry.Storage;
using Naqil.Trust;
using TrustDocument = Naqil.Trust.TrustConfiguration;

using Naqil.Keys;

namespace Naqil.Registry.TrustConfiguration;

/// <summary>A signed configuration as served, with its entity tag.</summary>
internal sealed record PublishedConfiguration(SignedTrustConfiguration Signed, string ETag)
{
    public long Serial => Signed.Configuration.Serial;

    public DateTimeOffset Issued => Signed.Configuration.Issued;
}

/// <summary>
/// Builds and signs the trust configuration, and keeps the signed document while it is current:
/// gateways poll every few seconds, so most polls must cost one serial lookup and end in 304. It is
/// re-signed when the serial moves or when half its lifetime has passed, so a gateway always holds
/// a document with at least half a lifetime left.
/// </summary>
internal sealed class TrustConfigurationPublisher(
    IRegistryStore store, RegistryKeys keys, RegistryOptions options, TimeProvider time, ILogger<TrustConfigurationPublisher> logger) : IDisposable
{
    private readonly SemaphoreSlim _signing = new(1, 1);
    private PublishedConfiguration? _current;

    public async Task<PublishedConfiguration> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var serial = await store.GetSerialAsync(cancellationToken);
        var current = Volatile.Read(ref _current);
        if (IsCurrent(current, serial))
        {
            return current!;
        }

        // One signer at a time; whoever waited re-checks, since the one before may have signed already.
        await _signing.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (IsCurrent(current, serial))
            {
                return current!;
            }

            PublishedConfiguration published;
            try
            {
                published = Sign(await store.ReadSnapshotAsync(cancellationToken));
            }
            catch (SigningUnavailableException e) when (current is not null && current.Signed.Configuration.Expires > time.GetUtcNow())
            {
                // The anchor's key is in a token that does not answer: the last document is still valid, and gateways keep it until it expires.
                Log.ConfigurationNotResigned(logger, current.Serial, e.Message);
                return current;
            }

            Volatile.Write(ref _current, published);
            Log.ConfigurationSigned(logger, published.Serial, published.Signed.Configuration.Expires, published.ETag);
            return published;
        }
        finally
        {
            _signing.Release();
        }
    }

    public void Dispose() => _signing.Dispose();

    private bool IsCurrent(PublishedConfiguration? published, long serial) =>
        published is not null && published.Serial >= serial && time.GetUtcNow() - published.Issued <= options.ConfigurationLifetime / 2;

    private PublishedConfiguration Sign(RegistrySnapshot snapshot)
    {
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var configuration = new TrustDocument
        {
            Instance = options.Instance,
            Serial = snapshot.Serial,
            Issued = now,
            Expires = now + options.ConfigurationLifetime,
            Members = [.. snapshot.Members.Select(m => new MemberEntry(m.Id.ToString(), m.Name))],
            Subsystems = [.. snapshot.Subsystems.Select(s => new SubsystemEntry(s.ToString()))],
            Gateways = [.. snapshot.Gateways.Select(g => new GatewayEntry(
                g.Member.ToString(), g.Code, g.Address, g.TlsCertificate, g.SigningCertificate))],
            Services = [.. snapshot.Services.Select(s => new ServiceEntry(s.Id.ToString(), s.PersonalData, s.Description, s.OpenApi))],
            Topics = [.. snapshot.Topics.Select(t => new TopicEntry(t.Id.ToString(), t.PersonalData, t.Description, t.JsonSchema))],
            Subscriptions = [.. snapshot.Subscriptions.Select(s => new SubscriptionEntry(s.Topic.ToString(), s.Subscriber.ToString()))],
            TrustedCas = [.. snapshot.TrustedCas.Select(Convert.ToBase64String)],
            Partners = [.. snapshot.Partners.Select(p => new PartnerEntry(p.Instance, Convert.ToBase64String(p.Anchor), p.ConfigUrl))],
            Tsas = PublishedTsas(),
        };
        var signed = SignedTrustConfiguration.Sign(configuration, keys.SigningKey, keys.AnchorCertificate);
        return new PublishedConfiguration(signed, ETagOf(signed.Payload));
    }

    /// <summary>
    /// The TSAs gateways use: the external ones the options name, else the sandbox TSA where
    /// gateways can reach it, at the registry's public URL.
    /// </summary>
    private TsaEntry[] PublishedTsas()
    {
        if (options.Tsas.Count > 0)
        {
            return [.. options.Tsas.Select(t => new TsaEntry(t.Url, Convert.ToBase64String(PemCertificateDer(t.CertificateFile))))];
        }

        return options.PublicUrl is { } url ? [new TsaEntry($"{url.TrimEnd('/')}/tsa", Convert.ToBase64String(keys.TsaCertificate.RawData))] : [];
    }

    private static byte[] PemCertificateDer(string path)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return certificate.RawData;
    }

    /// <summary>Quoted lower-case hex of the first 16 bytes of SHA-256 over the payload.</summary>
    internal static string ETagOf(byte[] payload) => $"\"{Convert.ToHexStringLower(SHA256.HashData(payload).AsSpan(0, 16))}\"";
}
