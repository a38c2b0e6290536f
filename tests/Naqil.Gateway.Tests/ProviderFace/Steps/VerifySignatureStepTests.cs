using Microsoft.Extensions.Options;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

/// <summary>Requests signed by real keys with the consumer's <see cref="SignedRequestFactory"/>, received as Kestrel hands them over.</summary>
public sealed class VerifySignatureStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("valid", null, null)]
    [InlineData("valid, optional headers covered", null, null)]
    [InlineData("valid, from the partner's gateway", null, null)]
    [InlineData("covered header tampered", nameof(GatewayError.BadSignature), "the request signature does not verify")]
    [InlineData("covered query tampered", nameof(GatewayError.BadSignature), "the request signature does not verify")]
    [InlineData("uncovered optional header added", nameof(GatewayError.BadSignature), "the header 'naqil-subject' is present but not covered by the signature")]
    [InlineData("signed by a key not the connected peer's", nameof(GatewayError.BadSignature), "the request is signed with a key that is not the signing key of the gateway that connected")]
    [InlineData("signed by a partner's key, connected from home", nameof(GatewayError.BadSignature), "the request is signed with a key that is not the signing key of the gateway that connected")]
    [InlineData("stale created", nameof(GatewayError.StaleSignature), "the signature was created 31 s from this gateway's clock; at most 30 s is allowed")]
    [InlineData("unparseable Signature-Input", nameof(GatewayError.BadSignature), "the request's 'naqil' signature could not be read")]
    [InlineData("no signature", nameof(GatewayError.BadSignature), "the request's 'naqil' signature could not be read")]
    public async Task VerifySignature_SignedRequest_ValidFromTheConnectedPeerElseRefused(string request, string? expected, string? detail)
    {
        var (signer, connected) = request switch
        {
            "valid, from the partner's gateway" => (_fixture.PartnerSignatures, _fixture.Partner),
            "signed by a key not the connected peer's" => (_fixture.ConsumerSignatures, _fixture.Provider2),
            "signed by a partner's key, connected from home" => (_fixture.PartnerSignatures, _fixture.Consumer),
            _ => (_fixture.ConsumerSignatures, _fixture.Consumer),
        };
        var extra = request.Contains("optional", StringComparison.Ordinal) || request.Contains("tampered", StringComparison.Ordinal)
            ? new Dictionary<string, string> { ["naqil-user"] = "SY-NID:01010000001", ["naqil-purpose"] = "application-processing" }
            : null;
        Action<Dictionary<string, string>>? alter = request switch
        {
            "covered header tampered" => h => h["naqil-purpose"] = "marketing",
            "uncovered optional header added" => h => h["naqil-subject"] = "SY-NID:01010000002",
            "unparseable Signature-Input" => h => h["signature-input"] = "naqil=(\"@method\";",
            "no signature" => h =>
            {
                h.Remove("signature-input");
                h.Remove("signature");
            },
            _ => null,
        };
        var receivedTarget = request == "covered query tampered" ? $"/r1/{StepFixture.Persons}/persons/search?x=2" : null;
        var (exchange, signed) = _fixture.SignedProviderExchange(signer, connected, extra: extra, alter: alter, receivedTarget: receivedTarget);
        using var message = signed.Message;
        if (request == "stale created")
        {
            _fixture.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var step = new VerifySignatureStep(_fixture.ProviderSignatures, Options.Create(_fixture.Options(StepFixture.ProviderMember)));
        var problem = await step.InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(exchange.Peer!.SigningThumbprint, exchange.Signature!.Parameters.KeyId);
            Assert.Equal(_fixture.Time.GetUtcNow().ToUnixTimeSeconds(), exchange.Signature.Parameters.Created);
            Assert.Equal("naqil-request", exchange.Signature.Parameters.Tag);
        }
        else
        {
            Assert.StartsWith(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            if (detail!.Contains("could not be read", StringComparison.Ordinal))
            {
                Assert.Null(exchange.Signature);
            }
        }
    }
}
