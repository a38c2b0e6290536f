using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.EndToEnd.Tests.Exchange;

/// <summary>
/// A validly signed request captured between two gateways, as an attacker on the path would hold
/// it: resent at once it is refused; resent after the provider's process was killed (SIGKILL) and
/// started again on the same state, still within the signature's freshness, it is refused too.
/// </summary>
public sealed class ReplayAfterRestartTests : IDisposable
{
    private const string Persons = "SY/GOV/CIVREG/registry/persons";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-replay-");

    [Fact]
    public async Task CapturedRequest_ReplayedAfterSigkillAndRestart_RefusedAsReplayed()
    {
        var portBase = Ports.FreeBase(100);
        var arguments = new[] { "sandbox", "--port-base", portBase.ToString(CultureInfo.InvariantCulture) };
        var provider = $"https://127.0.0.1:{portBase + 21}";
        HttpRequestMessage captured;
        await using (var sandbox = await StartAsync(arguments))
        {
            using var client = ConsumerGatewayClient();
            captured = SignAsConsumerGateway(provider);
            using (var first = await client.SendAsync(Copy(captured), TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }

            using (var again = await client.SendAsync(Copy(captured), TestContext.Current.CancellationToken))
            {
                Assert.Equal((HttpStatusCode.Conflict, "replayed"), (again.StatusCode, again.Headers.GetValues("Naqil-Error").Single()));
            }

            sandbox.Signal("KILL");
            await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using (var restarted = await StartAsync(arguments))
        {
            using var client = ConsumerGatewayClient();
            using var replayed = await client.SendAsync(Copy(captured), TestContext.Current.CancellationToken);

            Assert.Equal((HttpStatusCode.Conflict, "replayed"), (replayed.StatusCode, replayed.Headers.GetValues("Naqil-Error").Single()));
            restarted.Signal("INT");
            await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        captured.Dispose();
    }

    private async Task<NaqilProcess> StartAsync(string[] arguments)
    {
        var sandbox = NaqilProcess.Start(_work.FullName, arguments);
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), sandbox.Output);
        return sandbox;
    }

    /// <summary>What the Ministry's gateway would send the Civil Registry's: signed with its signing key (RFC 9421, docs/protocol.md).</summary>
    private HttpRequestMessage SignAsConsumerGateway(string provider)
    {
        var gateway = Gateway("SY-GOV-MOCT");
        using var signingCertificate = X509Certificate2.CreateFromPemFile(gateway["signingCertificateFile"], gateway["signingKeyFile"]);
        using var key = signingCertificate.GetECDsaPrivateKey()!;
        var path = $"/r1/{Persons}/persons/01010000001";
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = Guid.CreateVersion7().ToString("D"),
            ["naqil-client"] = "SY/GOV/MOCT/portal",
            ["naqil-service"] = Persons,
            ["naqil-purpose"] = "application-processing",
            ["content-digest"] = ContentDigest.Compute([]),
        };
        var view = new HttpMessageComponents
        {
            Method = "GET",
            Scheme = "https",
            Authority = new Uri(provider).Authority,
            Path = path,
            Query = "?",
            GetHeader = name => headers.GetValueOrDefault(name),
        };
        var parameters = new SignatureParameters
        {
            Components = [new("@method"), new("@path"), new("@query"), new("content-digest"), new("naqil-id"), new("naqil-client"), new("naqil-service"), new("naqil-purpose")],
            Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
            KeyId = SignedTrustConfiguration.Thumbprint(signingCertificate),
            Tag = "naqil-request",
        };
        var signed = HttpMessageSignatures.Sign(view, null, parameters, "naqil", key);
        var request = new HttpRequestMessage(HttpMethod.Get, provider + path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("signature-input", signed.SignatureInput);
        request.Headers.TryAddWithoutValidation("signature", signed.Signature);
        return request;
    }

    /// <summary>Mutual TLS as the Ministry's gateway: its own TLS certificate; the provider's certificate is not checked (loopback, the test plays the attacker).</summary>
    private HttpClient ConsumerGatewayClient()
    {
        var gateway = Gateway("SY-GOV-MOCT");
        var tls = X509Certificate2.CreateFromPemFile(gateway["tlsCertificateFile"], gateway["tlsKeyFile"]);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = [X509CertificateLoader.LoadPkcs12(tls.Export(X509ContentType.Pkcs12), null)],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        tls.Dispose();
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>The text values of a sandbox gateway's configuration file (its <c>gateway</c> section).</summary>
    private Dictionary<string, string> Gateway(string member)
    {
        var file = Path.Combine(_work.FullName, ".naqil", "SY", "gateways", member, "gateway.json");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.GetProperty("gateway").EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri);
        foreach (var (name, values) in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        return copy;
    }

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
