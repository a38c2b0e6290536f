using System.Net;
using System.Security.Cryptography;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Exchange;

/// <summary>An information system proving who it is with a TLS client certificate on an HTTPS consumer face.</summary>
public sealed class ClientCertificateTests
{
    private const string Certified = "SY/GOV/MOCT/certified";

    [Fact]
    public async Task HttpsConsumerFace_ConfiguredClientCertificate_Carried_OtherCertificateRefused()
    {
        using var good = TestPki.CreateTlsCertificate("portal system");
        using var other = TestPki.CreateTlsCertificate("someone else");
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => member != "SY/GOV/MOCT" ? o : o with
        {
            ConsumerUrl = "https://127.0.0.1:0",
            Clients = [new ClientOptions { Subsystem = Certified, CertificateSha256 = [Convert.ToHexStringLower(good.GetCertHash(HashAlgorithmName.SHA256))] }],
        });
        var configuration = env.Configuration();
        await env.PublishAsync(configuration with { Subsystems = [.. configuration.Subsystems, new(Certified)] });
        await AllowCertifiedAsync(env);
        Assert.StartsWith("https://", env.Consumer.ConsumerUrl, StringComparison.Ordinal);

        using (var accepted = await CallAsync(env, good))
        {
            ResponseAssert.Status(HttpStatusCode.OK, accepted);
        }

        using (var refused = await CallAsync(env, other))
        {
            await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", refused);
        }

        using var none = await CallAsync(env, null);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", none);
        Assert.Equal(1, env.Backend.Calls);
    }

    private static async Task AllowCertifiedAsync(GatewayTestEnvironment env)
    {
        using var admin = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{env.Provider.ConsumerUrl}/admin/v1/acl")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { service = GatewayTestEnvironment.Persons, client = Certified }),
        };
        request.Headers.Authorization = new("Bearer", GatewayTestEnvironment.AdminToken);
        using var response = await admin.SendAsync(request);
        ResponseAssert.Status(HttpStatusCode.OK, response);
    }

    private static async Task<HttpResponseMessage> CallAsync(GatewayTestEnvironment env, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (certificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        using var client = new HttpClient(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{env.Consumer.ConsumerUrl}/r1/{GatewayTestEnvironment.Persons}/persons/1");
        request.Headers.Add("Naqil-Client", Certified);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
