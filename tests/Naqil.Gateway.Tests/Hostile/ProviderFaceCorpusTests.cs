using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>
/// Hostile input on the provider face (HTTPS, TLS 1.3, client certificates pinned by the trust
/// configuration): requests from a listed peer that are malformed or unsigned get a signed refusal;
/// peers that are not acceptable do not get past the handshake. The gateway keeps serving.
/// </summary>
public sealed class ProviderFaceCorpusTests(SharedGateway gateway) : IClassFixture<SharedGateway>
{
    private const string Id = "\nNaqil-Id: 3f0c2a64-8d1e-4b7a-9c55-2e6f1d0b7a93";
    private const string Headers = Id + "\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-Service: SY/GOV/CIVREG/registry/persons";
    private const string Persons = "/r1/SY/GOV/CIVREG/registry/persons";

    [Theory]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Headers, 401, "bad-signature")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Headers + "\nContent-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:\nSignature-Input: naqil=(\"@method\");created=1\nSignature: naqil=:AAAA:", 401, "bad-signature")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Headers + "\nSignature-Input: naqil=((((\nSignature: \u00FF", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Headers + "\nSignature-Input: naqil=((((\nSignature: naqil=:*:", 401, "bad-signature")]
    [InlineData("GET " + Persons + "/../../admin/v1/acl HTTP/1.1" + Headers, 400, "bad-path")]
    [InlineData("GET " + Persons + "/%2e%2e/admin HTTP/1.1" + Headers, 400, "bad-path")]
    [InlineData("GET " + Persons + "/a%2Fb HTTP/1.1" + Headers, 400, "bad-path")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers%D1%80ons/x HTTP/1.1" + Headers, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry%EF%BC%8Fpersons/x HTTP/1.1" + Headers, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers\u00D1\u0080ons/x HTTP/1.1" + Headers, 400, "kestrel")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers\u00FFons/x HTTP/1.1" + Headers, 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Id: ../../etc\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-Service: SY/GOV/CIVREG/registry/persons", 400, "bad-header")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Id + "\nNaqil-Client: SY/GOV/MOCT/../portal\nNaqil-Service: SY/GOV/CIVREG/registry/persons", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Id + "\nNaqil-Client: SY/GOV/MOCT/p\u00D1\u0080rtal\nNaqil-Service: SY/GOV/CIVREG/registry/persons", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Id + "\nNaqil-Client: SY/GOV/CIVREG/registry\nNaqil-Service: SY/GOV/CIVREG/registry/persons", 403, "unknown-client")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Id + "\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-Service: SY/GOV/CIVREG/registry/health-records", 400, "bad-header")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/unknown/x HTTP/1.1" + Headers, 404, "unknown-service")]
    [InlineData("POST " + Persons + "/persons/search HTTP/1.1" + Headers + "\nContent-Length: 104857600", 413, "too-large")]
    [InlineData("GET /admin/v1/acl HTTP/1.1\nAuthorization: Bearer test-admin-token-0123456789", 404, "not-found")]
    public async Task ProviderFace_HostileRequestFromListedPeer_RefusedClearly_BackendUntouched_KeepsServing(string head, int status, string code)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, head), env.Consumer.Tls);

        WireAssert.Refused(answer, status, code);
        if (code is not "kestrel" and not "not-found")
        {
            // A provider gateway's refusals are signed, so the consumer can prove what it was told.
            Assert.NotNull(answer.Header("Signature"));
            Assert.NotNull(answer.Header("Signature-Input"));
        }

        Assert.Equal(calls, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ProviderFace_SignatureInputOver8192Characters_RefusedAsBadSignature()
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var head = "GET " + Persons + "/persons/1 HTTP/1.1" + Headers + "\nContent-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
            + "\nSignature-Input: naqil=(\"@method\");created=1;nonce=\"" + new string('n', 9000) + "\"\nSignature: naqil=:AAAA:";

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, head), env.Consumer.Tls);

        WireAssert.Refused(answer, 401, "bad-signature");
        Assert.Equal(calls, env.Backend.Calls);
    }

    [Theory]
    [InlineData(CertificateKind.Expired, true)]
    [InlineData(CertificateKind.NotYetValid, true)]
    [InlineData(CertificateKind.SelfSignedUnlisted, false)]
    [InlineData(CertificateKind.FromUntrustedCa, false)]
    public async Task ProviderFace_UnacceptableClientCertificate_HandshakeRefused_KeepsServing(CertificateKind kind, bool listed)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        using var certificate = HostileCertificates.Create(kind, env.Time.GetUtcNow());
        if (listed)
        {
            await env.PublishAsync(WithExtraGateway(env, certificate));
        }

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, "GET /health HTTP/1.1"), certificate);

        // Refused in the handshake: the client sees an alert or a closed connection, never an HTTP answer.
        Assert.False(answer.Answered, answer.ToString());
        Assert.Equal(calls, env.Backend.Calls);
        await env.PublishAsync(env.Configuration());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ProviderFace_ListedCurrentCertificate_IsAnswered()
    {
        // The control for the refused certificates: the same kind of certificate, listed and in date, gets through.
        var env = gateway.Env;
        using var certificate = HostileCertificates.Create(CertificateKind.Current, env.Time.GetUtcNow());
        await env.PublishAsync(WithExtraGateway(env, certificate));

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, "GET /health HTTP/1.1"), certificate);

        Assert.Equal(200, answer.Status);
        await env.PublishAsync(env.Configuration());
    }

    [Fact]
    public async Task ProviderFace_NoClientCertificate_HandshakeRefused()
    {
        var env = gateway.Env;

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, "GET /health HTTP/1.1"));

        Assert.False(answer.Answered, answer.ToString());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ProviderFace_ClientLimitedToTls12_HandshakeFails_EvenWithListedCertificate()
    {
        var env = gateway.Env;

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, "GET /health HTTP/1.1"), env.Consumer.Tls, SslProtocols.Tls12);

        Assert.StartsWith("handshake failed", answer.TlsFailure, StringComparison.Ordinal);
        var control = await HostileWire.SendAsync(env.Provider.ProviderUrl, HostileWire.Request(env.Provider.ProviderUrl, "GET /health HTTP/1.1"), env.Consumer.Tls, SslProtocols.Tls13);
        Assert.Equal(200, control.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ProviderFace_GarbageBytesOnTlsPort_NoAnswer_KeepsServing(int seed)
    {
        var env = gateway.Env;
        var garbage = new byte[seed * 1000];
        new Random(seed).NextBytes(garbage);
        if (seed == 3)
        {
            // A TLS record header claiming a handshake, then noise; the client then closes its side,
            // or Kestrel would wait out its 10 s handshake timeout.
            garbage[0] = 0x16;
            garbage[1] = 0x03;
            garbage[2] = 0x01;
        }

        var answer = await HostileWire.SendAsync(env.Provider.ProviderUrl.Replace("https://", "http://", StringComparison.Ordinal), garbage, closeSendingSide: true);

        Assert.False(answer.Answered && answer.Status < 400, answer.ToString());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ProviderFace_ClearTextHttpOnTlsPort_NoExchange_KeepsServing()
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var plain = env.Provider.ProviderUrl.Replace("https://", "http://", StringComparison.Ordinal);

        var answer = await HostileWire.SendAsync(plain, HostileWire.Request(plain, "GET " + Persons + "/persons/1 HTTP/1.1" + Headers));

        Assert.False(answer.Answered && answer.Status < 400, answer.ToString());
        Assert.Equal(calls, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }

    /// <summary>The configuration with a second MOCT gateway whose TLS certificate is <paramref name="tls"/> (and a signing key of its own).</summary>
    private static TrustConfiguration WithExtraGateway(GatewayTestEnvironment env, X509Certificate2 tls)
    {
        using var signing = TestPki.CreateSigningCertificate("gw2 signing");
        return env.Configuration([env.Consumer.Entry(), env.Provider.Entry(), new GatewayEntry("SY/GOV/MOCT", "gw2", "https://127.0.0.1:9", tls.RawData, signing.RawData)]);
    }
}
