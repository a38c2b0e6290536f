using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

/// <summary>The portal has an API key and a client certificate; the sandbox a key and the loopback allowance.</summary>
public sealed class AuthenticateClientStepTests : IDisposable
{
    private const string Sandbox = "SY/GOV/MOCT/sandbox";
    private const string PortalKey = "portal-key-0123456789";
    private const string SandboxKey = "sandbox-key-0123456789";

    private readonly StepFixture _fixture = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _portalCertificate;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _otherCertificate;

    public AuthenticateClientStepTests()
    {
        _portalCertificate = _fixture.Track(TestPki.CreateTlsCertificate("portal client"));
        _otherCertificate = _fixture.Track(TestPki.CreateTlsCertificate("other client"));
    }

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Portal, PortalKey, null, "10.1.2.3", null, null)]
    [InlineData(StepFixture.Portal, null, "portal", "10.1.2.3", null, null)]
    [InlineData(StepFixture.Portal, PortalKey, "other", "10.1.2.3", null, null)]
    [InlineData(Sandbox, null, null, "127.0.0.1", null, null)]
    [InlineData(Sandbox, null, null, "::1", null, null)]
    [InlineData(Sandbox, SandboxKey, null, "10.1.2.3", null, null)]
    [InlineData(StepFixture.Portal, SandboxKey, null, "10.1.2.3", nameof(GatewayError.ClientUnauthenticated), "the Naqil-Api-Key presented is not a key of SY/GOV/MOCT/portal")]
    [InlineData(StepFixture.Portal, "", "portal", "10.1.2.3", nameof(GatewayError.ClientUnauthenticated), "the Naqil-Api-Key presented is not a key of SY/GOV/MOCT/portal")]
    [InlineData(StepFixture.Portal, "wrong", "portal", "10.1.2.3", nameof(GatewayError.ClientUnauthenticated), "the Naqil-Api-Key presented is not a key of SY/GOV/MOCT/portal")]
    [InlineData(StepFixture.Portal, null, "other", "10.1.2.3", nameof(GatewayError.ClientUnauthenticated), "the TLS client certificate is not one configured for SY/GOV/MOCT/portal")]
    [InlineData(StepFixture.Portal, null, null, "127.0.0.1", nameof(GatewayError.ClientUnauthenticated), "no credentials")]
    [InlineData(Sandbox, null, null, "10.1.2.3", nameof(GatewayError.ClientUnauthenticated), "no credentials")]
    [InlineData(Sandbox, "wrong", null, "127.0.0.1", nameof(GatewayError.ClientUnauthenticated), "the Naqil-Api-Key presented is not a key of SY/GOV/MOCT/sandbox")]
    [InlineData(Sandbox, null, "other", "127.0.0.1", nameof(GatewayError.ClientUnauthenticated), "the TLS client certificate is not one configured for SY/GOV/MOCT/sandbox")]
    [InlineData(StepFixture.Unregistered, null, null, "127.0.0.1", nameof(GatewayError.ClientUnauthenticated), "SY/GOV/MOCT/unregistered is not configured as a client of this gateway")]
    public async Task AuthenticateClient_Credentials_AcceptedOnlyForTheClientNamed(string client, string? apiKey, string? certificate, string remote, string? expected, string? detail)
    {
        var options = _fixture.Options() with
        {
            Clients =
            [
                new ClientOptions { Subsystem = StepFixture.Portal, ApiKeySha256 = [Sha256Hex(PortalKey)], CertificateSha256 = [_portalCertificate.GetCertHashString(HashAlgorithmName.SHA256)] },
                new ClientOptions { Subsystem = Sandbox, ApiKeySha256 = [Sha256Hex(SandboxKey).ToUpperInvariant()], AllowUnauthenticatedLoopback = true },
            ],
        };
        var exchange = _fixture.ConsumerExchange(headers: apiKey is null ? [new(NaqilHeaders.Client, client)] : [new(NaqilHeaders.Client, client), new(NaqilHeaders.ApiKey, apiKey)]);
        exchange.Context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        exchange.Context.Connection.ClientCertificate = certificate switch
        {
            "portal" => _portalCertificate,
            "other" => _otherCertificate,
            _ => null,
        };

        var problem = await new AuthenticateClientStep(new ClientAuthenticator(Options.Create(options))).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.StartsWith(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
        }
    }

    private static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
