using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class VerifyDigestStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("matching", null)]
    [InlineData("matching empty", null)]
    [InlineData("body altered", nameof(GatewayError.BadSignature))]
    [InlineData("no digest", nameof(GatewayError.BadSignature))]
    [InlineData("sha-512 digest", nameof(GatewayError.BadSignature))]
    [InlineData("malformed digest", nameof(GatewayError.BadSignature))]
    public async Task VerifyDigest_BodyAgainstSignedContentDigest_MatchPassesElseBadSignature(string digest, string? expected)
    {
        var body = digest == "matching empty" ? [] : "{\"familyName\":\"x\"}"u8.ToArray();
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/search", "POST", body: digest == "body altered" ? "{\"familyName\":\"y\"}"u8.ToArray() : body);
        exchange.RequestBody = digest == "body altered" ? "{\"familyName\":\"y\"}"u8.ToArray() : body;
        exchange.RequestDigest = digest switch
        {
            "no digest" => null,
            "sha-512 digest" => "sha-512=:" + Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(body)) + ":",
            "malformed digest" => "sha-256=" + ContentDigest.Compute(body),
            _ => ContentDigest.Compute(body),
        };

        var problem = await new VerifyDigestStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.StartsWith("the body does not match its signed Content-Digest", StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
        }
    }
}
